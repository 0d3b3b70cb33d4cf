"""The one rule: which action a request is, and which roles may do it.

* ``read``: ask, search, list speeches, read texts, outlines and pages, the chat page and its events;
* ``change``: upload, delete and move speeches;
* ``admin``: manage keys.

A reader may read, an editor also change, an admin everything. Every route of the server has an
action here (``ROUTE_ACTIONS``, matched by method and path prefix); a route missing from it is
refused, so a route added without a rule cannot be reached (and the route matrix test fails).
"""

from __future__ import annotations

from enum import Enum

__all__ = ["ROUTE_ACTIONS", "Action", "Role", "action_for", "refusal_for"]


class Action(str, Enum):
    OPEN = "open"  # no key needed: the health check and the login page
    READ = "read"
    CHANGE = "change"
    ADMIN = "admin"


class Role(str, Enum):
    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    def may(self, action: Action) -> bool:
        granted = {Role.READER: {Action.READ}, Role.EDITOR: {Action.READ, Action.CHANGE},
                   Role.ADMIN: {Action.READ, Action.CHANGE, Action.ADMIN}}[self]
        return action is Action.OPEN or action in granted


# (method or "*", path prefix, action): the first that matches decides; most specific first.
ROUTE_ACTIONS: tuple[tuple[str, str, Action], ...] = (
    ("*", "/healthz", Action.OPEN),
    ("*", "/login", Action.OPEN),
    ("POST", "/api/speeches", Action.CHANGE),  # upload, and moving a speech to another collection
    ("DELETE", "/api/speeches/", Action.CHANGE),
    ("*", "/api/", Action.READ),
    ("*", "/v1/", Action.READ),
    ("GET", "/read", Action.READ),
    ("GET", "/docs", Action.READ),
    ("GET", "/openapi.json", Action.READ),
    ("*", "/gradio_api/", Action.READ),  # the chat page's events; its upload and delete check CHANGE themselves
    ("*", "/", Action.READ),  # the chat page, its config, assets and the other Gradio routes
)


def action_for(method: str, path: str) -> Action | None:
    """The action a request is; None for a route no rule covers (refused)."""
    for rule_method, prefix, action in ROUTE_ACTIONS:
        if rule_method in ("*", method) and (path == prefix.rstrip("/") or path.startswith(prefix)):
            return action
    return None


def refusal_for(action: Action | None, role: Role) -> str:
    """The one-line message a refused request gets (403)."""
    if action is None:
        return "this route has no access rule; it is not served"
    need = {Action.READ: "reader", Action.CHANGE: "editor", Action.ADMIN: "admin"}[action]
    return f"this needs the {need} role or higher; the key used has the {role.value} role (ask an admin for a key)"

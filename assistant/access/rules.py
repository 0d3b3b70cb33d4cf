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

__all__ = ["ROUTE_ACTIONS", "Action", "Role", "action_for", "checked_change", "refusal_for", "seen_by"]


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
    ("GET", "/api/collections", Action.READ),
    ("DELETE", "/api/speeches/", Action.CHANGE),
    ("*", "/api/", Action.READ),
    ("*", "/v1/", Action.READ),
    ("*", "/mcp", Action.READ),  # the MCP tools over HTTP: read-only
    ("POST", "/retrieval", Action.READ),  # Dify's External Knowledge API
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


def seen_by(assistant, principal, asked=()):
    """The assistant as a request may see it: the collections it asks for (none: all), within those its
    key is granted (assistant/access/keys.py Principal.readable). Every face asks this, so a key of one
    collection never gets another's passages, whatever it asks."""
    names = principal.readable(asked, assistant.collections())
    return assistant.within(names, strict=bool(asked))


def checked_change(assistant, principal, speech_id: str | None = None, collection: str | None = None) -> None:
    """ForbiddenError unless the key may change the speech's collection and the target one."""
    from vectorstore.errors import ForbiddenError

    touched = [collection] if collection else []
    if speech_id is not None:
        record = assistant.index.speeches().get(speech_id)
        touched += [record.collection] if record is not None else []
    refused = [name for name in touched if not principal.may_touch(name)]
    if refused:
        raise ForbiddenError(f"this key may not change the collection {refused[0]!r}")

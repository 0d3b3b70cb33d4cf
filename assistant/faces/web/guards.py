"""Request guards in front of the app: the Host name, cross-site requests, JSON content type, body size limits.

The token gate is in :mod:`assistant.faces.web.auth`.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.faces.web.errors import error_body

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})


class AllowedHosts:
    """Answers only requests addressed to a name this server is reached by (DNS rebinding).

    A page of ``http://evil.test:PORT`` whose name the attacker points at 127.0.0.1 is, to the
    browser, same-origin with itself; only the ``Host`` header tells such requests apart. Accepted:
    the loopback names (and ``*.localhost``, which browsers resolve themselves), the address the
    server is bound to, any IP address when it is bound to every interface (an IP literal cannot
    be rebound), and ``POLICYQA_ALLOWED_HOSTS`` (names, ``.example.org`` for its subdomains, ``*``).
    Everything else gets 400, on every route and on websockets.
    """

    def __init__(self, app: ASGIApp, bound: str, allowed: Iterable[str] = ()):
        self.app = app
        self.bound = host_name(bound) or ""
        self.allowed = {name.strip().lower().rstrip(".") for name in allowed if name.strip()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        name = host_name(Headers(scope=scope).get("host", ""))
        if name is not None and self.accepts(name):
            return await self.app(scope, receive, send)
        log.warning("refused a request for host %r (%s %s)", name, scope.get("method", "websocket"), scope["path"])
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        await send_error(send, 400, "host_not_allowed", f"this server does not answer to the host name {name!r}; "
                         "if that is how it is reached, list it in POLICYQA_ALLOWED_HOSTS (e.g. "
                         "POLICYQA_ALLOWED_HOSTS=qa.example.org) and restart")

    def accepts(self, name: str) -> bool:
        if name in LOOPBACK_NAMES or name.endswith(".localhost") or name == self.bound or "*" in self.allowed:
            return True
        if self.bound in ANY_ADDRESS and is_ip_address(name):
            return True
        return name in self.allowed or any(entry.startswith(".") and (name.endswith(entry) or name == entry[1:])
                                           for entry in self.allowed)


def host_name(host: str) -> str | None:
    """``evil.test:80`` → ``evil.test``, ``[::1]:7860`` → ``::1``; None for what is not a host."""
    try:
        name = urlsplit("//" + host.strip()).hostname if host.strip() else None
    except ValueError:
        return None
    return name.rstrip(".") if name else None


def is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class SameOrigin:
    """Refuses state-changing requests that a page of another origin sends (CSRF).

    Browsers send ``Origin`` (and ``Sec-Fetch-Site``) with such requests; a request whose
    origin is neither this server nor one of ``POLICYQA_CORS_ORIGINS`` gets 403. Programs
    (curl, httpx, gradio_client) send no Origin and are not affected.
    """

    def __init__(self, app: ASGIApp, allowed: list[str]):
        self.app = app
        self.allowed = {origin.rstrip("/") for origin in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)
        if scope["type"] not in ("http", "websocket") or self.trusted(Headers(scope=scope)):
            return await self.app(scope, receive, send)
        log.warning("refused a cross-site %s %s", scope.get("method", "websocket"), scope["path"])
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        await send_error(send, 403, "cross_site_request", "requests from pages of other sites are refused; "
                         "call the API from a program, or list the page's origin in POLICYQA_CORS_ORIGINS")

    def trusted(self, headers: Headers) -> bool:
        origin = headers.get("origin")
        if origin is None:
            return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
        if origin.rstrip("/") in self.allowed:
            return True
        return origin != "null" and urlsplit(origin).netloc == headers.get("host", "")


class JsonOnly:
    """JSON endpoints say which content type to send, instead of a puzzling 422."""

    def __init__(self, app: ASGIApp, paths: frozenset[str]):
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in self.paths:
            kind = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                return await send_error(send, 415, "unsupported_media_type",
                                        f"send the body as JSON with the header `Content-Type: application/json` "
                                        f"(got {kind or 'no content type'})")
        await self.app(scope, receive, send)


async def send_error(send: Send, status: int, kind: str, message: str, extra: list | None = None) -> None:
    body = json.dumps(error_body(kind, message), ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                + (extra or [])})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuses request bodies over a limit with 413, before the endpoint reads them.

    ``limits`` maps (method or "*", path prefix) to bytes, the longest prefix winning; with a
    ``("*", "/")`` entry every request is bounded. Bodies without a Content-Length are counted as they arrive.
    """

    def __init__(self, app: ASGIApp, limits: dict[tuple[str, str], int]):
        self.app = app
        self.limits = sorted(limits.items(), key=lambda item: -len(item[0][1]))

    def limit_for(self, method: str, path: str) -> int | None:
        for (limit_method, prefix), limit in self.limits:
            if limit_method in ("*", method) and path.startswith(prefix):
                return limit
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope.get("method", ""), scope.get("path", "")) if scope["type"] == "http" else None
        if limit is None:
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await too_large(send, limit)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await too_large(send, limit)


class KnownMethods:
    """A method no route serves (TRACE, CONNECT, PROPFIND…) gets 405 with ``Allow``, on every path."""

    SERVED = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in self.SERVED:
            return await self.app(scope, receive, send)
        await send_error(send, 405, "method_not_allowed", f"{scope.get('method')} is not served here; use "
                         "GET, POST or DELETE as /docs lists", [(b"allow", b"GET, HEAD, POST, DELETE, OPTIONS")])


class BodyTooLarge(Exception):
    pass


async def too_large(send: Send, limit: int) -> None:
    await send_error(send, 413, "request_too_large", f"the request body is over the {limit // 1024} KB limit; "
                     "send less (uploads: POLICYQA_MAX_FILE_MB, JSON: POLICYQA_MAX_REQUEST_KB)")

"""Request guards for /api and /v1: a bearer token when one is configured, and body size limits."""

from __future__ import annotations

import json
import secrets

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.web.errors import error_body
from vectorstore.errors import AuthError


def bearer_guard(token: str | None):
    """A FastAPI dependency: with a token configured, requests must carry it as a bearer token."""

    def check(request: Request) -> None:
        if not token:
            return
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
            raise AuthError("this server requires `Authorization: Bearer <token>` (the value of POLICYQA_API_TOKEN)")

    return check


class BodyLimit:
    """Refuses request bodies over a limit with 413, before the endpoint reads them.

    ``limits`` maps (method, path prefix) to bytes, the longest prefix winning;
    bodies without a Content-Length are counted as they arrive.
    """

    def __init__(self, app: ASGIApp, limits: dict[tuple[str, str], int]):
        self.app = app
        self.limits = sorted(limits.items(), key=lambda item: -len(item[0][1]))

    def limit_for(self, method: str, path: str) -> int | None:
        for (limit_method, prefix), limit in self.limits:
            if method == limit_method and path.startswith(prefix):
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


class BodyTooLarge(Exception):
    pass


async def too_large(send: Send, limit: int) -> None:
    body = json.dumps(error_body("request_too_large", f"the request body is over the {limit // 1024} KB limit; "
                                 "send less (uploads: POLICYQA_MAX_FILE_MB, JSON: POLICYQA_MAX_REQUEST_KB)"),
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})

"""The token gate: with ``POLICYQA_API_TOKEN`` set, every route but ``/healthz`` and ``/login`` needs it.

Programs send ``Authorization: Bearer <token>`` (the API, the OpenAI clients, gradio_client's
``headers=``). A browser logs in once at ``/login``; the session cookie it gets holds an HMAC of
the token, never the token, and is HttpOnly and SameSite=Strict. The gate sits in front of the
whole app, so the web UI's own Gradio endpoints (``/gradio_api/*``, the page, its config) are behind
it too, not only ``/api`` and ``/v1``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.faces.web.errors import error_body

log = logging.getLogger(__name__)
COOKIE = "policyqa_session"
OPEN_PATHS = frozenset({"/healthz", "/login"})
LOOPBACK = ("127.", "localhost", "::1")


def session_value(token: str) -> str:
    return hmac.new(token.encode(), b"policyqa-session-v1", hashlib.sha256).hexdigest()


def is_authorised(headers: Headers, token: str) -> bool:
    scheme, _, given = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode(), token.encode()):
        return True
    cookie = _cookies(headers).get(COOKIE, "")
    return bool(cookie) and secrets.compare_digest(cookie.encode(), session_value(token).encode())


def _cookies(headers: Headers) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in headers.get("cookie", "").split(";"))
    return {name: value for name, _, value in pairs if name}


class TokenGate:
    """Refuses every request without the token: 401 in the API's error shape, or the login page for a browser."""

    def __init__(self, app: ASGIApp, token: str | None):
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.token or scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        if is_authorised(headers, self.token):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        await _refuse(scope, headers, send)


async def _refuse(scope: Scope, headers: Headers, send: Send) -> None:
    wants_page = scope["method"] == "GET" and "text/html" in headers.get("accept", "")
    if wants_page:
        target = "/login?next=" + quote(scope["path"], safe="/")
        start = {"type": "http.response.start", "status": 303,
                 "headers": [(b"location", target.encode()), (b"content-length", b"0")]}
        await send(start)
        return await send({"type": "http.response.body", "body": b""})
    body = json.dumps(error_body("AuthError", "this server requires its token: send `Authorization: Bearer <token>` "
                                 "(the value of POLICYQA_API_TOKEN), or log in at /login in a browser"),
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 401,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"www-authenticate", b"Bearer")]})
    await send({"type": "http.response.body", "body": body})


LOGIN_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>policy-qa 登录</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28em;margin:10vh auto;padding:0 1em}}
input,button{{font-size:1em;padding:.4em;margin:.3em 0;width:100%}} .error{{color:#c0392b}}</style></head>
<body><h2>政策讲话问答 · 登录</h2><p>这台服务器设置了访问令牌（POLICYQA_API_TOKEN），请输入令牌。</p>
{error}<form method="post" action="/login"><input type="hidden" name="next" value="{next}">
<input type="password" name="token" id="token" placeholder="访问令牌" autofocus required>
<button type="submit" id="login">登录</button></form></body></html>"""


def safe_next(target: str | None) -> str:
    """Only a path on this server (no ``//host`` or scheme) may follow the login."""
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not (target or "/").startswith("/") or (target or "").startswith("//"):
        return "/"
    return target or "/"


def add_login_routes(app: FastAPI, token: str | None) -> None:
    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        target = safe_next(parse_qs(request.url.query).get("next", ["/"])[0])
        return HTMLResponse(LOGIN_PAGE.format(error="", next=escape(target)))

    @app.post("/login", include_in_schema=False)
    def login(token_given: str = Form("", alias="token"), next_path: str = Form("/", alias="next")):
        if not token or not secrets.compare_digest(token_given.encode(), token.encode()):
            log.warning("failed login at /login")
            page = LOGIN_PAGE.format(error='<p class="error">令牌不对，请重试。</p>', next=escape(safe_next(next_path)))
            return HTMLResponse(page, status_code=401)
        response = RedirectResponse(safe_next(next_path), status_code=303)
        response.set_cookie(COOKIE, session_value(token), httponly=True, samesite="strict", path="/")
        return response


def warn_if_exposed(host: str, token: str | None) -> None:
    if not token and not host.startswith(LOOPBACK):
        log.warning("serving on %s without POLICYQA_API_TOKEN: anyone who can reach this address can ask, "
                    "upload and delete speeches; set POLICYQA_API_TOKEN", host)

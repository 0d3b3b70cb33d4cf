"""The access gate: with keys (``policyqa keys add``) or ``POLICYQA_API_TOKEN`` set, every route but
``/healthz`` and ``/login`` needs a key whose role may do what the route does (assistant/access/rules.py).

Programs send ``Authorization: Bearer <key>`` (the API, the OpenAI clients with the key as their API
key, gradio_client's ``headers=``). A browser logs in once at ``/login``; the session cookie it gets
holds the key's id and an HMAC of it, never the key, and is HttpOnly and SameSite=Strict; failed
logins from one address wait longer each time. The gate sits in front of the whole app, so the web
UI's own Gradio endpoints are behind it too, not only ``/api`` and ``/v1``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import FastAPI, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.access import Action, KeyStore, Principal, action_for, refusal_for
from assistant.faces.web.errors import error_body

log = logging.getLogger(__name__)
COOKIE = "policyqa_session"
LOOPBACK = ("127.", "localhost", "::1")


def principal_of(headers: Headers, keys: KeyStore) -> Principal | None:
    """Who sends the request: a key (or the token) as ``Authorization: Bearer``, else a session cookie."""
    scheme, _, given = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        return keys.principal(given.strip())
    cookie = _cookies(headers).get(COOKIE, "")
    return keys.from_session(cookie) if cookie else None


def _cookies(headers: Headers) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in headers.get("cookie", "").split(";"))
    return {name: value for name, _, value in pairs if name}


class AccessGate:
    """Every request is an action of the one rule (assistant/access/rules.py): without a key where one
    is needed, 401 (or the login page for a browser); with a key whose role may not, 403. The
    principal is left in ``scope["state"]`` for the routes. Nothing configured: open access."""

    def __init__(self, app: ASGIApp, keys: KeyStore):
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        action = action_for(scope.get("method", "GET"), scope["path"])
        if action is Action.OPEN or (action is not None and not self.keys.configured):
            scope.setdefault("state", {})["principal"] = Principal.open()
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        principal = principal_of(headers, self.keys)
        if principal is not None and action is not None and principal.role.may(action):
            scope.setdefault("state", {})["principal"] = principal
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        if principal is None:
            return await _refuse(scope, headers, send)
        await _send_json(send, 403, error_body("ForbiddenError", refusal_for(action, principal.role)))


async def _send_json(send: Send, status: int, body: dict, extra: list | None = None) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
                + (extra or [])})
    await send({"type": "http.response.body", "body": data})


async def _refuse(scope: Scope, headers: Headers, send: Send) -> None:
    wants_page = scope["method"] == "GET" and "text/html" in headers.get("accept", "")
    if wants_page:
        target = "/login?next=" + quote(scope["path"], safe="/")
        start = {"type": "http.response.start", "status": 303,
                 "headers": [(b"location", target.encode()), (b"content-length", b"0")]}
        await send(start)
        return await send({"type": "http.response.body", "body": b""})
    await _send_json(send, 401, error_body("AuthError", "this server requires a key: send `Authorization: Bearer <key>` "
                                           "(a key from `policyqa keys add`, or POLICYQA_API_TOKEN), or log in at "
                                           "/login in a browser"), [(b"www-authenticate", b"Bearer")])


LOGIN_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>policy-qa 登录</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28em;margin:10vh auto;padding:0 1em}}
input,button{{font-size:1em;padding:.4em;margin:.3em 0;width:100%}} .error{{color:#c0392b}}</style></head>
<body><h2>政策讲话问答 · 登录</h2><p>这台服务器需要密钥：请输入管理员发给您的密钥（或 POLICYQA_API_TOKEN）。</p>
{error}<form method="post" action="/login"><input type="hidden" name="next" value="{next}">
<input type="password" name="token" id="token" placeholder="密钥" autofocus required>
<button type="submit" id="login">登录</button></form></body></html>"""


def safe_next(target: str | None) -> str:
    """Only a path on this server (no ``//host`` or scheme) may follow the login."""
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not (target or "/").startswith("/") or (target or "").startswith("//"):
        return "/"
    return target or "/"


class Throttle:
    """Repeated failed logins from one address wait longer each time: 0.5 s, 1 s, 2 s … up to 30 s."""

    def __init__(self, first: float = 0.5, most: float = 30.0):
        self.first, self.most = first, most
        self.failures: dict[str, int] = {}

    def delay(self, address: str) -> float:
        count = self.failures.get(address, 0)
        return min(self.most, self.first * 2 ** (count - 1)) if count else 0.0

    def failed(self, address: str) -> None:
        if len(self.failures) > 10_000:  # bounded: the oldest addresses are forgotten
            self.failures.clear()
        self.failures[address] = self.failures.get(address, 0) + 1

    def succeeded(self, address: str) -> None:
        self.failures.pop(address, None)


def add_login_routes(app: FastAPI, keys: KeyStore, cookie_secure: bool = False) -> None:
    throttle = Throttle()

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        target = safe_next(parse_qs(request.url.query).get("next", ["/"])[0])
        return HTMLResponse(LOGIN_PAGE.format(error="", next=escape(target)))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request, token_given: str = Form("", alias="token"), next_path: str = Form("/", alias="next")):
        address = request.client.host if request.client else "?"
        await asyncio.sleep(throttle.delay(address))
        principal = await run_in_threadpool(keys.principal, token_given.strip())
        if principal is None:
            throttle.failed(address)
            log.warning("failed login at /login from %s", address)
            page = LOGIN_PAGE.format(error='<p class="error">密钥不对，请重试。</p>', next=escape(safe_next(next_path)))
            return HTMLResponse(page, status_code=401)
        throttle.succeeded(address)
        response = RedirectResponse(safe_next(next_path), status_code=303)
        secure = cookie_secure or request.url.scheme == "https"  # a cookie sent over HTTPS never goes over plain HTTP
        response.set_cookie(COOKIE, keys.session(principal), httponly=True, samesite="strict", path="/", secure=secure)
        return response


def warn_if_exposed(host: str, keys: KeyStore) -> None:
    if not keys.configured and not host.startswith(LOOPBACK):
        log.warning("serving on %s without keys: anyone who can reach this address can ask, upload and delete "
                    "speeches; add keys (`policyqa keys add --role reader`) or set POLICYQA_API_TOKEN", host)

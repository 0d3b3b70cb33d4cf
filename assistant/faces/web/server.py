"""One process, one port: the HTTP API, the OpenAI-compatible API and the Gradio chat at ``/``.

Every request passes, outermost first: the Host check (DNS rebinding), CORS (off unless
POLICYQA_CORS_ORIGINS), the cross-site check, the token gate (with POLICYQA_API_TOKEN), the JSON content-type check
and the body size limits; then the routes.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI, Request
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Match, Route

from assistant.access import KeyStore
from assistant.faces.web.auth import AccessGate, add_login_routes, warn_if_exposed
from assistant.faces.web.errors import error_response, install_error_handlers
from assistant.faces.web.guards import AllowedHosts, BodyLimit, KnownMethods, JsonOnly, SameOrigin
from assistant.faces.web.http_api import JSON_PATHS, api_router
from assistant.faces.web.openai_api import OPENAI_JSON_PATHS, openai_router
from assistant.faces.web.dify import dify_router
from assistant.faces.web.reading import reading_router

log = logging.getLogger(__name__)
MAX_UPLOAD_FILES = 20
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

DESCRIPTION = """政策讲话问答：回答附带可核对的原文引文。

* `/api/...` — this project's API (the `Answer` with its `Citation`s);
* `/v1/chat/completions` — the same assistant for OpenAI clients;
* `/` — the web chat.

With `POLICYQA_API_TOKEN` set, every route but `/healthz` needs `Authorization: Bearer <token>`
(browsers log in at `/login`).
"""


def create_api(assistant, settings) -> FastAPI:
    """The FastAPI app without the UI (what the API tests exercise)."""
    mcp = mcp_face(assistant)
    app = FastAPI(title="policy-qa", description=DESCRIPTION, version="0.1.0", lifespan=lifespan(assistant, mcp))
    # POST only: stateless JSON answers need no server-sent stream (a GET would hold one open) nor sessions to end
    app.router.routes.append(Route(MCP_PATH, endpoint=mcp, methods=["POST"]))  # behind the same gate as /api
    keys = KeyStore(settings.index_dir, settings.api_token)
    install_error_handlers(app)
    app.include_router(api_router(assistant))
    app.include_router(openai_router(assistant))
    app.include_router(reading_router(assistant))
    app.include_router(dify_router(assistant))
    add_login_routes(app, keys, settings.cookie_secure)
    add_health_route(app, assistant)
    add_fallback_routes(app)
    add_guards(app, settings, keys)
    return app


MCP_PATH = "/mcp"
CHAT_BODY_BYTES = 4 * 1024 * 1024


def lifespan(assistant, mcp):
    """At start the uploads left unfinished are resumed or rolled back (assistant/uploads/journal.py); at
    the end an ingest under way stops at its next batch (``serve`` already asks at SIGTERM)."""

    @asynccontextmanager
    async def run(_app):
        await anyio.to_thread.run_sync(assistant.start)
        try:
            async with mcp.run():
                yield
        finally:
            assistant.stop()

    return run


class McpEndpoint:
    """The MCP tools over streamable HTTP (stateless, JSON answers) at /mcp. Each start of the app (its
    lifespan) gets a fresh session manager, so an app can be started again (a test client, a reload);
    hosts are checked by AllowedHosts in front of the whole app, so the SDK's own check stands aside."""

    def __init__(self, server):
        self.server = server
        self.manager = None

    def run(self):
        from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
        from mcp.server.transport_security import TransportSecuritySettings

        self.manager = StreamableHTTPSessionManager(
            app=self.server._lowlevel_server, json_response=True, stateless=True,  # the SDK's own server object
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False))
        return self.manager.run()

    async def __call__(self, scope, receive, send) -> None:
        await self.manager.asgi_app(scope, receive, send)


def mcp_face(assistant) -> McpEndpoint:
    from assistant.faces.mcp import build_mcp_server

    return McpEndpoint(build_mcp_server(assistant))


def add_health_route(app: FastAPI, assistant) -> None:
    limiter = anyio.CapacityLimiter(2)  # its own threads: answers even when every worker thread waits

    @app.get("/healthz", tags=["health"], summary="Liveness and what the index holds")
    async def healthz() -> dict:
        status = await anyio.to_thread.run_sync(assistant.status, limiter=limiter)
        return {"status": "ok", **status}


def add_fallback_routes(app: FastAPI) -> None:
    """Unknown API paths get 404 and wrong methods 405, in the API's error shape (not the UI's 404)."""

    def fallback(request: Request):
        allowed = sorted({method for route in leaf_routes(app.router.routes)
                          if route.matches(request.scope)[0] == Match.PARTIAL for method in route.methods or ()})
        if allowed:
            response = error_response(405, "method_not_allowed", f"{request.method} is not allowed on "
                                      f"{request.url.path}; use {', '.join(allowed)} (see /docs)")
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return error_response(404, "not_found", f"there is no endpoint {request.url.path}; the endpoints are listed at /docs")

    for path in ("/api/{rest:path}", "/v1/{rest:path}", "/healthz", "/login"):
        app.add_api_route(path, fallback, methods=ALL_METHODS, include_in_schema=False)


def leaf_routes(routes):
    """The routes themselves, also inside included routers (FastAPI keeps those as one entry)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from leaf_routes(inner.routes)
        elif hasattr(route, "methods"):
            yield route


def add_guards(app: FastAPI, settings, keys: KeyStore) -> None:
    json_limit = settings.max_request_kb * 1024
    upload_limit = MAX_UPLOAD_FILES * settings.max_file_bytes
    chat_limit = max(json_limit, CHAT_BODY_BYTES)  # the chat page sends its whole conversation with each question
    app.add_middleware(BodyLimit, limits={("*", "/"): json_limit, ("*", "/gradio_api/"): chat_limit,
                                          ("POST", "/api/speeches"): upload_limit,
                                          ("POST", "/gradio_api/upload"): upload_limit})
    app.add_middleware(JsonOnly, paths=JSON_PATHS | OPENAI_JSON_PATHS)
    app.add_middleware(AccessGate, keys=keys)
    app.add_middleware(SameOrigin, allowed=settings.cors_origins)
    # Always present, so Gradio's own CORS middleware (which approves any localhost origin) stands aside.
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
                       allow_headers=["Authorization", "Content-Type"], expose_headers=["X-Total-Count"])
    app.add_middleware(KnownMethods)
    app.add_middleware(AllowedHosts, bound=settings.host, allowed=settings.allowed_hosts)


def create_app(assistant, settings) -> FastAPI:
    """The API with the Gradio chat mounted at ``/``."""
    import gradio as gr

    from assistant.faces.web.render import CSS
    from assistant.faces.web.ui import build_ui

    app = create_api(assistant, settings)
    theme = gr.themes.Soft(font=["system-ui", "PingFang SC", "Microsoft YaHei", "sans-serif"],
                           font_mono=["ui-monospace", "monospace"])  # local fonts: no CDN in offline sites
    ui = build_ui(assistant, settings.openai_model if settings.llm == "openai" else None,
                  KeyStore(settings.index_dir, settings.api_token))
    app = gr.mount_gradio_app(app, ui, path="/", theme=theme, css=CSS, footer_links=["api"],
                              max_file_size=settings.max_file_bytes)
    # gr.mount_gradio_app never marks the Blocks as launched, and Gradio skips its check that a
    # file handed to an event came through an upload (processing_utils._check_allowed) until it is:
    # without this, a request could name any server file as "uploaded".
    ui.has_launched = True
    return app


def serve(settings, host: str | None = None, port: int | None = None) -> None:
    """Build the assistant (model and default index on first run, with progress), then serve."""
    import uvicorn

    from assistant.factory import build_assistant

    settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    assistant = build_assistant(settings)
    app = create_app(assistant, settings)
    threading.Thread(target=assistant.warm_up, name="warm-up", daemon=True).start()
    host, port = settings.host, settings.port
    warn_if_exposed(host, KeyStore(settings.index_dir, settings.api_token))
    log.info("serving on http://%s:%d  (chat: /, API docs: /docs)", host, port)
    config = uvicorn.Config(app, host=host, port=port, log_level=settings.log_level.lower(), access_log=False)
    stopping_server(config, assistant.stop).run()


def stopping_server(config, on_exit):
    """uvicorn's server, which also calls ``on_exit`` at SIGTERM or Ctrl-C: uvicorn waits for the requests
    under way before its lifespan ends, so an upload's ingest would otherwise run to its end first."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            log.info("stopping: an ingest under way stops at its next batch")
            on_exit()
            super().handle_exit(sig, frame)

    return Server(config)

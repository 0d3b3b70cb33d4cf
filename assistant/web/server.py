"""One process, one port: the HTTP API, the OpenAI-compatible API and the Gradio chat at ``/``."""

from __future__ import annotations

import logging
import threading

from fastapi import Depends, FastAPI

from assistant.web.errors import install_error_handlers
from assistant.web.guards import BodyLimit, bearer_guard
from assistant.web.http_api import api_router
from assistant.web.openai_api import openai_router

log = logging.getLogger(__name__)
MAX_UPLOAD_FILES = 20

DESCRIPTION = """政策讲话问答：回答附带可核对的原文引文。

* `/api/...` — this project's API (the `Answer` with its `Citation`s);
* `/v1/chat/completions` — the same assistant for OpenAI clients;
* `/` — the web chat.

With `POLICYQA_API_TOKEN` set, `/api` and `/v1` need `Authorization: Bearer <token>`.
"""


def create_api(assistant, settings) -> FastAPI:
    """The FastAPI app without the UI (what the API tests exercise)."""
    app = FastAPI(title="policy-qa", description=DESCRIPTION, version="0.1.0")
    install_error_handlers(app)
    guard = [Depends(bearer_guard(settings.api_token))]
    app.include_router(api_router(assistant), dependencies=guard)
    app.include_router(openai_router(assistant), dependencies=guard)

    @app.get("/healthz", tags=["health"], summary="Liveness and what the index holds")
    def healthz() -> dict:
        return {"status": "ok", **assistant.status()}

    json_limit = settings.max_request_kb * 1024
    upload_limit = MAX_UPLOAD_FILES * settings.max_file_bytes
    app.add_middleware(BodyLimit, limits={("POST", "/api/"): json_limit, ("POST", "/v1/"): json_limit,
                                          ("POST", "/api/speeches"): upload_limit})
    return app


def create_app(assistant, settings) -> FastAPI:
    """The API with the Gradio chat mounted at ``/``."""
    import gradio as gr

    from assistant.web.render import CSS
    from assistant.web.ui import build_ui

    app = create_api(assistant, settings)
    theme = gr.themes.Soft(font=["system-ui", "PingFang SC", "Microsoft YaHei", "sans-serif"],
                           font_mono=["ui-monospace", "monospace"])  # local fonts: no CDN in offline sites
    ui = build_ui(assistant, settings.openai_model if settings.llm == "openai" else None)
    return gr.mount_gradio_app(app, ui, path="/", theme=theme, css=CSS, footer_links=["api"],
                               max_file_size=settings.max_file_bytes)


def serve(settings, host: str | None = None, port: int | None = None) -> None:
    """Build the assistant (model and default index on first run, with progress), then serve."""
    import uvicorn

    from assistant.factory import build_assistant

    assistant = build_assistant(settings)
    app = create_app(assistant, settings)
    threading.Thread(target=assistant.warm_up, name="warm-up", daemon=True).start()
    host, port = host or settings.host, port or settings.port
    log.info("serving on http://%s:%d  (chat: /, API docs: /docs)", host, port)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(), access_log=False)

"""Errors at the HTTP edge: every failure is JSON ``{"error": {"type", "message"}}``, never a traceback.

The shape is OpenAI's, so OpenAI clients show the message too. The message is the error's public one:
no path on the server in it (vectorstore.errors.public_message).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from vectorstore.runtime.access import ReadOnlyIndexError
from vectorstore.runtime.writer_lock import IndexBusyError
from vectorstore.errors import (AuthError, DiskFullError, ForbiddenError, ConfigError, IndexMismatchError, InputError, ModelError,
                                NotFoundError, PolicyQAError, StoppingError, public_message)

log = logging.getLogger(__name__)

STATUS = ((ForbiddenError, 403), (AuthError, 401), (NotFoundError, 404), (ReadOnlyIndexError, 409), (IndexBusyError, 409),
          (InputError, 400), (IndexMismatchError, 409), (ModelError, 503), (StoppingError, 503), (DiskFullError, 507),
          (ConfigError, 500))


def error_body(kind: str, message: str) -> dict:
    return {"error": {"type": kind, "message": message}}


def error_response(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse(error_body(kind, message), status_code=status)


def status_of(error: PolicyQAError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 400)


def validation_message(error: RequestValidationError) -> tuple[int, str]:
    """400 for a body that is not JSON, 422 for JSON of the wrong shape; the message names the field."""
    problems = error.errors()
    broken = next((problem for problem in problems if problem.get("type") == "json_invalid"), None)
    if broken:
        where = broken.get("loc", ("body", "?"))[-1]
        reason = (broken.get("ctx") or {}).get("error", "invalid JSON")
        return 400, (f"the request body is not valid JSON (character {where}: {reason}); "
                     "send a JSON object with the fields listed at /docs")
    parts = []
    for problem in problems:
        where = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
        parts.append(f"{where or 'body'}: {problem.get('msg')}")
    return 422, "invalid request — " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PolicyQAError)
    async def policyqa_error(_: Request, error: PolicyQAError):
        return error_response(status_of(error), type(error).__name__, public_message(error))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError):
        status, message = validation_message(error)
        return error_response(status, "invalid_request", message)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException):
        return JSONResponse(error_body("http_error", str(error.detail)), status_code=error.status_code,
                            headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception):
        log.exception("unexpected error while serving a request")
        return error_response(500, "internal_error", f"internal error ({type(error).__name__}); see the server log")

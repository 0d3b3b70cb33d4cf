"""The HTTP API (/api/...): the same Assistant and the same Answer as every other face."""

from __future__ import annotations

import json
from typing import Iterator, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import UploadFile
from pydantic import BaseModel, ConfigDict, Field

from assistant.types import MAX_K, Answer, FilterSpec, IngestOutcome, SpeechInfo
from assistant.types import SpeechOutline, SpeechText, parse_span
from assistant.uploads import Upload
from assistant.faces.web.errors import error_body
from vectorstore.errors import InputError, PolicyQAError
from vectorstore.speech.types import Passage

JSON_PATHS = frozenset({"/api/ask", "/api/ask/stream", "/api/search"})
MAX_UPLOAD_PARTS = 20
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"],
    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"},
                             "description": "one or more speech files, each with its file name"}}}}}}}


class ChatTurn(BaseModel):
    """One earlier message of the conversation."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class FilteredRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filters: FilterSpec | None = None

    def search_filters(self):
        return self.filters.to_search_filters() if self.filters else None


class AskRequest(FilteredRequest):

    question: str = Field(min_length=1, max_length=2000, examples=["什么是五皮精神？"])
    history: list[ChatTurn] = Field(default=[], max_length=50, description="earlier turns, oldest first")


class SearchRequest(FilteredRequest):
    query: str = Field(min_length=1, max_length=2000, examples=["四千精神"])
    k: int = Field(default=10, ge=1, le=MAX_K)
    mode: Literal["hybrid", "dense", "keyword"] = "hybrid"


def history_of(turns: list[ChatTurn]) -> list[dict]:
    return [turn.model_dump() for turn in turns]


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def answer_events(items: Iterator) -> Iterator[str]:
    """Server-sent events: ``delta`` {text} as the answer grows, then ``answer`` (the Answer) or ``error``."""
    try:
        for item in items:
            if isinstance(item, Answer):
                yield sse("answer", item.model_dump(mode="json"))
            else:
                yield sse("delta", {"text": item})
    except PolicyQAError as error:
        yield sse("error", error_body(type(error).__name__, str(error)))


async def uploaded_files(request: Request) -> list[Upload]:
    """The ``files`` parts of a multipart body; a part without a file name is a one-line error."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InputError("send the files as multipart/form-data in the field `files`, e.g. curl -F files=@讲话.docx")
    form = await request.form(max_files=MAX_UPLOAD_PARTS, max_fields=MAX_UPLOAD_PARTS)
    parts = form.getlist("files")
    if not parts:
        raise InputError("no file was uploaded; send one or more files in the multipart field `files`")
    if not all(isinstance(part, UploadFile) and part.filename for part in parts):
        raise InputError("every uploaded file needs a file name (e.g. curl -F files=@讲话.docx); rename and resend it")
    return [Upload(name=part.filename, content=await part.read()) for part in parts]


def actor_of(request: Request) -> str:
    """The name of the key a request came with (for the audit log), as the access gate left it."""
    principal = request.scope.get("state", {}).get("principal")
    return principal.name if principal is not None else "unknown"


def api_router(assistant) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["policy-qa"])

    @router.post("/ask", response_model=Answer, summary="Answer a question with cited passages")
    def ask(request: AskRequest) -> Answer:
        return assistant.ask(request.question, history_of(request.history), request.search_filters())

    @router.post("/ask/stream", summary="The answer as server-sent events: delta…, then answer",
                 response_class=StreamingResponse)
    def ask_stream(request: AskRequest) -> StreamingResponse:
        items = assistant.stream(request.question, history_of(request.history), request.search_filters())
        return StreamingResponse(answer_events(items), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.post("/search", response_model=list[Passage], summary="Passages for a query, best first")
    def search(request: SearchRequest) -> list[Passage]:
        return assistant.search(request.query, k=request.k, mode=request.mode, filters=request.search_filters())

    @router.get("/speeches", response_model=list[SpeechInfo], summary="The indexed speeches")
    def speeches() -> list[SpeechInfo]:
        return assistant.speeches()

    @router.get("/speeches/{speech_id:path}/outline", response_model=SpeechOutline,
                summary="A speech's outline tree: headings with offsets ('#' as %23)")
    def outline(speech_id: str) -> SpeechOutline:
        return assistant.outline(speech_id)

    @router.get("/speeches/{speech_id:path}/text", response_model=SpeechText,
                summary="A speech to read: cleaned text, paragraphs, outline, header ('#' as %23; at=START-END checked)")
    def text(speech_id: str, at: str | None = Query(None, max_length=40)) -> SpeechText:
        return assistant.speech_text(speech_id, parse_span(at) if at else None)

    @router.get("/speeches/{speech_id:path}/pages/{page}", response_class=Response,
                responses={200: {"content": {"image/png": {}}}},
                summary="A page of a speech's PDF or scan as a PNG, the span highlight=START-END marked")
    def page_image(speech_id: str, page: int, highlight: str | None = Query(None, max_length=40)) -> Response:
        image = assistant.page_image(speech_id, page, parse_span(highlight) if highlight else None)
        return Response(content=image.png, media_type="image/png")

    @router.post("/speeches", response_model=IngestOutcome, summary="Upload speech files and index them",
                 openapi_extra=UPLOAD_BODY)
    async def upload(request: Request) -> IngestOutcome:
        uploads = await uploaded_files(request)
        return await run_in_threadpool(assistant.add_files, uploads, False, actor_of(request))

    @router.delete("/speeches/{speech_id:path}", summary="Remove a speech from the index ('#' as %23)")
    def delete(speech_id: str, request: Request) -> dict:
        assistant.delete_speech(speech_id, actor=actor_of(request))
        return {"deleted": speech_id}

    return router

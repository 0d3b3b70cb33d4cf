"""The HTTP API (/api/...): the same Assistant and the same Answer as every other face."""

from __future__ import annotations

import json
from typing import Iterator, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import UploadFile
from pydantic import BaseModel, ConfigDict, Field

from assistant.access import Principal, checked_change, seen_by
from assistant.core import MAX_SPEECH_PAGE, SPEECH_PAGE
from assistant.types import MAX_K, Answer, FilterSpec, IngestOutcome, SpeechInfo
from assistant.types import SpeechOutline, SpeechText, parse_span
from assistant.uploads import Upload
from assistant.faces.web.errors import error_body
from vectorstore.errors import InputError, PolicyQAError, public_message
from vectorstore.speech.records import DEFAULT_COLLECTION
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
    collections: list[str] = Field(default=[], max_length=50, description="collections (知识库) to ask in; none = all the key may read")

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
        yield sse("error", error_body(type(error).__name__, public_message(error)))


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


def principal_of(request: Request) -> Principal:
    """Who the request comes from, as the access gate left it."""
    return request.scope.get("state", {}).get("principal") or Principal.open()


def actor_of(request: Request) -> str:
    """The name of the key a request came with (for the audit log)."""
    return principal_of(request).name


class MoveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection: str = Field(min_length=1, max_length=40, examples=["政府工作报告"])


def api_router(assistant) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["policy-qa"])

    def seen(http: Request, asked=()):
        return seen_by(assistant, principal_of(http), asked)

    @router.post("/ask", response_model=Answer, summary="Answer a question with cited passages")
    def ask(request: AskRequest, http: Request) -> Answer:
        return seen(http, request.collections).ask(request.question, history_of(request.history),
                                                   request.search_filters())

    @router.post("/ask/stream", summary="The answer as server-sent events: delta…, then answer",
                 response_class=StreamingResponse)
    def ask_stream(request: AskRequest, http: Request) -> StreamingResponse:
        items = seen(http, request.collections).stream(request.question, history_of(request.history),
                                                       request.search_filters())
        return StreamingResponse(answer_events(items), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.post("/search", response_model=list[Passage], summary="Passages for a query, best first")
    def search(request: SearchRequest, http: Request) -> list[Passage]:
        return seen(http, request.collections).search(request.query, k=request.k, mode=request.mode,
                                                      filters=request.search_filters())

    @router.get("/speeches", response_model=list[SpeechInfo],
                summary="The indexed speeches by id, a page at a time (?offset=&limit=); how many in all is the "
                        "X-Total-Count header; ?collection= lists one collection")
    def speeches(http: Request, response: Response, collection: str | None = Query(None, max_length=40),
                 offset: int = Query(0, ge=0), limit: int = Query(SPEECH_PAGE, ge=1, le=MAX_SPEECH_PAGE)) -> list[SpeechInfo]:
        page = seen(http, [collection] if collection else ()).speech_page(offset, limit)
        response.headers["X-Total-Count"] = str(page.total)
        return list(page.speeches)

    @router.get("/collections", summary="The collections (知识库) the key may read, with their speech counts")
    def collections(http: Request) -> dict[str, int]:
        principal = principal_of(http)
        return {name: count for name, count in assistant.collections().items() if principal.may_touch(name)}

    @router.get("/speeches/{speech_id:path}/outline", response_model=SpeechOutline,
                summary="A speech's outline tree: headings with offsets ('#' as %23)")
    def outline(speech_id: str, http: Request) -> SpeechOutline:
        return seen(http).outline(speech_id)

    @router.get("/speeches/{speech_id:path}/text", response_model=SpeechText,
                summary="A speech to read: cleaned text, paragraphs, outline, header ('#' as %23; at=START-END checked)")
    def text(speech_id: str, http: Request, at: str | None = Query(None, max_length=40)) -> SpeechText:
        return seen(http).speech_text(speech_id, parse_span(at) if at else None)

    @router.get("/speeches/{speech_id:path}/pages/{page}", response_class=Response,
                responses={200: {"content": {"image/png": {}}}},
                summary="A page of a speech's PDF or scan as a PNG, the span highlight=START-END marked")
    def page_image(speech_id: str, page: int, http: Request,
                   highlight: str | None = Query(None, max_length=40)) -> Response:
        image = seen(http).page_image(speech_id, page, parse_span(highlight) if highlight else None)
        return Response(content=image.png, media_type="image/png")

    @router.post("/speeches", response_model=IngestOutcome, summary="Upload speech files and index them",
                 openapi_extra=UPLOAD_BODY)
    async def upload(request: Request, collection: str | None = Query(None, max_length=40)) -> IngestOutcome:
        checked_change(assistant, principal_of(request), collection=collection or DEFAULT_COLLECTION)
        uploads = await uploaded_files(request)
        return await run_in_threadpool(assistant.add_files, uploads, False, actor_of(request), collection)

    @router.post("/speeches/{speech_id:path}/collection", summary="Move a speech to another collection (nothing re-embedded)")
    def move(speech_id: str, request: MoveRequest, http: Request) -> dict:
        checked_change(assistant, principal_of(http), speech_id, request.collection)
        seen(http).outline(speech_id)  # a speech the key cannot see is not found
        assistant.move_speech(speech_id, request.collection, actor=actor_of(http))
        return {"moved": speech_id, "collection": request.collection}

    @router.delete("/speeches/{speech_id:path}", summary="Remove a speech from the index ('#' as %23)")
    def delete(speech_id: str, request: Request) -> dict:
        checked_change(assistant, principal_of(request), speech_id)
        seen(request).outline(speech_id)
        assistant.delete_speech(speech_id, actor=actor_of(request))
        return {"deleted": speech_id}

    return router

"""``POST /v1/chat/completions``: the Assistant behind the OpenAI chat protocol.

The last user message is the question, the earlier user/assistant messages
are the history (system messages are ignored: the assistant keeps its own
instructions). The reply's content is the answer followed by its sources, so
any chat client shows them; ``citations`` and ``policyqa`` (the whole Answer)
carry them as data.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.access import seen_by
from assistant.faces.web.http_api import principal_of
from assistant.types import Answer
from assistant.faces.web.errors import error_body
from vectorstore.errors import InputError, PolicyQAError, public_message

MODEL_NAME = "policy-qa"
OPENAI_JSON_PATHS = frozenset({"/v1/chat/completions"})


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: str
    content: str | list[dict] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: [{"type": "text", "text": ...}, ...]
            return "".join(part.get("text", "") for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI's chat request; sampling options are accepted and ignored."""

    model_config = ConfigDict(extra="ignore")

    model: str = MODEL_NAME
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


def question_and_history(messages: list[ChatMessage]) -> tuple[str, list[dict]]:
    turns = [m for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise InputError("the last message must come from the user and hold the question")
    history = [{"role": m.role, "content": m.text()} for m in turns[:-1]]
    return turns[-1].text(), history


class Completion:
    """The pieces of one completion's responses (id, time, model name)."""

    def __init__(self, model: str, base_url: str = ""):
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.model = model or MODEL_NAME
        self.base_url = base_url.rstrip("/")

    def whole(self, answer: Answer) -> dict:
        content = answer.with_sources()
        message = {"role": "assistant", "content": content, "annotations": annotations(answer, content, self.base_url)}
        return {
            "id": self.id, "object": "chat.completion", "created": self.created, "model": self.model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            **extras(answer),
        }

    def chunk(self, delta: dict, finish_reason: str | None = None, **more) -> str:
        body = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}], **more}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    def stream(self, items: Iterator) -> Iterator[str]:
        yield self.chunk({"role": "assistant", "content": ""})
        streamed = []
        try:
            for item in items:
                if isinstance(item, Answer):
                    closing = closing_text(item, "".join(streamed))
                    yield self.chunk({"content": closing})
                    cited = annotations(item, "".join(streamed) + closing, self.base_url)
                    yield self.chunk({"annotations": cited}, "stop", **extras(item))
                else:
                    streamed.append(item)
                    yield self.chunk({"content": item})
        except PolicyQAError as error:
            yield f"data: {json.dumps(error_body(type(error).__name__, public_message(error)), ensure_ascii=False)}\n\n"
        yield "data: [DONE]\n\n"


def annotations(answer: Answer, content: str, base_url: str) -> list[dict]:
    """OpenAI ``url_citation`` annotations: for each citation, where its quoted text stands in ``content``
    (first as the answer says it, else in the sources) and the reading view of it."""
    found = []
    for citation in answer.citations:
        start = content.find(citation.quote)
        if start < 0:
            continue
        found.append({"type": "url_citation", "url_citation": {
            "url": base_url + citation.reading_link, "title": f"[{citation.n}] {citation.label}",
            "start_index": start, "end_index": start + len(citation.quote)}})
    return found


def extras(answer: Answer) -> dict:
    return {"citations": [c.model_dump(mode="json") for c in answer.citations],
            "policyqa": answer.model_dump(mode="json")}


def closing_text(answer: Answer, streamed: str) -> str:
    """What follows the streamed text: the checked answer when checking changed it, then the sources."""
    tail = ""
    if streamed.strip() != answer.text.strip():
        tail = f"\n\n——\n核对引文后的回答：\n{answer.text}" if streamed.strip() else answer.text
    sources = answer.sources_markdown()
    return tail + (f"\n\n来源：\n{sources}" if sources else "")


def openai_router(assistant) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])

    @router.post("/chat/completions", summary="OpenAI-compatible chat (streaming and not); model policy-qa:<collection> asks in one collection")
    def chat_completions(request: ChatRequest, http: Request):
        question, history = question_and_history(request.messages)
        completion = Completion(request.model, str(http.base_url))
        chosen = seen_by(assistant, principal_of(http), collection_of(request.model))
        if request.stream:
            return StreamingResponse(completion.stream(chosen.stream(question, history)),
                                     media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
        return completion.whole(chosen.ask(question, history))

    @router.get("/models", summary="policy-qa (every collection the key may read) and policy-qa:<collection> for each")
    def models(http: Request) -> dict:
        principal = principal_of(http)
        names = [MODEL_NAME] + [f"{MODEL_NAME}:{name}" for name in assistant.collections() if principal.may_touch(name)]
        return {"object": "list", "data": [{"id": name, "object": "model", "created": 0, "owned_by": "policy-qa"}
                                           for name in names]}

    return router


def collection_of(model: str | None) -> tuple[str, ...]:
    """「policy-qa:政府工作报告」 asks in that collection; 「policy-qa」 (or any other name) in all."""
    prefix = f"{MODEL_NAME}:"
    return (model[len(prefix):],) if model and model.startswith(prefix) and len(model) > len(prefix) else ()

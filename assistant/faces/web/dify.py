"""Dify's External Knowledge API: a Dify app can use policy-qa as its knowledge base.

``POST /retrieval`` with ``Authorization: Bearer <key>`` and ``{"knowledge_id", "query",
"retrieval_setting": {"top_k", "score_threshold"}}`` → ``{"records": [{"content", "score", "title",
"metadata"}]}``. ``knowledge_id`` is a collection (知识库) name, or ``policy-qa`` for every collection
the key may read. Scores are the passages' fused relevance scaled so that the best is 1.0.
Errors use Dify's shape: ``{"error_code": 2001, "error_msg": …}``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.access import seen_by
from assistant.faces.web.http_api import principal_of
from assistant.types import MAX_K
from vectorstore.errors import ForbiddenError, InputError, public_message

__all__ = ["dify_router"]

EVERYTHING = "policy-qa"


class RetrievalSetting(BaseModel):
    top_k: int = Field(default=5, ge=1, le=MAX_K)
    score_threshold: float = Field(default=0.0, ge=0.0, le=1.0)


class RetrievalRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # Dify may send metadata_condition

    knowledge_id: str = Field(min_length=1, max_length=100)
    query: str = Field(min_length=1, max_length=2000)
    retrieval_setting: RetrievalSetting = RetrievalSetting()


def dify_router(assistant) -> APIRouter:
    router = APIRouter(tags=["Dify external knowledge"])

    @router.post("/retrieval", summary="Dify External Knowledge API: passages of a collection for a query")
    def retrieval(body: RetrievalRequest, http: Request):
        asked = () if body.knowledge_id == EVERYTHING else (body.knowledge_id,)
        try:
            passages = seen_by(assistant, principal_of(http), asked).search(body.query, k=body.retrieval_setting.top_k)
        except ForbiddenError as error:
            return JSONResponse({"error_code": 1002, "error_msg": public_message(error)}, status_code=403)
        except InputError as error:
            code = 2001 if "no collection" in str(error) else 1001
            return JSONResponse({"error_code": code, "error_msg": public_message(error)}, status_code=404 if code == 2001 else 400)
        top = max((p.score for p in passages), default=1.0) or 1.0
        records = [{"content": p.text, "score": round(p.score / top, 4), "title": p.title or p.source,
                    "metadata": {"speech_id": p.speech_id, "section": p.section, "speaker": p.speaker, "date": p.date,
                                 "start": p.start, "end": p.end, "pages": list(p.pages)}}
                   for p in passages]
        return {"records": [r for r in records if r["score"] >= body.retrieval_setting.score_threshold]}

    return router

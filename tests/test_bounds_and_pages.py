"""Bounds on what one request may ask for: the records of an upload in all (POLICYQA_MAX_UPLOAD_RECORDS), refused
before anything is kept or indexed; the speech lists a page at a time (GET /api/speeches, the library tab).

A real assistant (Chroma in tmp_path, the bigram embedder) behind FastAPI's TestClient.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant import factory
from tests.fakes import BigramEmbeddings
from tests.servers import LOCAL

SPEECH = "在全县秸秆综合利用工作会议上的讲话\n县长 李明\n同志们：\n一、提高认识。秸秆综合利用要坚持农用为主的原则。\n"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.settings import load_settings

    root = tmp_path_factory.mktemp("bounds")
    settings = load_settings(index_dir=root / "index", llm="extractive", max_upload_records=5)
    return factory.build_assistant(settings, embeddings=BigramEmbeddings())


@pytest.fixture(scope="module")
def client(assistant):
    from assistant.faces.web.server import create_api

    with TestClient(create_api(assistant, assistant.settings), base_url=LOCAL) as test_client:
        yield test_client


def records(*texts: str) -> bytes:
    return "\n".join(json.dumps({"id": f"r{n}", "text": text}, ensure_ascii=False)
                     for n, text in enumerate(texts, start=1)).encode()


def kept_uploads(assistant) -> list[str]:
    folder = assistant.settings.uploads_path
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_an_upload_over_the_record_bound_is_refused_before_anything(client, assistant):
    chunks, before = assistant.index.chunk_count(), kept_uploads(assistant)
    three = records(*(SPEECH.replace("秸秆", crop) for crop in ("小麦", "高粱", "大豆")))
    reply = client.post("/api/speeches", files=[("files", ("甲.jsonl", three)), ("files", ("乙.jsonl", three))])
    message = reply.json()["error"]["message"]
    assert reply.status_code == 400 and message == (
        "these files hold 6 records in all (甲.jsonl 3, 乙.jsonl 3), over the 5 one upload may hold "
        "(POLICYQA_MAX_UPLOAD_RECORDS); upload them in parts")
    assert assistant.index.chunk_count() == chunks and kept_uploads(assistant) == before


def test_the_speech_list_is_paged_with_its_total(client, assistant):
    everything = [s.id for s in assistant.speeches()]
    first = client.get("/api/speeches", params={"limit": 2})
    assert [s["id"] for s in first.json()] == everything[:2]
    assert first.headers["X-Total-Count"] == str(len(everything))
    last = client.get("/api/speeches", params={"offset": len(everything) - 1, "limit": 2}).json()
    assert [s["id"] for s in last] == everything[-1:]
    assert [s["id"] for s in client.get("/api/speeches").json()] == everything  # under the default page
    too_many = client.get("/api/speeches", params={"limit": 5000})
    assert too_many.status_code == 422 and "limit" in too_many.json()["error"]["message"]


def test_the_library_lists_a_page_and_pages_on(assistant, monkeypatch):
    from assistant.faces.web import ui

    monkeypatch.setattr(ui, "LIBRARY_PAGE", 4)
    handlers, everything = ui.Handlers(assistant), [s.id for s in assistant.speeches()]
    rows, _, to_delete, speech_filter, _, _, offset, label, picker = handlers.refreshed(None)
    assert [row[0] for row in rows] == everything[:4] and offset == 0
    assert label == f"第 1–4 篇，共 {len(everything)} 篇" and [v for _, v in picker.choices] == everything[:4]
    later = handlers.later(0, [everything[0]], None)
    assert [row[0] for row in later[0]] == everything[4:8] and later[6] == 4
    assert [v for _, v in later[3].choices] == [everything[0]] + everything[4:8]  # a chosen filter stays
    assert handlers.earlier(0, [], None)[6] == 0
    assert handlers.later(10_000, [], None)[6] == (len(everything) - 1) // 4 * 4  # past the end: the last page

"""The HTTP faces through FastAPI's TestClient, against a real Chroma index (cheap bigram embedder)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant import factory
from tests.fakes import BigramEmbeddings
from tests.servers import LOCAL

WUPI = ["硬着头皮", "厚着脸皮", "磨破嘴皮", "饿着肚皮", "踏破脚皮"]
SIQIAN = ["千言万语", "千里迢迢", "千方百计", "千辛万苦"]
SEED_000 = "000_00b9841ddb1ffabe.txt"
NEW_SPEECH = ("在全县秸秆综合利用工作会议上的讲话\n县长 李明\n2024年6月1日\n"
              "同志们：\n一、提高认识。秸秆综合利用要坚持“农用为主、五化并举”的原则。\n"
              "二、压实责任。各乡镇要把秸秆禁烧和综合利用纳入年度考核。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.settings import load_settings

    root = tmp_path_factory.mktemp("http")
    settings = load_settings(index_dir=root / "index", llm="extractive", max_request_kb=8)
    return factory.build_assistant(settings, embeddings=BigramEmbeddings())


@pytest.fixture(scope="module")
def client(assistant):
    from assistant.faces.web.server import create_api

    with TestClient(create_api(assistant, assistant.settings), base_url=LOCAL) as test_client:
        yield test_client


def sse_events(body: str) -> list[tuple[str, dict]]:
    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_health_reports_the_index(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["speeches"] == 9 and body["backend"] == "extractive"


def test_ask_returns_the_answer_with_verbatim_citations(client):
    response = client.post("/api/ask", json={"question": "什么是五皮精神？"})
    answer = response.json()
    assert response.status_code == 200 and answer["grounded"]
    assert all(item in answer["text"] for item in WUPI)
    assert answer["citations"][0]["source"] == SEED_000
    for citation in answer["citations"]:
        offset = citation["quote_start"] - citation["start"]
        assert citation["text"][offset:offset + len(citation["quote"])] == citation["quote"]


def test_follow_up_is_rewritten_from_history(client):
    history = [{"role": "user", "content": "什么是“四千精神”？"}, {"role": "assistant", "content": "……"}]
    answer = client.post("/api/ask", json={"question": "那五皮精神呢？", "history": history}).json()
    assert "五皮精神" in answer["query"] and answer["query"] != answer["question"]


def test_filters_restrict_the_answer(client):
    body = {"question": "什么是五皮精神？", "filters": {"speech_ids": ["004_30715ac9391e336e.txt#5"]}}
    answer = client.post("/api/ask", json=body).json()
    assert all(c["speech_id"] == "004_30715ac9391e336e.txt#5" for c in answer["citations"])


def test_stream_sends_deltas_then_the_answer(client):
    response = client.post("/api/ask/stream", json={"question": "什么是“四千精神”？"})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "answer" and set(kinds[:-1]) == {"delta"}
    answer = events[-1][1]
    assert "".join(data["text"] for _, data in events[:-1]) == answer["text"]
    assert all(item in answer["text"] for item in SIQIAN)


def test_search_returns_passages_best_first(client):
    hits = client.post("/api/search", json={"query": "五皮精神", "k": 3, "mode": "keyword"}).json()
    assert len(hits) == 3 and hits[0]["source"] == SEED_000 and hits[0]["score"] >= hits[1]["score"]


def test_malformed_and_wrong_requests_get_4xx_with_a_message(client):
    broken = client.post("/api/ask", content='{"question": "什么'.encode(), headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]["message"]
    missing = client.post("/api/ask", json={"history": []})
    assert missing.status_code == 422 and "question" in missing.json()["error"]["message"]
    bad_date = client.post("/api/ask", json={"question": "四千精神", "filters": {"date_from": "去年"}})
    assert bad_date.status_code == 422 and "date_from" in bad_date.json()["error"]["message"]
    empty = client.post("/api/ask", json={"question": "   "})
    assert empty.status_code == 400 and "empty" in empty.json()["error"]["message"]


def test_oversized_request_is_refused(client):
    response = client.post("/api/ask", json={"question": "四" * 9000})
    assert response.status_code == 413 and "KB" in response.json()["error"]["message"]


def test_speeches_upload_search_and_delete(client):
    before = client.get("/api/speeches").json()
    assert len(before) == 9 and {"id", "title", "speaker", "date", "chunk_count"} <= set(before[0])
    files = {"files": ("秸秆讲话.txt", NEW_SPEECH.encode("utf-8"), "text/plain")}
    outcome = client.post("/api/speeches", files=files).json()
    assert outcome["added"] == ["秸秆讲话.txt"] and outcome["chunks_embedded"] > 0
    answer = client.post("/api/ask", json={"question": "秸秆综合利用坚持什么原则？"}).json()
    assert "农用为主" in answer["text"] and answer["citations"][0]["source"] == "秸秆讲话.txt"
    assert client.delete("/api/speeches/秸秆讲话.txt").json() == {"deleted": "秸秆讲话.txt"}
    assert len(client.get("/api/speeches").json()) == 9


def test_bad_uploads_are_refused_and_nothing_is_lost(client, assistant):
    chunks = assistant.index.chunk_count()
    wrong_type = client.post("/api/speeches", files={"files": ("speech.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert wrong_type.status_code == 400 and ".exe" in wrong_type.json()["error"]["message"]
    broken_pdf = client.post("/api/speeches", files={"files": ("speech.pdf", b"not a pdf", "application/pdf")})
    assert broken_pdf.status_code == 400
    assert assistant.index.chunk_count() == chunks and len(client.get("/api/speeches").json()) == 9


def test_deleting_an_unknown_speech_is_404(client):
    response = client.delete("/api/speeches/nope.txt%231")
    assert response.status_code == 404 and "nope.txt#1" in response.json()["error"]["message"]


# -- OpenAI protocol -----------------------------------------------------------------
def test_openai_chat_completion_answers_with_citations(client):
    body = {"model": "policy-qa", "messages": [{"role": "system", "content": "你好"},
                                               {"role": "user", "content": "什么是四千精神？"}]}
    completion = client.post("/v1/chat/completions", json=body).json()
    content = completion["choices"][0]["message"]["content"]
    assert completion["object"] == "chat.completion" and all(item in content for item in SIQIAN)
    assert "来源" in content and completion["citations"][0]["source"] == SEED_000


def test_openai_client_streams_through_the_server(client):
    from openai import OpenAI

    openai = OpenAI(base_url=f"{LOCAL}/v1", api_key="unused", http_client=client)
    stream = openai.chat.completions.create(model="policy-qa", stream=True,
                                            messages=[{"role": "user", "content": "什么是五皮精神？"}])
    chunks = list(stream)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    assert all(item in text for item in WUPI) and chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"][0]["source"] == SEED_000
    assert [m.id for m in openai.models.list()] == ["policy-qa", "policy-qa:默认"]  # one model per collection too


def test_openai_client_replays_a_conversation(client):
    """The history comes back as the messages a chat client keeps: the assistant's answers with their sources."""
    from openai import OpenAI

    openai = OpenAI(base_url=f"{LOCAL}/v1", api_key="unused", http_client=client)
    messages = [{"role": "user", "content": "县委书记在招商引资工作动员会上讲话的第二部分包括哪几点？"}]
    first = openai.chat.completions.create(model="policy-qa", messages=messages)
    messages += [{"role": "assistant", "content": first.choices[0].message.content},
                 {"role": "user", "content": "其中第三点具体讲了什么？"}]
    second = openai.chat.completions.create(model="policy-qa", messages=messages).choices[0].message
    assert "招商方式要创新" in second.content and "委托招商" in second.content


def test_openai_request_without_a_user_message_is_400(client):
    response = client.post("/v1/chat/completions", json={"messages": [{"role": "assistant", "content": "你好"}]})
    assert response.status_code == 400 and "user" in response.json()["error"]["message"]


# -- token, docs, UI --------------------------------------------------------------
def test_token_guards_api_and_v1_but_not_health(assistant):
    from assistant.faces.web.server import create_api

    settings = assistant.settings.model_copy(update={"api_token": "s3cret"})
    with TestClient(create_api(assistant, settings), base_url=LOCAL) as guarded:
        assert guarded.get("/api/speeches").status_code == 401
        assert guarded.get("/api/speeches", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert guarded.get("/api/speeches", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert guarded.post("/v1/chat/completions", json={"messages": []}).status_code == 401
        assert guarded.get("/healthz").status_code == 200


def test_openapi_docs_list_every_endpoint(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/api/ask/stream", "/api/search", "/api/speeches", "/api/speeches/{speech_id}",
            "/v1/chat/completions", "/healthz"} <= set(paths)


def test_the_chat_page_is_mounted_at_root(assistant):
    from assistant.faces.web.server import create_app

    with TestClient(create_app(assistant, assistant.settings), base_url=LOCAL) as app_client:
        page = app_client.get("/")
        assert page.status_code == 200 and "policy-qa" in page.text
        assert app_client.get("/healthz").json()["status"] == "ok"


def test_openai_answers_carry_url_citations_that_point_at_the_quote(client):
    from openai import OpenAI

    openai = OpenAI(base_url=f"{LOCAL}/v1", api_key="unused", http_client=client)
    completion = openai.chat.completions.create(model="policy-qa", messages=[{"role": "user", "content": "什么是五皮精神？"}])
    message, quotes = completion.choices[0].message, [c["quote"] for c in completion.model_extra["citations"]]
    assert message.annotations
    for note in message.annotations:
        assert message.content[note.url_citation.start_index:note.url_citation.end_index] in quotes
        assert note.url_citation.url.startswith(f"{LOCAL}/read?speech=")
    stream = openai.chat.completions.create(model="policy-qa", stream=True,
                                            messages=[{"role": "user", "content": "什么是五皮精神？"}])
    chunks = list(stream)
    content = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    final = chunks[-1].choices[0].delta.model_extra["annotations"]
    quotes = [c["quote"] for c in chunks[-1].model_extra["citations"]]
    assert final and all(content[a["url_citation"]["start_index"]:a["url_citation"]["end_index"]] in quotes for a in final)


def test_dify_external_knowledge_retrieval_as_dify_sends_it(client):
    """The request exactly as Dify's documentation shows it (with its metadata_condition)."""
    body = {"knowledge_id": "policy-qa", "query": "五皮精神",
            "retrieval_setting": {"top_k": 2, "score_threshold": 0.5},
            "metadata_condition": {"logical_operator": "and", "conditions": []}}
    records = client.post("/retrieval", json=body, headers={"Authorization": "Bearer unused"}).json()["records"]
    assert 1 <= len(records) <= 2 and records[0]["score"] == 1.0 and all(r["score"] >= 0.5 for r in records)
    assert "硬着头皮" in records[0]["content"] and records[0]["metadata"]["speech_id"] == SEED_000
    missing = client.post("/retrieval", json={**body, "knowledge_id": "没有这个库"})
    assert missing.status_code == 404 and missing.json()["error_code"] == 2001

"""7. Questions never wait for a whole upload: the ingest takes the compute gate a batch at a time and
gives way to waiting questions; /healthz answers throughout."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from assistant import factory
from assistant.uploads import Upload
from tests.conftest import DATA_DIR
from tests.fakes import BigramEmbeddings
from vectorstore.runtime.compute import ComputeGate
from tests.servers import LOCAL

SLICE_SECONDS = 0.3


class SlowEmbeddings(BigramEmbeddings):
    """The bigram embedder at the pace of a real one on 2 cores (a batch takes SLICE_SECONDS)."""

    def embed_documents(self, texts):
        time.sleep(SLICE_SECONDS)
        return super().embed_documents(texts)


def test_foreground_goes_before_waiting_background():
    gate, order = ComputeGate(), []

    def run(kind: str) -> None:
        with getattr(gate, kind)():
            order.append(kind)
            time.sleep(0.05)

    with gate.foreground():
        ingest = threading.Thread(target=run, args=("background",))
        ingest.start()
        time.sleep(0.05)
        question = threading.Thread(target=run, args=("foreground",))
        question.start()
        time.sleep(0.05)
    ingest.join(2)
    question.join(2)
    assert order == ["foreground", "background"]  # the question came later but went first


def test_gate_excludes_and_releases_across_threads():
    gate = ComputeGate()
    held = gate.foreground()
    held.__enter__()
    acquired = threading.Event()
    threading.Thread(target=lambda: (gate.background().__enter__(), acquired.set())).start()
    assert not acquired.wait(0.1)
    threading.Thread(target=lambda: held.__exit__(None, None, None)).start()  # released by another thread
    assert acquired.wait(2)


def big_speech() -> bytes:
    paragraphs = [f"{n}、第{n}个项目要加快建设进度，抓好要素保障，确保按期投产达效，形成有效投资和实物工作量。" * 3
                  for n in range(1, 120)]
    return ("在全县重点项目建设推进会上的讲话\n同志们：\n" + "\n".join(paragraphs)).encode()


@pytest.fixture
def assistant(tmp_path):
    from assistant.settings import load_settings

    settings = load_settings(index_dir=tmp_path / "index", data_dir=DATA_DIR)
    return factory.build_assistant(settings, embeddings=SlowEmbeddings())


def test_asks_and_health_answer_while_an_upload_is_indexed(assistant):
    from assistant.faces.web.server import create_api

    with TestClient(create_api(assistant, assistant.settings), base_url=LOCAL) as client:
        upload = threading.Thread(target=assistant.add_files, args=([Upload("big.txt", big_speech())],))
        started = time.perf_counter()
        upload.start()
        time.sleep(SLICE_SECONDS)
        waits, health = [], []
        for question in ["什么是四千精神？", "什么是五皮精神？", "安阳一季度签约项目开工率是多少？"] * 2:
            began = time.perf_counter()
            assert client.post("/api/ask", json={"question": question}).status_code == 200
            waits.append(time.perf_counter() - began)
            began = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            health.append(time.perf_counter() - began)
        still_ingesting = upload.is_alive()
        upload.join(120)
        ingest_seconds = time.perf_counter() - started
    assert still_ingesting, "the upload finished before the questions: the test measured nothing"
    assert max(waits) < 2 * SLICE_SECONDS + 1.0, (waits, ingest_seconds)
    assert max(health) < 1.0, health
    assert any(s.id == "big.txt" for s in assistant.speeches())

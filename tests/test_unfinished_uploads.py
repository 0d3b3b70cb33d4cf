"""Nothing is half-done: an upload killed, stopped or failed mid-ingest is resumed or rolled back at the next
start, and said so; the server stops an ingest at its next batch on SIGTERM.

Real parts throughout: Chroma in tmp_path, the bigram embedder, a process really killed (SIGKILL) mid-ingest,
`policyqa serve` really sent SIGTERM; a "restart" builds a new assistant (and app) on the same folders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant import factory
from assistant.uploads.journal import Marker, UploadJournal, process_token
from tests.conftest import REPO
from tests.fakes import BigramEmbeddings
from tests.servers import LOCAL, start_server
from tests.test_index import consistent

RECORDS = 40

_KILLED_MID_INGEST = """
import os, signal, sys
from pathlib import Path
import vectorstore.ingest
from assistant import factory
from assistant.settings import load_settings
from assistant.uploads import Upload
from tests.fakes import BigramEmbeddings

vectorstore.ingest._BATCH_CHUNKS = 8  # a few speeches a batch
root = Path(sys.argv[1])
assistant = factory.build_assistant(load_settings(index_dir=root / "index", data_dir=root / "none"),
                                    embeddings=BigramEmbeddings())
put, done = assistant.index.put_speeches, []

def put_then_die(items):
    put(items)
    done.append(len(items))
    if len(done) == 3:
        os.kill(os.getpid(), signal.SIGKILL)

assistant.index.put_speeches = put_then_die
assistant.add_files([Upload("四十篇.jsonl", Path(sys.argv[2]).read_bytes())])
"""


def speech(number: int) -> str:
    parts = [f"在第{number}次全县工作会议上的讲话", "同志们："]
    for part, topic in enumerate(["一、提高认识", "二、压实责任", "三、狠抓落实"]):
        parts.append(f"{topic}。第{number}项工作要坚持第{part}条原则，" + "各乡镇要把秸秆禁烧和综合利用纳入年度考核，" * 8
                     + f"编号{number}-{part}。")
    return "\n".join(parts)


def jsonl(count: int) -> bytes:
    return "\n".join(json.dumps({"id": f"r{n}", "text": speech(n)}, ensure_ascii=False) for n in range(count)).encode()


def built(root: Path):
    """The assistant a start builds on ``root`` (no default corpus)."""
    from assistant.settings import load_settings

    settings = load_settings(index_dir=root / "index", data_dir=root / "none", llm="extractive")
    return factory.build_assistant(settings, embeddings=BigramEmbeddings())


def started(assistant):
    """The app over ``assistant`` for the length of a ``with``: its start and its stop."""
    from assistant.faces.web.server import create_api

    return TestClient(create_api(assistant, assistant.settings), base_url=LOCAL)


def markers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "uploads" / ".unfinished").glob("*.json"))


def test_an_upload_killed_mid_ingest_is_resumed_at_the_next_start(tmp_path):
    (tmp_path / "四十篇.jsonl").write_bytes(jsonl(RECORDS))
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_INGEST, str(tmp_path), str(tmp_path / "四十篇.jsonl")],
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
                            text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assistant = built(tmp_path)
    assert 0 < len(assistant.index.speeches()) < RECORDS and len(markers(tmp_path)) == 1
    with started(assistant) as client:
        assert client.get("/api/speeches", params={"limit": 1}).headers["X-Total-Count"] == str(RECORDS)
    assert consistent(assistant.index) and markers(tmp_path) == []
    (note,) = assistant.notices
    assert note.startswith("resumed the upload of 四十篇.jsonl (sent ") and "0 updated" in note
    assert [entry["action"] for entry in assistant.audit.entries()][-1] == "upload resumed"
    from assistant.faces.web.ui import Handlers

    assert Handlers(assistant).loaded(None)[1] == f"上次停止时未完成的上传：\n- {note}"  # shown to whom may upload


def test_an_upload_that_cannot_be_finished_yet_waits_for_the_next_start(tmp_path, monkeypatch):
    import errno

    journal = UploadJournal(tmp_path / "uploads")
    journal.folder.mkdir(parents=True)
    (journal.uploads / "讲话.txt").write_text(speech(1), encoding="utf-8")
    dead = Marker("m3", ("讲话.txt",), ("讲话.txt",), None, "editor", "2026-01-02T03:04:05+00:00", "999999999:1")
    (journal.folder / "m3.json").write_text(json.dumps(dead.__dict__, ensure_ascii=False))
    assistant = built(tmp_path)

    def full(_items):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(assistant.index, "put_speeches", full)
    (note,) = assistant.start()
    assert note.startswith("could not finish the upload of 讲话.txt (sent 2026-01-02T03:04:05+00:00): no space left "
                           "on the server's disk for its index folder;") and note.endswith("tried again at the next start")
    assert markers(tmp_path) == ["m3.json"] and assistant.index.speeches() == {}
    monkeypatch.undo()
    assert assistant.start()[0].startswith("resumed the upload of 讲话.txt") and markers(tmp_path) == []


def test_an_upload_stopped_before_its_files_were_kept_is_rolled_back(tmp_path):
    journal = UploadJournal(tmp_path / "uploads")
    journal.folder.mkdir(parents=True)
    dead = Marker("m1", ("讲话.txt",), ("讲话.txt",), None, "editor", "2026-01-02T03:04:05+00:00", "999999999:1")
    (journal.folder / "m1.json").write_text(json.dumps(dead.__dict__, ensure_ascii=False))
    (journal.uploads / "讲话.txt.part").write_text("同志们：今天")
    assistant = built(tmp_path)
    assert assistant.start() == ["rolled back the upload of 讲话.txt (sent 2026-01-02T03:04:05+00:00): it stopped "
                                 "before its files were kept, so nothing of it is indexed; upload it again"]
    assert sorted(p.name for p in journal.uploads.iterdir()) == [".unfinished"] and markers(tmp_path) == []
    assert assistant.audit.entries()[-1]["action"] == "upload rolled back"


def test_the_marker_of_a_process_still_running_is_left_alone(tmp_path):
    journal = UploadJournal(tmp_path / "uploads")
    journal.folder.mkdir(parents=True)
    with subprocess.Popen(["sleep", "60"]) as other:
        try:
            live = Marker("m2", ("讲话.txt",), ("讲话.txt",), None, "editor", "2026-01-02T03:04:05+00:00",
                          process_token(other.pid))
            (journal.folder / "m2.json").write_text(json.dumps(live.__dict__, ensure_ascii=False))
            assert built(tmp_path).start() == [] and markers(tmp_path) == ["m2.json"]
        finally:
            other.kill()
    assert journal.left_over() == [live]  # once its process is gone, it is the next start's


def test_a_stopping_server_ends_the_ingest_at_a_batch_and_finishes_it_at_its_start(tmp_path, monkeypatch):
    import vectorstore.ingest

    monkeypatch.setattr(vectorstore.ingest, "_BATCH_CHUNKS", 8)
    assistant = built(tmp_path)
    put = assistant.index.put_speeches

    def put_then_stop(items):
        put(items)
        assistant.stop()  # what SIGTERM does (assistant/faces/web/server.py stopping_server)

    monkeypatch.setattr(assistant.index, "put_speeches", put_then_stop)
    with started(assistant) as client:
        reply = client.post("/api/speeches", files={"files": ("四十篇.jsonl", jsonl(RECORDS))})
        refused = client.post("/api/speeches", files={"files": ("另一篇.txt", speech(99).encode())})
    message = reply.json()["error"]["message"]
    assert reply.status_code == 503 and message.startswith("the server is stopping: indexing stopped after ")
    assert message.endswith(f" of {RECORDS} speeches were indexed; the index is consistent; the rest of this "
                            "upload is indexed when the server starts again")
    assert refused.status_code == 503 and "send the request again once it is back" in refused.text
    assert 0 < len(assistant.index.speeches()) < RECORDS and consistent(assistant.index)
    assert not (tmp_path / "uploads" / "另一篇.txt").exists() and len(markers(tmp_path)) == 1
    monkeypatch.setattr(assistant.index, "put_speeches", put)
    with started(assistant):
        assert len(assistant.index.speeches()) == RECORDS and markers(tmp_path) == []


def test_sigterm_stops_an_upload_promptly_and_the_next_start_finishes_it(tmp_path):
    from tests.security.conftest import server_env

    count, env = 400, server_env(tmp_path, POLICYQA_DATA_DIR=str(tmp_path / "none"), POLICYQA_LOG_LEVEL="INFO")
    server = start_server(tmp_path, env, seconds=180)
    replies = []
    sender = threading.Thread(target=lambda: replies.append(_post(server.url, jsonl(count))))
    sender.start()
    try:
        _wait_until(lambda: _total(server.url) > 0, seconds=120)
        began = time.monotonic()
        server.process.terminate()
        server.process.wait(timeout=60)
        stopped_in = time.monotonic() - began
    finally:
        sender.join(timeout=60)
        server.stop()
    assert stopped_in < 20, f"took {stopped_in:.0f} s to stop"
    assert replies and (replies[0] is None or replies[0].status_code == 503), replies
    assert "indexing stopped after" in (tmp_path / "serve.log").read_text()
    again = start_server(tmp_path, env, seconds=300)  # the upload is finished before it answers
    try:
        assert _total(again.url) == count
    finally:
        again.stop()
    assert "resumed the upload of 四十篇.jsonl" in (tmp_path / "serve.log").read_text()


def _post(url: str, data: bytes):
    try:
        return httpx.post(url + "/api/speeches", files={"files": ("四十篇.jsonl", data)}, timeout=120)
    except httpx.HTTPError:  # the connection closed as the server stopped
        return None


def _total(url: str) -> int:
    return int(httpx.get(url + "/api/speeches", params={"limit": 1}, timeout=30).headers["X-Total-Count"])


def _wait_until(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds:.0f} s")
        time.sleep(0.2)

"""Faults are reported, not tracebacks: a full disk, an index made read-only while serving, a bad
record line, a blank scan, a broken .doc; no path on the server in a message to a client.

A real assistant (Chroma in tmp_path, the bigram embedder) behind FastAPI's TestClient; the faults
are the errors the parts really raise (OSError(ENOSPC), chromadb's database errors), thrown where
they happen (measured on a full tmpfs and a folder made read-only under a running process).
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from chromadb.errors import InternalError
from fastapi.testclient import TestClient

from assistant import factory
from assistant.faces import cli
from tests.fakes import BigramEmbeddings
from tests.servers import LOCAL
from tests.test_index import consistent

FULL = "Query error: Database error: error returned from database: (code: 13) database or disk is full"
READ_ONLY = "Query error: Database error: error returned from database: (code: 1544) attempt to write a readonly database"
SPEECH = "在全县秸秆综合利用工作会议上的讲话\n县长 李明\n同志们：\n一、提高认识。秸秆综合利用要坚持农用为主的原则。\n"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.settings import load_settings

    root = tmp_path_factory.mktemp("faults")
    settings = load_settings(index_dir=root / "index", llm="extractive")
    return factory.build_assistant(settings, embeddings=BigramEmbeddings())


@pytest.fixture(scope="module")
def client(assistant):
    from assistant.faces.web.server import create_api

    with TestClient(create_api(assistant, assistant.settings), base_url=LOCAL) as test_client:
        yield test_client


def upload(client, *files: tuple[str, bytes]):
    return client.post("/api/speeches", files=[("files", (name, data)) for name, data in files])


def no_server_path(text: str, assistant) -> bool:
    roots = (assistant.settings.index_dir.parent, "/tmp", "/var", "/home", "/root")
    return not any(str(root) in text for root in roots)


def left_in_uploads(assistant) -> list[str]:
    folder = assistant.settings.uploads_path
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# -- a. a full disk ---------------------------------------------------------------
def test_a_full_upload_folder_is_507_with_a_line_and_keeps_nothing(client, assistant, monkeypatch):
    before, speeches = left_in_uploads(assistant), assistant.index.speeches()
    real_write = Path.write_bytes

    def full(path, data):
        if path.name.endswith(".part") and path.parent == assistant.settings.uploads_path:
            real_write(path, data[:10])  # a part is written before the disk fills
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    reply = upload(client, ("秸秆讲话.txt", SPEECH.encode()), ("第二篇.txt", SPEECH.replace("秸秆", "水利").encode()))
    message = reply.json()["error"]["message"]
    assert reply.status_code == 507 and reply.json()["error"]["type"] == "DiskFullError"
    assert message.startswith("no space left on the server's disk for its upload folder") and "\n" not in message
    assert "free space" in message and no_server_path(message, assistant)
    assert left_in_uploads(assistant) == before and assistant.index.speeches() == speeches


def test_too_little_space_is_refused_before_writing_naming_the_space(client, assistant, monkeypatch):
    from vectorstore.runtime import faults

    monkeypatch.setattr(faults, "free_space", lambda folder: 1000)
    reply = upload(client, ("秸秆讲话.txt", SPEECH.encode() * 20))
    assert reply.status_code == 507 and "MB needed, 0.0 MB free" in reply.json()["error"]["message"]
    assert "秸秆讲话.txt" not in left_in_uploads(assistant)


def test_a_full_disk_in_cli_ingest_is_one_line_and_keeps_the_index(tmp_path, monkeypatch, capsys, seed_dir):
    from vectorstore.stores.chroma import ChromaStore

    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setattr(factory, "build_embeddings", lambda settings: BigramEmbeddings())
    assert cli.main(["ingest", str(seed_dir / "000_00b9841ddb1ffabe.txt")]) == 0
    real_put = ChromaStore.put_speeches

    def fills_up(store, items):
        real_put(store, items[:1])
        raise InternalError(FULL)

    monkeypatch.setattr(ChromaStore, "put_speeches", fills_up)
    capsys.readouterr()
    code = cli.main(["ingest", str(seed_dir)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err == (f"error: no space left on the disk of {tmp_path / 'index'}; free space there (or point "
                   "POLICYQA_INDEX_DIR elsewhere), then run it again: what was indexed before is kept\n")
    index = factory.build_index(factory.Settings(index_dir=tmp_path / "index"), embeddings=BigramEmbeddings())
    assert "000_00b9841ddb1ffabe.txt" in index.speeches() and consistent(index)


# -- c. an index made read-only while serving --------------------------------------
def test_an_index_made_read_only_while_serving_is_409_on_delete_and_upload(client, assistant, monkeypatch):
    def refused(*_args, **_kwargs):
        raise InternalError(READ_ONLY)

    monkeypatch.setattr(assistant.index, "remove_speeches", refused)
    monkeypatch.setattr(assistant.index, "put_speeches", refused)
    deleted = client.delete("/api/speeches/000_00b9841ddb1ffabe.txt")
    uploaded = upload(client, ("只读时上传.txt", SPEECH.replace("秸秆", "只读").encode()))
    for reply in (deleted, uploaded):
        error = reply.json()["error"]
        assert reply.status_code == 409 and error["type"] == "ReadOnlyIndexError"
        assert error["message"].startswith("the server's index folder is read-only: reading works, but speeches "
                                           "cannot be added or deleted; ask the server's administrator")
        assert no_server_path(error["message"], assistant)
    assert "000_00b9841ddb1ffabe.txt" in assistant.index.speeches()


def test_faults_are_told_apart_by_errno_and_database_words(tmp_path):
    from vectorstore.errors import DiskFullError
    from vectorstore.runtime.access import ReadOnlyIndexError
    from vectorstore.runtime.faults import fault_of

    assert isinstance(fault_of(OSError(errno.ENOSPC, "full"), tmp_path, "POLICYQA_INDEX_DIR"), DiskFullError)
    assert isinstance(fault_of(OSError(errno.EROFS, "ro"), tmp_path, "POLICYQA_INDEX_DIR"), ReadOnlyIndexError)
    assert isinstance(fault_of(InternalError(READ_ONLY), tmp_path, "POLICYQA_INDEX_DIR"), ReadOnlyIndexError)
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = OSError(errno.ENOSPC, "full")
    assert isinstance(fault_of(wrapped, tmp_path, "POLICYQA_INDEX_DIR"), DiskFullError)
    assert fault_of(ValueError("a bug"), tmp_path, "POLICYQA_INDEX_DIR") is None
    assert fault_of(OSError(errno.ENOENT, "gone"), tmp_path, "POLICYQA_INDEX_DIR") is None


# -- d. a bad record line ---------------------------------------------------------
def records(*texts: str) -> bytes:
    return "\n".join(json.dumps({"id": f"r{n}", "text": text}, ensure_ascii=False) if text else "{broken"
                     for n, text in enumerate(texts, start=1)).encode()


def test_a_malformed_jsonl_line_is_listed_as_skipped_on_every_face(client, assistant, tmp_path, monkeypatch, capsys):
    data = records(SPEECH.replace("秸秆", "水稻"), "", SPEECH.replace("秸秆", "玉米"))
    outcome = upload(client, ("三行.jsonl", data)).json()
    assert outcome["added"] == ["三行.jsonl#r1", "三行.jsonl#r3"]
    (what, why), = outcome["skipped"]
    assert what == "三行.jsonl line 2" and why.startswith("not valid JSON (") and "fix this line" in why
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setattr(factory, "build_embeddings", lambda settings: BigramEmbeddings())
    (tmp_path / "三行.jsonl").write_bytes(data)
    assert cli.main(["ingest", str(tmp_path / "三行.jsonl")]) == 0
    assert f"skipped 三行.jsonl line 2: {why}\n" in capsys.readouterr().out


# -- e. no server path in a reply -------------------------------------------------
def test_a_blank_scan_is_skipped_under_its_own_name_with_what_to_do(client, assistant):
    from PIL import Image

    from bench.ocr import image_pdf
    from tests.ocr_support import require_ocr_tools
    from vectorstore.readers.pdf import BLANK

    require_ocr_tools()
    blank = image_pdf([Image.new("L", (850, 1100), 255)], 100)
    reply = upload(client, ("空白扫描件.pdf", blank))
    assert reply.status_code == 200, reply.text
    assert reply.json()["skipped"] == [["空白扫描件.pdf", BLANK]]
    assert "scan them again" in BLANK and no_server_path(reply.text, assistant)


def test_server_paths_are_cut_from_messages_to_clients():
    from vectorstore.errors import InputError, public_message, without_paths

    assert without_paths("cannot open /srv/policyqa/uploads/讲话.pdf: damaged") == "cannot open 讲话.pdf: damaged"
    assert without_paths("'/tmp/policyqa-upload-x/a b.doc' failed") == "'a b.doc' failed"
    kept = "see /docs and /api/speeches/{id}/text, or http://127.0.0.1:7860/v1/models; 1/2 done"
    assert without_paths(kept) == kept
    assert public_message(InputError("the model in /root/.cache/policy-qa/m is broken")) == "the model in m is broken"


# -- f. a broken .doc -------------------------------------------------------------
def test_a_broken_doc_gets_our_message_not_the_tools(tmp_path):
    from vectorstore.errors import InputError
    from vectorstore.readers import load_file
    from vectorstore.readers.tools import find
    from vectorstore.readers.word import UNREADABLE

    if find("antiword") is None and find("catdoc") is None:
        pytest.skip("neither antiword nor catdoc is installed")
    broken = tmp_path / "坏的.doc"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 12)
    with pytest.raises(InputError) as raised:
        load_file(broken)
    assert str(raised.value) == UNREADABLE and "switch" not in str(raised.value)
    assert UNREADABLE.endswith("save it as .docx and add that")

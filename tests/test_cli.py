"""The policyqa command line, with a real Chroma and the cheap embedder."""

from __future__ import annotations

import json

import pytest

from assistant import factory
from assistant.faces import cli
from tests.conftest import DATA_DIR
from tests.fakes import BigramEmbeddings


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setattr(factory, "build_embeddings", lambda settings: BigramEmbeddings())

    def invoke(*argv):
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_ingest_speeches_search_info(run):
    code, out, _ = run("ingest", str(DATA_DIR))
    assert code == 0 and "9 added" in out
    code, out, _ = run("speeches", "--json")
    speeches = json.loads(out)
    assert len(speeches) == 9
    zhang = next(s for s in speeches if s["speaker"] == "张笑东")
    assert zhang["date"] == "2024-05-04" and zhang["chunks"] > 0 and "安阳" in zhang["places"]
    assert set(speeches[0]) >= {"id", "source", "title", "speaker", "date", "places", "chunks"}
    code, out, _ = run("search", "什么是五皮精神", "-k", "3", "--mode", "keyword", "--json")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 3
    assert set(hits[0]) >= {"source", "title", "section", "start", "end", "text", "score"}
    assert hits[0]["source"] == "000_00b9841ddb1ffabe.txt" and "硬着头皮" in hits[0]["text"]
    code, out, _ = run("index", "info")
    assert code == 0 and "speeches: 9" in out and "hashing" in out


def test_plain_text_outputs(run):
    run("ingest", str(DATA_DIR))
    code, out, _ = run("speeches")
    assert code == 0 and "9 speeches" in out and "张笑东" in out
    code, out, _ = run("search", "四千精神", "-k", "2")
    assert code == 0 and out.startswith("[1]") and "[2]" in out


def test_second_ingest_reports_unchanged(run):
    run("ingest", str(DATA_DIR))
    code, out, _ = run("ingest", str(DATA_DIR))
    assert code == 0 and "9 unchanged" in out and "0 chunks embedded" in out


def test_bad_paths_are_reported_not_raised(run, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    code, out, err = run("ingest", str(tmp_path / "empty.txt"), str(tmp_path / "nope.txt"))
    assert code == 1 and "nothing was indexed" in err  # every input skipped: nothing was done
    assert "empty.txt: file is empty" in out and "nope.txt: no such file or directory" in out
    assert "Traceback" not in out + err


def test_mismatched_index_is_a_message_naming_the_rebuild_command(run, monkeypatch):
    run("ingest", str(DATA_DIR / "003_afb0ec9b2fd93498.txt"))
    monkeypatch.setenv("POLICYQA_CHUNK_MAX_CHARS", "250")
    code, out, err = run("search", "招商")
    assert code == 2 and "policyqa ingest --rebuild" in err and "Traceback" not in err
    code, out, err = run("ingest", "--rebuild", str(DATA_DIR / "003_afb0ec9b2fd93498.txt"))
    assert code == 0 and "1 added" in out


def test_bad_setting_is_a_message(run, monkeypatch):
    monkeypatch.setenv("POLICYQA_CHUNK_MAX_CHARS", "ten")
    code, out, err = run("speeches")
    assert code == 2 and "POLICYQA_CHUNK_MAX_CHARS" in err and "Traceback" not in err


def test_serve_builds_the_app_and_hands_it_to_uvicorn(run, monkeypatch):
    """`policyqa serve` indexes the default corpus when the index is empty, then serves that app."""
    import uvicorn

    served = {}

    def run_server(server, sockets=None):
        served.update(app=server.config.app, host=server.config.host, port=server.config.port)

    monkeypatch.setattr(uvicorn.Server, "run", run_server)
    monkeypatch.setenv("POLICYQA_PORT", "8123")
    code, _, _ = run("serve", "--host", "0.0.0.0")
    assert code == 0 and served["host"] == "0.0.0.0" and served["port"] == 8123
    paths = set(served["app"].openapi()["paths"])
    assert {"/api/ask", "/v1/chat/completions", "/healthz"} <= paths
    code, out, _ = run("speeches", "--json")
    assert len(json.loads(out)) == 9


def test_serve_with_a_bad_port_is_a_message(run, monkeypatch):
    monkeypatch.setenv("POLICYQA_PORT", "seventy")
    code, _, err = run("serve")
    assert code == 2 and "POLICYQA_PORT" in err and "Traceback" not in err

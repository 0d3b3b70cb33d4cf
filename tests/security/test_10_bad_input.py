"""10. Bad input, face by face: a one-line message that says what to do, a non-zero exit where
nothing was done, and the same validation (the shared request models) behind every face."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant import factory
from assistant.faces import cli
from tests.conftest import DATA_DIR
from tests.fakes import BigramEmbeddings
from tests.servers import LOCAL


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from assistant.settings import load_settings
    from assistant.faces.web.server import create_app

    settings = load_settings(index_dir=tmp_path_factory.mktemp("bad") / "index", data_dir=DATA_DIR)
    app = create_app(factory.build_assistant(settings, embeddings=BigramEmbeddings()), settings)
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("POLICYQA_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("POLICYQA_DATA_DIR", str(DATA_DIR))

    def invoke(*argv):
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def one_line_error(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err


@pytest.fixture
def indexed(run):
    assert run("ingest", "--no-progress", str(DATA_DIR))[0] == 0


def test_ingest_of_nothing_fails(run, tmp_path):
    code, out, err = run("ingest", str(tmp_path / "nonexistent.txt"))
    assert code != 0 and "no such file" in out and "nothing was indexed" in err
    (tmp_path / "empty.txt").write_text("")
    assert run("ingest", str(tmp_path / "empty.txt"))[0] != 0


@pytest.mark.parametrize("argv,says", [
    (["-k", "-1"], "k must be between 1"), (["-k", "0"], "k must be between 1"),
    (["--date-from", "abc"], "--date-from"), (["--date-to", "2024-13-45"], "not a real date"),
    (["--date-from", "2024-99"], "not a real date"),
])
def test_search_options_are_validated(run, indexed, argv, says):
    code, out, err = run("search", "招商", *argv)
    assert code != 0 and not out and one_line_error(err) and says in err


def test_blank_search_is_refused(run, indexed):
    code, _, err = run("search", "   ")
    assert code != 0 and one_line_error(err) and "empty" in err


@pytest.mark.parametrize("filters", [{"date_to": "2024-13-45"}, {"date_from": "2024-99"}, {"date_from": "去年"}])
def test_impossible_dates_are_refused_by_the_api(client, filters):
    response = client.post("/api/search", json={"query": "招商", "filters": filters})
    assert response.status_code == 422 and "date" in response.json()["error"]["message"]


@pytest.mark.parametrize("query", ["", "   "])
def test_blank_search_query_is_refused_by_the_api(client, query):
    assert client.post("/api/search", json={"query": query}).status_code in (400, 422)


@pytest.mark.parametrize("question", ["   ", "问" * 2001])
def test_streams_validate_before_they_start(client, question):
    stream = client.post("/api/ask/stream", json={"question": question})
    assert stream.status_code in (400, 422) and "error" in stream.json()
    chat = client.post("/v1/chat/completions", json={"stream": True, "messages": [{"role": "user", "content": question}]})
    assert chat.status_code == 400 and "error" in chat.json()


def test_upload_without_a_file_name(client):
    response = client.post("/api/speeches", files={"files": ("", b"text", "text/plain")})
    assert response.status_code == 400 and "file name" in response.json()["error"]["message"]


def test_a_long_file_name_keeps_its_type(client):
    name = "很长的讲话标题" * 40 + ".exe"
    message = client.post("/api/speeches", files={"files": (name, b"MZ", "application/octet-stream")}).json()
    assert ".exe files cannot be indexed" in message["error"]["message"]
    speech = "在全县冬春农田水利建设动员会上的讲话\n同志们：\n一、今冬明春要完成高标准农田建设任务，抓好渠系配套和小型水利工程。\n"
    ok = client.post("/api/speeches", files={"files": ("长" * 300 + ".txt", speech.encode())})
    assert ok.status_code == 200 and ok.json()["added"][0].endswith(".txt"), ok.text


def test_body_without_json_content_type(client):
    response = client.post("/api/ask", content=b'{"question": "x"}')
    assert response.status_code == 415 and "Content-Type: application/json" in response.json()["error"]["message"]


@pytest.mark.parametrize("method,path,allowed", [("GET", "/api/ask", "POST"), ("PUT", "/api/speeches", "GET, POST"),
                                                 ("GET", "/v1/chat/completions", "POST"), ("POST", "/healthz", "GET")])
def test_wrong_method_is_405_in_the_error_shape(client, method, path, allowed):
    response = client.request(method, path)
    assert response.status_code == 405 and response.headers["allow"] == allowed
    assert response.json()["error"]["type"] == "method_not_allowed"


def test_unknown_api_path_is_404_in_the_error_shape(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and response.json()["error"]["type"] == "not_found"

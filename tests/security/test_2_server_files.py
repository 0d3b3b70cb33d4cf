"""2. No endpoint reads a server file it was not given: a Gradio FileData naming a path on the
server's disk is refused, and that file's text never becomes searchable."""

from __future__ import annotations

import json

import httpx
import pytest

SECRET = "机密备忘：本县土地出让底价为每亩九十九万元，不得外传。"


@pytest.fixture
def server_file(tmp_path_factory):
    """A file on the server's disk, outside the upload folder (and outside cwd and the temp dir)."""
    folder = tmp_path_factory.mktemp("not-uploaded")
    path = folder / "secret.txt"
    path.write_text(SECRET * 20, encoding="utf-8")
    return path


def call_gradio(url: str, api_name: str, data: list) -> tuple[str, str]:
    """Gradio's REST call protocol: POST the data, then read the event stream; returns (event, data)."""
    started = httpx.post(f"{url}/gradio_api/call/{api_name}", json={"data": data}, timeout=30)
    started.raise_for_status()
    event_id = started.json()["event_id"]
    last = ("", "")
    with httpx.stream("GET", f"{url}/gradio_api/call/{api_name}/{event_id}", timeout=60) as stream:
        event = ""
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                last = (event, line.split(":", 1)[1].strip())
                if event in ("complete", "error"):
                    break
    return last


def test_upload_event_refuses_a_path_that_was_not_uploaded(open_server, server_file):
    fake = {"path": str(server_file), "orig_name": "secret.txt", "meta": {"_type": "gradio.FileData"}}
    event, _ = call_gradio(open_server.url, "upload", [[fake]])
    assert event == "error"
    hits = httpx.post(open_server.url + "/api/search", json={"query": "土地出让底价", "k": 5}, timeout=30).json()
    assert not any("九十九万元" in hit["text"] for hit in hits)
    speeches = httpx.get(open_server.url + "/api/speeches", timeout=30).json()
    assert not any(s["source"].startswith("secret") for s in speeches)


def test_file_route_does_not_serve_server_files(open_server, server_file):
    for path in (str(server_file), "/etc/passwd"):
        response = httpx.get(f"{open_server.url}/gradio_api/file={path}", timeout=30)
        assert response.status_code in (403, 404) and "九十九万元" not in response.text


def test_a_real_upload_through_gradio_still_works(open_server, tmp_path):
    from gradio_client import Client, handle_file

    speech = tmp_path / "上传测试讲话.txt"
    speech.write_text("在全县秸秆综合利用工作会议上的讲话\n同志们：\n今天召开会议，部署今年的秸秆综合利用工作。\n"
                      "一、秸秆综合利用要坚持“农用为主、五化并举”，各乡镇要把禁烧和利用纳入考核。\n", encoding="utf-8")
    client = Client(open_server.url, verbose=False)
    result = client.predict([handle_file(str(speech))], "", api_name="/upload")
    assert "上传测试讲话.txt" in json.dumps(result, ensure_ascii=False)
    hits = httpx.post(open_server.url + "/api/search", json={"query": "五化并举", "k": 3}, timeout=30).json()
    assert hits[0]["source"] == "上传测试讲话.txt"

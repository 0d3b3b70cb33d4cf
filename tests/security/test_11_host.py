"""11. DNS rebinding: a page of a name the attacker points at 127.0.0.1 is same-origin with itself, so only
the Host header tells its requests apart. The server answers only to the names it is reached by."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.fakes import app_with
from tests.servers import LOCAL

SEED = "000_00b9841ddb1ffabe.txt"
EVIL = "http://evil.test:7860"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_with(tmp_path_factory.mktemp("hosts"))


@pytest.mark.parametrize("method, path", [("GET", "/api/speeches"), ("DELETE", f"/api/speeches/{SEED}"),
                                          ("POST", "/api/ask"), ("GET", "/"), ("GET", "/gradio_api/info"),
                                          ("POST", "/gradio_api/queue/join"), ("GET", "/docs"), ("GET", "/healthz")])
def test_a_rebound_name_is_refused_on_every_route(app, method, path):
    with TestClient(app, base_url=EVIL) as evil:
        response = evil.request(method, path, headers={"Origin": EVIL}, json={} if method == "POST" else None)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "host_not_allowed" and "POLICYQA_ALLOWED_HOSTS" in error["message"]


def test_nothing_is_deleted_through_a_rebound_name(app):
    with TestClient(app, base_url=EVIL) as evil, TestClient(app, base_url=LOCAL) as local:
        assert evil.delete(f"/api/speeches/{SEED}", headers={"Origin": EVIL}).status_code == 400
        assert any(speech["id"] == SEED for speech in local.get("/api/speeches").json())


@pytest.mark.parametrize("base", ["http://127.0.0.1:7860", "http://localhost:7860", "http://[::1]:7860",
                                  "http://LOCALHOST", "http://app.localhost:7860"])
def test_the_loopback_names_are_answered(app, base):
    with TestClient(app, base_url=base) as client:
        assert client.get("/api/speeches").status_code == 200


def test_listed_names_and_their_subdomains_are_answered(tmp_path):
    app = app_with(tmp_path, allowed_hosts="qa.example.org, .intranet.example")
    for base, status in (("https://qa.example.org", 200), ("http://a.intranet.example", 200),
                         ("http://intranet.example", 200), ("http://example.org", 400), ("http://evil.test", 400)):
        with TestClient(app, base_url=base) as client:
            assert client.get("/api/speeches").status_code == status, base


def test_bound_to_every_interface_any_ip_address_is_answered_but_no_name(tmp_path):
    app = app_with(tmp_path, host="0.0.0.0")
    for base, status in (("http://192.168.1.20:7860", 200), ("http://[fe80::1]:7860", 200),
                         ("http://evil.test:7860", 400)):
        with TestClient(app, base_url=base) as client:
            assert client.get("/api/speeches").status_code == status, base


def test_the_setting_reads_a_comma_list_or_json(monkeypatch):
    from assistant.settings import load_settings

    monkeypatch.setenv("POLICYQA_ALLOWED_HOSTS", "a.example, b.example")
    assert load_settings().allowed_hosts == ["a.example", "b.example"]
    monkeypatch.setenv("POLICYQA_ALLOWED_HOSTS", '["c.example"]')
    assert load_settings().allowed_hosts == ["c.example"]


def test_a_real_server_refuses_a_rebound_upload_and_delete(open_server):
    port = open_server.url.rsplit(":", 1)[1]
    evil = {"Host": f"evil.test:{port}", "Origin": f"http://evil.test:{port}"}
    upload = httpx.post(open_server.url + "/api/speeches", headers=evil, timeout=30,
                        files={"files": ("x.txt", "同志们：这是一篇重新绑定上传的讲话。".encode(), "text/plain")})
    assert upload.status_code == 400 and upload.json()["error"]["type"] == "host_not_allowed"
    assert httpx.delete(f"{open_server.url}/api/speeches/{SEED}", headers=evil, timeout=30).status_code == 400
    speeches = httpx.get(open_server.url + "/api/speeches", timeout=30).json()
    assert any(s["id"] == SEED for s in speeches) and not any(s["id"] == "x.txt" for s in speeches)


def test_in_a_browser_a_page_of_a_rebound_name_reads_nothing(open_server):
    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, _browser_or_skip

    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    port = open_server.url.rsplit(":", 1)[1]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.test 127.0.0.1"])
        page = browser.new_page()
        response = page.goto(f"http://evil.test:{port}/")
        assert response.status == 400 and "POLICYQA_ALLOWED_HOSTS" in page.content()
        listed = page.evaluate("fetch('/api/speeches').then(r => r.status)")
        assert listed == 400
        assert page.goto(f"http://localhost:{port}/api/speeches").status == 200
        browser.close()

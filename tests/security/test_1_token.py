"""1. With POLICYQA_API_TOKEN set, every route but /healthz needs the token — the web UI's own
Gradio endpoints included — and the browser gets a login page instead."""

from __future__ import annotations

import httpx
import pytest

from tests.security.conftest import TOKEN

GRADIO_ROUTES = [("GET", "/gradio_api/info"), ("GET", "/config"), ("POST", "/gradio_api/upload"),
                 ("POST", "/gradio_api/queue/join"), ("POST", "/gradio_api/call/respond"),
                 ("POST", "/gradio_api/call/upload"), ("POST", "/gradio_api/call/delete"),
                 ("POST", "/gradio_api/call/refreshed"), ("GET", "/gradio_api/queue/data?session_hash=x")]
API_ROUTES = [("POST", "/api/ask"), ("POST", "/api/ask/stream"), ("POST", "/api/search"), ("GET", "/api/speeches"),
              ("POST", "/api/speeches"), ("DELETE", "/api/speeches/000_00b9841ddb1ffabe.txt"),
              ("POST", "/v1/chat/completions"), ("GET", "/v1/models"), ("GET", "/docs"), ("GET", "/openapi.json"),
              ("GET", "/api/speeches/000_00b9841ddb1ffabe.txt/text"), ("GET", "/read?speech=000_00b9841ddb1ffabe.txt")]


@pytest.mark.parametrize("method,path", GRADIO_ROUTES + API_ROUTES)
def test_every_route_refuses_a_request_without_the_token(guarded_server, method, path):
    response = httpx.request(method, guarded_server.url + path, json={"data": []}, timeout=30)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["type"] == "AuthError"


def test_a_wrong_token_is_refused_too(guarded_server):
    response = httpx.get(guarded_server.url + "/api/speeches", headers={"Authorization": "Bearer wrong"}, timeout=30)
    assert response.status_code == 401


def test_health_stays_open(guarded_server):
    assert httpx.get(guarded_server.url + "/healthz", timeout=30).json()["status"] == "ok"


def test_gradio_client_without_the_token_gets_nothing(guarded_server):
    from gradio_client import Client

    with pytest.raises(Exception):
        Client(guarded_server.url, verbose=False)


def test_gradio_client_with_the_token_works(guarded_server):
    from gradio_client import Client

    client = Client(guarded_server.url, headers={"Authorization": f"Bearer {TOKEN}"}, verbose=False)
    rows = client.predict(api_name="/refreshed")[0]
    assert any("000_00b9841ddb1ffabe.txt" in str(row) for row in rows["data"])


def test_the_api_with_the_token_answers(guarded_server):
    response = httpx.post(guarded_server.url + "/api/ask", json={"question": "什么是四千精神？"},
                          headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert response.status_code == 200 and "千方百计" in response.json()["text"]


def test_a_browser_is_sent_to_the_login_page_and_its_session_opens_everything(guarded_server):
    with httpx.Client(base_url=guarded_server.url, timeout=30) as browser:
        page = browser.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert browser.post("/login", data={"token": "wrong", "next": "/"}).status_code == 401
        login = browser.post("/login", data={"token": TOKEN, "next": "//evil.example/"})
        assert login.status_code == 303 and login.headers["location"] == "/"  # no open redirect
        cookie = login.cookies["policyqa_session"]
        assert TOKEN not in cookie
        assert browser.get("/", headers={"Accept": "text/html"}).status_code == 200
        assert browser.get("/gradio_api/info").status_code == 200
        assert browser.get("/api/speeches").status_code == 200


def test_an_exposed_server_without_a_token_is_logged(caplog, tmp_path):
    from assistant.access import KeyStore
    from assistant.faces.web.auth import warn_if_exposed

    with caplog.at_level("WARNING"):
        warn_if_exposed("127.0.0.1", KeyStore(tmp_path))
        warn_if_exposed("0.0.0.0", KeyStore(tmp_path, "a-token"))
        assert not caplog.records
        warn_if_exposed("0.0.0.0", KeyStore(tmp_path))
    assert "POLICYQA_API_TOKEN" in caplog.text

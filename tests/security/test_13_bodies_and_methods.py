"""Every request body is bounded (the chat page's events too), an unserved method is 405 on every
path, a deeply nested JSON gets a message, and the session cookie is Secure over HTTPS."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.access import KeyStore
from tests.fakes import app_with
from tests.servers import LOCAL


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("bodies")
    return app_with(root), root


def test_a_huge_body_to_the_chat_page_is_refused_before_it_is_read(app):
    with TestClient(app[0], base_url=LOCAL) as client:
        huge = b'{"data": ["' + b"x" * (5 * 1024 * 1024) + b'"]}'
        response = client.post("/gradio_api/call/respond", content=huge, headers={"content-type": "application/json"})
        assert response.status_code == 413 and "limit" in response.json()["error"]["message"]
        assert client.post("/retrieval", content=b"x" * (300 * 1024), headers={"content-type": "application/json"}).status_code == 413


@pytest.mark.parametrize("path", ["/", "/api/speeches", "/gradio_api/info", "/read"])
def test_an_unserved_method_is_405_with_allow_everywhere(app, path):
    with TestClient(app[0], base_url=LOCAL) as client:
        response = client.request("TRACE", path)
        assert response.status_code == 405 and "GET" in response.headers["allow"]


def test_json_nested_ten_thousand_deep_gets_a_message(app):
    with TestClient(app[0], base_url=LOCAL) as client:
        deep = '{"question": ' + "[" * 10_000 + "]" * 10_000 + "}"
        response = client.post("/api/ask", content=deep, headers={"content-type": "application/json"})
        assert 400 <= response.status_code < 500 and response.json()["error"]["message"]


def test_the_session_cookie_is_secure_over_https(app):
    built, root = app
    key, _ = KeyStore(root / "index").add("reader", "https")
    with TestClient(built, base_url="https://127.0.0.1") as client:
        response = client.post("/login", data={"token": key, "next": "/"}, follow_redirects=False)
        assert response.status_code == 303 and "secure" in response.headers["set-cookie"].lower()

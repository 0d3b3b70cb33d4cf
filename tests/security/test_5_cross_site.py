"""5. Cross-site requests: CORS is off unless POLICYQA_CORS_ORIGINS lists an origin (Gradio's own
localhost approval included), and a page of another site cannot post or delete through a form."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.fakes import app_with
from tests.servers import LOCAL

OTHER_LOCAL_PAGE = "http://localhost:9999"
ALLOWED = "https://intranet.example"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with TestClient(app_with(tmp_path_factory.mktemp("cors")), base_url="http://127.0.0.1:7860") as test_client:
        yield test_client


def preflight(client, path: str, origin: str = OTHER_LOCAL_PAGE, method: str = "DELETE"):
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": "content-type"})


@pytest.mark.parametrize("path", ["/api/speeches/000_00b9841ddb1ffabe.txt", "/api/ask", "/v1/chat/completions",
                                  "/gradio_api/queue/join", "/gradio_api/upload"])
def test_no_origin_is_approved_by_default(client, path):
    response = preflight(client, path)
    assert "access-control-allow-origin" not in response.headers


def test_a_page_on_another_port_cannot_delete(client):
    response = client.delete("/api/speeches/000_00b9841ddb1ffabe.txt", headers={"Origin": OTHER_LOCAL_PAGE})
    assert response.status_code == 403 and response.json()["error"]["type"] == "cross_site_request"
    assert any(s["id"] == "000_00b9841ddb1ffabe.txt" for s in client.get("/api/speeches").json())


def test_a_cross_site_form_post_is_refused(client):
    files = {"files": ("evil.txt", "同志们：恶意上传。".encode(), "text/plain")}
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "null"}):
        response = client.post("/api/speeches", files=files, headers=headers)
        assert response.status_code == 403, headers
    assert client.post("/gradio_api/queue/join", json={}, headers={"Origin": "http://evil.example"}).status_code == 403


def test_json_endpoints_refuse_a_form_shaped_body(client):
    response = client.post("/api/ask", content='{"question": "什么是四千精神？"}', headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and "application/json" in response.json()["error"]["message"]


def test_same_origin_and_programs_still_work(client):
    assert client.post("/api/search", json={"query": "四千精神", "k": 1},
                       headers={"Origin": "http://127.0.0.1:7860"}).status_code == 200
    assert client.post("/api/search", json={"query": "四千精神", "k": 1}).status_code == 200


def test_a_configured_origin_is_allowed(tmp_path):
    with TestClient(app_with(tmp_path, cors_origins=[ALLOWED]), base_url=LOCAL) as configured:
        response = preflight(configured, "/api/ask", origin=ALLOWED, method="POST")
        assert response.headers["access-control-allow-origin"] == ALLOWED
        assert "access-control-allow-origin" not in preflight(configured, "/api/ask").headers
        posted = configured.post("/api/search", json={"query": "四千精神", "k": 1}, headers={"Origin": ALLOWED})
        assert posted.status_code == 200

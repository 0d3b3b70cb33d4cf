"""Keys with roles: every route of the app has an access rule, and each role gets exactly what its
rule grants, through the real app (FastAPI TestClient over the API, the OpenAI API and Gradio) and a
real `policyqa serve` driven by the real gradio_client; keys are stored hashed, revocation ends
their sessions, changes are audited, failed logins slow down."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from assistant.access import Action, KeyStore, Role, action_for
from tests.fakes import app_with
from tests.servers import LOCAL, start_server
from tests.security.conftest import server_env

SPEECH = "000_00b9841ddb1ffabe.txt"


@pytest.fixture(scope="module")
def roles(tmp_path_factory):
    """The whole app (API, OpenAI API, reading view, Gradio) over the seeds, with a key of each role."""
    root = tmp_path_factory.mktemp("roles")
    keys = KeyStore(root / "index")
    issued = {role: keys.add(role, f"{role}-tester")[0] for role in ("reader", "editor", "admin")}
    app = app_with(root)
    return app, issued, root


def leaf_routes(app):
    from assistant.faces.web.server import leaf_routes as routes

    for route in routes(app.router.routes):
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                yield method, route.path


def sample(path: str) -> str:
    """A concrete path for a route's pattern (parameters filled with real values)."""
    return (path.replace("{speech_id:path}", SPEECH).replace("{speech_id}", SPEECH).replace("{page}", "1")
            .replace("{path:path}", "x").replace("{file_path:path}", "x"))


def test_every_route_of_the_app_has_an_access_rule(roles):
    app, _, _ = roles
    uncovered = [(method, path) for method, path in leaf_routes(app) if action_for(method, sample(path)) is None]
    assert not uncovered, f"routes without an access rule: {uncovered}"


@pytest.mark.parametrize("role", [None, "reader", "editor", "admin"])
def test_each_role_gets_what_its_rule_grants_on_every_route(roles, role):
    app, issued, _ = roles
    headers = {"Authorization": f"Bearer {issued[role]}"} if role else {}
    with TestClient(app, base_url=LOCAL) as client:
        for method, path in leaf_routes(app):
            if method == "DELETE" or "{" in path.replace("{speech_id:path}", "").replace("{page}", "") \
                    or (method, path) == ("POST", "/login"):
                continue  # deleting is checked on its own below; Gradio's file routes need real files
            action = action_for(method, sample(path))
            status = client.request(method, sample(path), headers=headers, json={}).status_code
            if action is Action.OPEN:
                assert status != 403, (method, path)  # (an empty login form is a failed login: 401)
            elif role is None:
                assert status in (401, 303), (method, path, status)
            elif Role(role).may(action):
                assert status not in (401, 403), (role, method, path, status)
            else:
                assert status == 403, (role, method, path, status)


def test_a_reader_cannot_delete_an_editor_can_and_the_change_is_audited(roles):
    app, issued, root = roles
    with TestClient(app, base_url=LOCAL) as client:
        refused = client.delete(f"/api/speeches/{SPEECH}", headers={"Authorization": f"Bearer {issued['reader']}"})
        assert refused.status_code == 403 and "editor" in refused.json()["error"]["message"]
        done = client.delete(f"/api/speeches/{SPEECH}", headers={"Authorization": f"Bearer {issued['editor']}"})
        assert done.status_code == 200
    entries = [json.loads(line) for line in (root / "index" / "audit.jsonl").read_text("utf-8").splitlines()]
    assert {"who": "editor-tester", "action": "delete", "speech": SPEECH}.items() <= entries[-1].items()


def test_keys_are_stored_hashed_and_revoking_ends_their_sessions(tmp_path):
    keys = KeyStore(tmp_path)
    key, record = keys.add("reader", "临时")
    stored = (tmp_path / "keys.json").read_text("utf-8")
    assert key.split("_", 2)[2] not in stored and record.hash in stored
    principal = keys.principal(key)
    session = keys.session(principal)
    assert principal.role is Role.READER and keys.from_session(session) == principal
    assert keys.principal(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    keys.revoke(record.id)
    assert keys.principal(key) is None and keys.from_session(session) is None


def test_the_token_is_one_admin_key(tmp_path):
    keys = KeyStore(tmp_path, "the-token")
    assert keys.configured and keys.principal("the-token").role is Role.ADMIN and keys.principal("wrong") is None


def test_failed_logins_from_one_address_wait_longer_each_time(roles):
    app, issued, _ = roles
    with TestClient(app, base_url=LOCAL) as client:
        waits = []
        for _ in range(3):
            started = time.perf_counter()
            assert client.post("/login", data={"token": "wrong", "next": "/"}).status_code == 401
            waits.append(time.perf_counter() - started)
        assert waits[1] >= 0.45 and waits[2] >= 0.9 and waits[2] > waits[1]
        ok = client.post("/login", data={"token": issued["reader"], "next": "/"}, follow_redirects=False)
    cookie = ok.headers["set-cookie"].lower()
    assert ok.status_code == 303 and "httponly" in cookie and "samesite=strict" in cookie


def test_a_reader_cannot_upload_through_the_chat_page_and_does_not_see_the_controls(tmp_path):
    """A real server and the real gradio_client with a reader's key: the upload event is refused."""
    from gradio_client import Client, handle_file

    root = tmp_path
    keys = KeyStore(root / "index")
    reader, _ = keys.add("reader", "读者")
    editor, _ = keys.add("editor", "编辑")
    server = start_server(root, server_env(root), seconds=180)
    try:
        speech = root / "新讲话.txt"
        speech.write_text("在全县秋收工作会议上的讲话\n同志们：\n今年秋收要抓早抓实，确保颗粒归仓。\n", encoding="utf-8")
        as_reader = Client(server.url, headers={"Authorization": f"Bearer {reader}"}, verbose=False)
        with pytest.raises(Exception, match="没有权限"):
            as_reader.predict([handle_file(str(speech))], "", api_name="/upload")
        as_editor = Client(server.url, headers={"Authorization": f"Bearer {editor}"}, verbose=False)
        as_editor.predict([handle_file(str(speech))], "", api_name="/upload")
        listed = [s["id"] for s in __import__("httpx").get(server.url + "/api/speeches",
                                                           headers={"Authorization": f"Bearer {reader}"}).json()]
        assert "新讲话.txt" in listed
    finally:
        server.stop()

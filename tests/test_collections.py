"""Collections (知识库): every speech belongs to one; a question asked in some collections never
retrieves, quotes or lists another's passages (a refusal's related passages included); moving a
speech re-embeds nothing; an index made before collections is the default one (documents written
for these tests, a real Chroma)."""

from __future__ import annotations

import json

import pytest

from assistant.uploads import Upload
from tests.fakes import assistant_with

WATER = ("在全县水利工作会议上的讲话\n同志们：\n今年要新建塘坝三十座，完成小型水库除险加固十二座。"
         "各乡镇要落实水库安全度汛责任人，汛期实行二十四小时值班。\n")
STRAW = ("在全县秸秆禁烧工作会议上的讲话\n同志们：\n今年秸秆综合利用率要达到百分之九十以上。"
         "各乡镇要落实禁烧包片责任人，发现火点两小时内处置完毕。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    built = assistant_with(tmp_path_factory.mktemp("collections"), {})
    built.add_files([Upload("水利讲话.txt", WATER.encode())], collection="水利")
    built.add_files([Upload("秸秆讲话.txt", STRAW.encode())], collection="农业")
    return built


def everything_said(answer) -> str:
    return json.dumps(answer.model_dump(), ensure_ascii=False)


def test_collections_are_listed_with_their_counts(assistant):
    assert assistant.collections() == {"农业": 1, "水利": 1}
    assert {s.id: s.collection for s in assistant.within(["水利"]).speeches()} == {"水利讲话.txt": "水利"}


def test_a_question_in_one_collection_never_shows_anothers_passages(assistant):
    answer = assistant.ask("发现火点要多长时间内处置完毕？")
    assert answer.grounded and "两小时" in answer.text  # all collections: answered
    inside = assistant.within(["水利"]).ask("发现火点要多长时间内处置完毕？")
    assert not inside.grounded and "秸秆" not in everything_said(inside) and "火点" not in everything_said(inside).replace(
        inside.question, "").replace(inside.query, "")


def test_search_lists_and_reads_stay_inside_the_collections(assistant):
    water = assistant.within(["水利"])
    assert all(p.speech_id == "水利讲话.txt" for p in water.search("责任人"))
    with pytest.raises(Exception, match="no indexed speech"):
        water.outline("秸秆讲话.txt")
    with pytest.raises(Exception, match="no indexed speech"):
        water.speech_text("秸秆讲话.txt")
    collection_question = water.ask("资料库里一共收录了几篇讲话？")
    assert "秸秆" not in everything_said(collection_question)


def test_an_unknown_or_bad_collection_name_is_a_one_line_error(assistant):
    with pytest.raises(Exception, match="no collection is named"):
        assistant.within(["没有这个库"])
    with pytest.raises(Exception, match="collection name"):
        assistant.move_speech("水利讲话.txt", "../x")


def test_moving_a_speech_reembeds_nothing_and_moves_its_answers(tmp_path):
    built = assistant_with(tmp_path, {"水利讲话.txt": WATER, "秸秆讲话.txt": STRAW})
    assert built.collections() == {"默认": 2}  # an index without collections is the default one
    before = built.index.chunk_count()
    built.move_speech("秸秆讲话.txt", "农业", actor="测试")
    assert built.collections() == {"农业": 1, "默认": 1} and built.index.chunk_count() == before
    assert built.within(["农业"]).ask("发现火点要多长时间内处置完毕？").grounded
    assert not built.within(["默认"]).ask("发现火点要多长时间内处置完毕？").grounded
    assert built.audit.entries()[-1]["action"] == "move"


def test_ingesting_a_folder_into_a_collection(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "水利讲话.txt").write_text(WATER, encoding="utf-8")
    built = assistant_with(tmp_path / "a", {})
    report = built.ingest([folder], collection="水利")
    assert report.added == ["水利讲话.txt"] and built.collections() == {"水利": 1}
    built.ingest([folder], collection="防汛")  # the same files into another collection: moved, not re-embedded
    assert built.collections() == {"防汛": 1}


def test_a_key_of_one_collection_sees_only_it_on_every_face(tmp_path):
    """Through the real app: the API, the OpenAI API (a model per collection) and the reading view."""
    from fastapi.testclient import TestClient
    from openai import OpenAI

    from assistant.access import KeyStore
    from assistant.faces.web.server import create_api
    from tests.servers import LOCAL

    built = assistant_with(tmp_path, {})
    built.add_files([Upload("水利讲话.txt", WATER.encode())], collection="水利")
    built.add_files([Upload("秸秆讲话.txt", STRAW.encode())], collection="农业")
    water_key, _ = KeyStore(built.settings.index_dir).add("editor", "水利科", ["水利"])
    auth = {"Authorization": f"Bearer {water_key}"}
    with TestClient(create_api(built, built.settings), base_url=LOCAL) as client:
        refused = client.post("/api/ask", json={"question": "发现火点要多长时间内处置完毕？"}, headers=auth).json()
        assert not refused["grounded"] and "秸秆" not in json.dumps(refused, ensure_ascii=False)
        assert client.post("/api/ask", json={"question": "火点", "collections": ["农业"]}, headers=auth).status_code == 403
        assert [s["id"] for s in client.get("/api/speeches", headers=auth).json()] == ["水利讲话.txt"]
        assert client.get("/api/collections", headers=auth).json() == {"水利": 1}
        assert client.get("/api/speeches/秸秆讲话.txt/text", headers=auth).status_code == 404
        assert client.get("/read", params={"speech": "秸秆讲话.txt"}, headers=auth).status_code == 404
        assert client.delete("/api/speeches/秸秆讲话.txt", headers=auth).status_code == 403
        moved = client.post("/api/speeches/水利讲话.txt/collection", json={"collection": "农业"}, headers=auth)
        assert moved.status_code == 403  # it may not put speeches into 农业
        openai = OpenAI(base_url=f"{LOCAL}/v1", api_key=water_key, http_client=client)
        assert [m.id for m in openai.models.list()] == ["policy-qa", "policy-qa:水利"]
        reply = openai.chat.completions.create(model="policy-qa:水利", messages=[{"role": "user", "content": "汛期怎么值班？"}])
        assert "二十四小时值班" in reply.choices[0].message.content

"""One SpeechMeta and Outline from extraction to the faces: spans, the index codec, CLI, HTTP and the UI view."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from assistant import factory
from assistant.faces import cli
from tests.conftest import DATA_DIR, SEED_FILES
from tests.fakes import BigramEmbeddings
from vectorstore.errors import IndexMismatchError
from vectorstore.speech.records import record_from_metadata, record_metadata
from vectorstore.speech.model import SpeechMeta
from vectorstore.speech.speeches import speeches_from_document
from vectorstore.speech.types import RawDocument
from tests.servers import LOCAL

COMPILATION = "004_30715ac9391e336e.txt"
FOURTH = f"{COMPILATION}#4"
FIFTH = f"{COMPILATION}#5"


def seed_speeches() -> dict:
    return {s.id: s for path in SEED_FILES for s in speeches_from_document(RawDocument(path.name, path.read_text("utf-8")))}


# -- the value ------------------------------------------------------------------
def test_stated_values_carry_their_spans_in_the_cleaned_text():
    speech = seed_speeches()[FIFTH]
    meta = speech.meta
    assert (meta.title, meta.speaker_role, meta.speaker, meta.date, meta.part) == (
        "在全市大招商暨项目落实工作推进会上的讲话", "市委书记", "张笑东", "2024-05-04", 5)
    said = {name: speech.text[start:end] for name, start, end in meta.spans}
    assert said == {"title": meta.title, "meeting": "全市大招商暨项目落实工作推进会", "speaker_role": "市委书记",
                    "speaker": "张笑东", "date": "2024年5月4日"}
    assert meta.span("speaker") == (speech.text.index("张笑东"), speech.text.index("张笑东") + 3)


def test_every_seed_span_is_exact_and_parts_are_numbered():
    for speech in seed_speeches().values():
        for name, start, end in speech.meta.spans:
            if name != "date":
                assert speech.text[start:end] == getattr(speech.meta, name), (speech.id, name)
        assert speech.meta.source == speech.source == speech.id.split("#")[0]
        expected_part = int(speech.id.split("#")[1]) if "#" in speech.id else None
        assert speech.meta.part == expected_part


def test_values_a_record_states_have_no_span():
    document = RawDocument("r.jsonl#1", "各位代表：\n一、工作回顾\n过去一年。\n二、今年任务\n今年。" * 3,
                           meta={"title": "政府工作报告", "speaker": "李强", "date": "2025", "region": "全国"})
    meta = speeches_from_document(document)[0].meta
    assert (meta.title, meta.speaker, meta.date, meta.region, meta.spans) == ("政府工作报告", "李强", "2025", "全国", ())


def test_speech_meta_dict_round_trip():
    meta = seed_speeches()[FIFTH].meta
    assert SpeechMeta.from_dict(json.loads(json.dumps(meta.to_dict()))) == meta


# -- the index ------------------------------------------------------------------
def test_record_codec_is_chroma_scalars_and_round_trips():
    from vectorstore.speech.records import SpeechRecord

    speech = seed_speeches()[FOURTH]
    record = SpeechRecord(id=speech.id, file=COMPILATION, path="/x", hash="h", text_hash="t", chunk_count=3,
                          meta=speech.meta, outline_json=speech.outline.to_json())
    stored = record_metadata(record)
    assert all(isinstance(value, (str, int, float, bool, list)) for value in stored.values())
    back = record_from_metadata(speech.id, stored)
    assert back == record and back.outline == speech.outline and back.meta == speech.meta
    bare = replace(record, meta=SpeechMeta(source=COMPILATION), outline_json="[]")
    assert record_from_metadata(speech.id, record_metadata(bare)) == bare and not bare.outline


def test_meta_and_outline_come_back_from_the_index_unchanged(settings, index, ingestor, seed_dir):
    ingestor.ingest([seed_dir], progress=False)
    records = factory.build_index(settings, embeddings=BigramEmbeddings()).speeches()  # read back from disk
    speeches = seed_speeches()
    assert set(records) == set(speeches)
    for speech_id, speech in speeches.items():
        assert records[speech_id].meta == speech.meta
        assert records[speech_id].outline == speech.outline
        assert records[speech_id].speaker == speech.speaker and records[speech_id].source == speech.source


def test_an_index_of_the_older_format_asks_for_a_rebuild(settings):
    from vectorstore.stores.chroma_client import ChromaEmbeddingFunction, make_client
    from vectorstore.stores.protocol import IndexIdentity

    client = make_client(settings.index_dir, None, None, False)
    embeddings = BigramEmbeddings()
    identity = IndexIdentity(embeddings.model_id, embeddings.dimension, factory.chunker_key(settings))
    client.create_collection(f"{settings.collection}_chunks", metadata={**identity.as_metadata(), "format": "policyqa-1"},
                             embedding_function=ChromaEmbeddingFunction(embeddings))  # as the format-1 code made it
    with pytest.raises(IndexMismatchError, match=r"format policyqa-1.*policyqa ingest --rebuild"):
        factory.build_index(settings, embeddings=embeddings, client=client)


# -- the faces ------------------------------------------------------------------
@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("POLICYQA_EMBEDDING_MODEL", "hashing")

    def invoke(*argv):
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def fixture_tree(name: str) -> list:
    from tests.test_outline_tree import FIXTURES

    return json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))["tree"]


def test_cli_outline_of_a_compilation_speech(run):
    assert run("ingest", str(DATA_DIR / COMPILATION))[0] == 0
    code, out, _ = run("outline", FOURTH)
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"在全市项目工作推进会上的讲话 · {FOURTH}"
    assert lines[1].startswith("一、充分肯定我市项目工作所取得的成绩  [")
    assert lines[2].startswith("  1、对项目工作已经形成共识  [") and lines[3].startswith("    一是认识比较一致  [")
    code, out, _ = run("outline", FOURTH, "--json")
    outline = json.loads(out)
    assert code == 0 and outline["speech"]["id"] == FOURTH and outline["part"] == 4
    from tests.test_outline_tree import shape
    from vectorstore.speech.model import OutlineNode

    nodes = [OutlineNode.from_dict(node) for node in outline["nodes"]]
    assert shape(nodes) == fixture_tree("004_30715ac9391e336e-4")
    code, _, err = run("outline", f"{COMPILATION}#9")
    assert code == 2 and err.startswith("error: no indexed speech has the id")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.settings import load_settings

    settings = load_settings(index_dir=tmp_path_factory.mktemp("outline") / "index", llm="extractive")
    return factory.build_assistant(settings, embeddings=BigramEmbeddings())  # indexes data/ (empty index)


@pytest.fixture(scope="module")
def client(assistant):
    from assistant.faces.web.server import create_api

    with TestClient(create_api(assistant, assistant.settings), base_url=LOCAL) as test_client:
        yield test_client


def test_assistant_outline_is_the_stored_tree(assistant):
    from vectorstore.errors import NotFoundError

    outline = assistant.outline(FOURTH)
    assert outline.speech.id == FOURTH and outline.part == 4
    assert outline.nodes[0].children[0].children[0].heading == "一是认识比较一致"
    with pytest.raises(NotFoundError, match="policyqa speeches"):
        assistant.outline("nope.txt")


def test_http_outline_route(client):
    response = client.get(f"/api/speeches/{COMPILATION}%235/outline")
    body = response.json()
    assert response.status_code == 200 and body["speech"]["id"] == FIFTH and body["speech"]["speaker"] == "张笑东"
    assert [node["heading"] for node in body["nodes"]] == [
        "一、正确看待成绩，保持清醒头脑", "二、认真谋划下步工作", "三、强化责任意识"]
    first = body["nodes"][1]["children"][0]
    assert (first["level"], first["kind"], first["ordinal"], first["heading"]) == (2, "(cn)", 1, "（一）要强化领导促招商")
    plain = client.get("/api/speeches/000_00b9841ddb1ffabe.txt/outline").json()
    assert plain["part"] is None and plain["nodes"][0]["heading"] == "一、认清形势，坚定信心"


def test_http_outline_of_an_unknown_speech_is_404(client):
    response = client.get("/api/speeches/nope.txt%231/outline")
    assert response.status_code == 404 and "nope.txt#1" in response.json()["error"]["message"]
    assert client.get("/api/speeches").status_code == 200  # the list route is untouched


def test_ui_outline_is_collapsible_and_escaped():
    from assistant.types import OutlineNodeInfo, SpeechInfo, SpeechOutline
    from assistant.faces.web.ui import outline_html

    child = OutlineNodeInfo(level=2, kind="一是", ordinal=1, heading="一是<b>加强</b>", heading_start=9,
                            heading_end=19, start=9, end=30, inline=True)
    top = OutlineNodeInfo(level=1, kind="cn、", ordinal=1, heading="一、<script>alert(1)</script>", heading_start=0,
                          heading_end=8, start=0, end=30, children=(child,))
    info = SpeechInfo(id="x.txt", source="x.txt", title="在<i>会</i>上的讲话", chunk_count=1)
    html = outline_html(SpeechOutline(speech=info, nodes=(top,)))
    assert "<details open" in html and "<summary>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html and "<i>" not in html
    empty = outline_html(SpeechOutline(speech=info))
    assert "没有识别出分级标题" in empty


def test_ui_outline_handlers(assistant):
    from assistant.faces.web.ui import Handlers

    handlers = Handlers(assistant)  # no keys: open access, no request needed
    assert handlers.outline(None, None) == ""
    shown = handlers.outline(FOURTH, None)
    assert "一、充分肯定我市项目工作所取得的成绩" in shown and "<details" in shown
    picker = handlers.refreshed(None)[-1]
    assert FOURTH in [value for _, value in picker.choices] and picker.value is None

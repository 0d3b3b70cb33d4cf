"""The outline tree: exact offsets on every seed and on scale records, hand-checked trees, the rules."""

from __future__ import annotations

import json
from functools import lru_cache

import pytest

from tests.conftest import REPO, SCALE_CORPUS, SEED_FILES, SHARED
from vectorstore.speech.outline import heading_kind, heading_ordinal, inline_runs, numeral_value
from vectorstore.speech.outline_tree import WEAK_KINDS, build_outline
from vectorstore.speech.model import Outline, OutlineNode
from vectorstore.speech.speeches import speeches_from_document
from vectorstore.speech.types import RawDocument

FIXTURES = REPO / "tests" / "data" / "outlines"
SCALE_SAMPLE = ("spr-gwr-0000", "spr-gwr-0031", "spr-gwr-0050", "spr-gwr-0070", "spr-cpc_congress_report-0082",
                "reg-0007", "reg-0093", "reg-0146", "reg-0253")
needs_scale = pytest.mark.skipif(not SCALE_CORPUS.exists(), reason=f"the scale corpus is not at {SCALE_CORPUS}")


@lru_cache(maxsize=1)
def seed_speeches() -> dict:
    return {s.id: s for path in SEED_FILES for s in speeches_from_document(RawDocument(path.name, path.read_text("utf-8")))}


@lru_cache(maxsize=1)
def scale_speeches() -> dict:
    from vectorstore.readers import load_file

    wanted = {f"{SCALE_CORPUS.name}#{record_id}" for record_id in SCALE_SAMPLE}
    documents = [d for d in load_file(SCALE_CORPUS, max_chars=10**8) if d.source in wanted]
    return {s.id: s for document in documents for s in speeches_from_document(document)}


def check_offsets(outline: Outline, text: str) -> int:
    """Every node's heading and section are exact, trimmed spans; children inside, siblings in order."""
    check_siblings(outline.nodes, text, None)
    return sum(1 for _ in outline.walk())


def check_siblings(nodes: tuple[OutlineNode, ...], text: str, parent: OutlineNode | None) -> None:
    for node in nodes:
        assert text[node.heading_start:node.heading_end] == node.heading and node.heading.strip() == node.heading
        assert node.start == node.heading_start < node.heading_end <= node.end
        assert text[node.start:node.end].strip() == text[node.start:node.end]
        assert node.level == (parent.level + 1 if parent else 1)
        if parent:
            assert parent.heading_end <= node.start and node.end <= parent.end
        check_siblings(node.children, text, node)
    for before, after in zip(nodes, nodes[1:]):
        assert before.end <= after.start
        if not before.inline and not after.inline:  # a section runs up to the next heading
            assert not text[before.end:after.start].strip()


def test_every_seed_outline_is_exact():
    counted = {speech_id: check_offsets(s.outline, s.text) for speech_id, s in seed_speeches().items()}
    assert all(counted.values()), counted  # every seed speech has headings
    assert sum(counted.values()) > 120


@needs_scale
def test_scale_sample_outlines_are_exact():
    speeches = scale_speeches()
    assert len(speeches) == len(SCALE_SAMPLE)
    for speech in speeches.values():
        assert check_offsets(speech.outline, speech.text) > 3, speech.id


def test_top_sections_run_to_the_next_top_heading_and_the_last_to_the_end():
    for speech in seed_speeches().values():
        nodes = speech.outline.nodes
        assert not speech.text[nodes[-1].end:].strip(), speech.id


def test_every_strong_heading_line_is_a_node():
    """The outline parser's line headings all appear; only weak markers (一是, 首先) may be dropped."""
    for speech in seed_speeches().values():
        starts = {node.heading_start for _, node in speech.outline.walk()}
        offset = 0
        for line in speech.text.split("\n"):
            kind = heading_kind(line)
            if kind and kind not in WEAK_KINDS:
                assert offset in starts, (speech.id, line[:30])
            offset += len(line) + 1


# -- hand-checked trees -----------------------------------------------------------
def shape(nodes) -> list[dict]:
    """(level, ordinal, heading[, inline]) trees, as the fixtures write them."""
    rows = []
    for node in nodes:
        row = {"level": node.level, "ordinal": node.ordinal, "heading": node.heading}
        if node.inline:
            row["inline"] = True
        if node.children:
            row["children"] = shape(node.children)
        rows.append(row)
    return rows


@pytest.mark.parametrize("name", ["000_00b9841ddb1ffabe", "002_e734b3b3e0d19074", "004_30715ac9391e336e-4"])
def test_seed_trees_match_the_hand_checked_fixtures(name):
    fixture = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    assert shape(seed_speeches()[fixture["speech_id"]].outline.nodes) == fixture["tree"]


@needs_scale
@pytest.mark.parametrize("name", ["spr-gwr-0000", "reg-0146"])
def test_scale_trees_match_the_hand_checked_fixtures(name):
    fixture = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    assert (SHARED / fixture["corpus"]) == SCALE_CORPUS
    assert shape(scale_speeches()[fixture["speech_id"]].outline.nodes) == fixture["tree"]


@needs_scale
def test_government_work_reports_have_their_sections_at_the_top():
    for record_id in ("spr-gwr-0000", "spr-gwr-0050", "spr-gwr-0070"):
        outline = scale_speeches()[f"{SCALE_CORPUS.name}#{record_id}"].outline
        assert [node.kind for node in outline.nodes] == ["cn、"] * len(outline.nodes), record_id
        assert [node.ordinal for node in outline.nodes] == list(range(1, len(outline.nodes) + 1)), record_id


@needs_scale
def test_regulation_articles_nest_under_chapters_and_keep_their_numbers():
    outline = scale_speeches()[f"{SCALE_CORPUS.name}#reg-0093"].outline
    assert [node.kind for node in outline.nodes] == ["第章"] * 7
    articles = [node for node in outline.walk() if node[1].kind == "第条"]
    assert [node.ordinal for _, node in articles] == list(range(1, 40))
    assert {path[:-1] for path, _ in articles} == {(index,) for index in range(7)}


# -- the rules, on small texts ---------------------------------------------------
def headings(text: str) -> list[tuple[int, str]]:
    return [(node.level, node.heading) for _, node in build_outline(text).walk()]


def test_no_headings_no_outline():
    assert not build_outline("同志们：今天开会。一是要统一思想；二是要狠抓落实。")  # opening remarks only
    assert build_outline("").nodes == ()


def test_levels_are_relative_and_siblings_replace_each_other():
    text = "开场。\n一要加强领导。内容。\n1、细项。\n2、细项。\n二要完善机制。内容。"
    assert headings(text) == [(1, "一要加强领导"), (2, "1、细项"), (2, "2、细项"), (1, "二要完善机制")]


def test_a_list_restarting_under_another_kind_nests_there():
    """As in the 1955 report: 「一、」 items inside 「（一）」 of section 「三、」; 「（二）」 and 「四、」 close them."""
    text = ("三、若干问题\n（一）关于建设\n一、提高设计\n二、加强指导\n一、另列一项\n"
            "（二）关于生产\n四、为完成计划而奋斗\n第一章总则\n第一条目的\n第二章附则\n第一章又一章")
    assert headings(text) == [(1, "三、若干问题"), (2, "（一）关于建设"), (3, "一、提高设计"), (3, "二、加强指导"),
                              (3, "一、另列一项"), (2, "（二）关于生产"), (1, "四、为完成计划而奋斗"),
                              (2, "第一章总则"), (3, "第一条目的"), (2, "第二章附则"), (2, "第一章又一章")]


def test_a_lone_weak_marker_is_body_text():
    text = "一、总体要求\n一是要提高认识，这句话只是正文。\n下面继续。\n二、保障措施\n最后，祝大家身体健康！"
    assert headings(text) == [(1, "一、总体要求"), (1, "二、保障措施")]


def test_weak_markers_in_company_are_headings():
    text = "一、总体要求\n首先，统一思想。\n其次，明确目标。\n最后，狠抓落实。"
    outline = build_outline(text)
    assert [(n.level, n.ordinal, n.heading) for _, n in outline.walk()] == [
        (1, 1, "一、总体要求"), (2, 1, "首先，统一思想"), (2, 2, "其次，明确目标"), (2, 3, "最后，狠抓落实")]


def test_numbers_after_a_marker_are_not_headings_but_a_year_is():
    assert heading_kind("1、2月份，全县完成投资5亿元。") is None
    assert heading_kind("一、二月份，全县完成投资5亿元。") is None
    assert heading_kind("一、二、三产业融合发展。") is None
    assert heading_kind("一、2024年工作回顾") == "cn、"
    assert heading_kind("一、１９９６年国内工作的回顾") == "cn、"


def test_inline_enumerations_are_children_with_exact_items():
    text = "一、认清形势\n原因有三。一是认识不够；二是能力不足；三是作风不实。这些要改。\n二、抓好落实\n内容。"
    outline = build_outline(text)
    items = outline.nodes[0].children
    assert [(n.ordinal, n.heading, n.inline) for n in items] == [
        (1, "一是认识不够", True), (2, "二是能力不足", True), (3, "三是作风不实", True)]
    assert [text[n.start:n.end] for n in items] == ["一是认识不够；", "二是能力不足；", "三是作风不实。这些要改。"]
    assert outline.node_at((0, 2)) is items[2]
    assert [n.heading for n in outline.path_at(items[1].start + 2)] == ["一、认清形势", "二是能力不足"]


def test_an_enumeration_needs_two_consecutive_ordinals():
    assert inline_runs("一是认识不够；三是作风不实。") == []
    assert inline_runs("一是一，二是二。") == []
    assert [m.ordinal for m in inline_runs("第一，要统一思想；第二，要明确目标。")[0]] == [1, 2]
    assert [m.ordinal for m in inline_runs("首先要认清形势，其次要找准方向，最后要抓落实。")[0]] == [1, 2, 3]


@pytest.mark.parametrize("line,kind,ordinal", [
    ("一、认清形势", "cn、", 1), ("（十二）细项", "(cn)", 12), ("3、抓资金落实", "n、", 3), ("１２．吸收新党员", "n、", 12),
    ("二要完善机制", "一是", 2), ("第十二条本条例", "第条", 12), ("第一百零一条　施行", "第条", 101), ("第三章附则", "第章", 3),
    ("首先，统一思想", "首先", None),
])
def test_ordinals_come_from_the_marker(line, kind, ordinal):
    assert heading_kind(line) == kind and heading_ordinal(line, kind) == ordinal


def test_numerals():
    assert [numeral_value(n) for n in ("十", "十二", "二十", "一百零一", "两", "12", "１２")] == [10, 12, 20, 101, 2, 12, 12]


def test_outline_json_round_trips():
    outline = seed_speeches()["000_00b9841ddb1ffabe.txt"].outline
    assert Outline.from_json(outline.to_json()) == outline
    assert Outline.from_json(None) == Outline() and Outline().to_json() == "[]"

"""A follow-up is an edit of the last question, one kind per test; the earlier answers come back as
plain text, as a chat client sends them (conversations and documents written for these tests)."""

from __future__ import annotations

import pytest

from assistant.conversation.recall import AnswerRecall
from tests.fakes import assistant_with
from tests.test_conversation import replay

MOBILISATION = """在全县招商引资推进大会上的讲话
县委书记 李明远
同志们：
一、统一思想。招商引资是发展的生命线。我们要大力发扬“三实精神”和“四敢精神”。“三实精神”就是说实话、办实事、求实效。“四敢精神”就是敢闯、敢试、敢担当、敢碰硬。
二、完善机制。对意向项目要建立跟踪洽谈制度，专人负责，紧盯不放。对签约项目要建立督办落地制度，倒排工期。对在建项目要建立联席会议制度，每月调度一次。
三、坚持原则。招商要坚持两条原则。
第一条，要研究市场的需求，有市场才有投资。
第二条，要凭园区平台招商，平台就是我们的园区。
"""


def report(year: int, deficit: str) -> str:
    return (f"{year}年北川市政府工作报告\n各位代表：\n一、今年的主要安排。全市财政赤字{deficit}，重点保障民生支出。"
            "新建保障性住房五千套。\n二、优化营商环境。审批机关应当在十个工作日内作出决定；情况复杂的，经批准可以延长五个工作日。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    texts = {"推进大会讲话.txt": MOBILISATION, "北川2019.txt": report(2019, "八亿元"), "北川2020.txt": report(2020, "十二亿元")}
    return assistant_with(tmp_path_factory.mktemp("edits"), texts)


def test_an_answer_is_read_back_into_its_items_titles_and_quoted_terms():
    text = ("一、统一思想[1]\n下面分为2点：\n1. （一）要说实话。[2]\n2. （二）要办实事。[3]\n"
            "（出自《在全县招商引资推进大会上的讲话》（县委书记））")
    recall = AnswerRecall.read(text)
    assert recall.items == ("（一）要说实话。", "（二）要办实事。") and recall.outline
    assert recall.titles == ("在全县招商引资推进大会上的讲话",)
    spirits = AnswerRecall.read("我们要大力发扬“三实精神”和“四敢精神”。[1]")
    assert spirits.item(2, "精神") == "四敢精神" and spirits.item(3, "精神") is None
    assert AnswerRecall.read("资料中没有找到相关内容。").refused


def test_another_part_put_in_place_of_its_like_keeps_the_rest(assistant):
    answer = replay(assistant, "推进大会上，对意向项目要建立什么制度？", "那签约项目呢？", "在建项目呢？")
    assert answer.query == "推进大会上，对在建项目要建立什么制度？" and answer.follow_up == "substitution"
    assert "联席会议制度" in answer.text and "督办落地" not in answer.text


def test_another_ordinal_of_the_same_list(assistant):
    answer = replay(assistant, "推进大会讲话里，招商的第一条原则是什么？", "第二条呢？")
    assert answer.query == "推进大会讲话里，招商的第二条原则是什么？" and answer.follow_up == "other_ordinal"
    assert "凭园区平台招商" in answer.text


def test_an_ordinal_points_to_a_thing_the_last_answer_named(assistant):
    answer = replay(assistant, "推进大会上要发扬哪两种精神？", "第二种精神具体指什么？")
    assert answer.follow_up == "item_of_answer" and "四敢精神" in answer.query
    assert answer.grounded and "敢碰硬" in answer.text


def test_a_correction_replaces_the_year(assistant):
    answer = replay(assistant, "2019年北川市的财政赤字是多少？", "我是说2020年的")
    assert answer.query == "2020年北川市的财政赤字是多少？" and answer.follow_up == "correction"
    assert "十二亿元" in answer.text and "八亿元" not in answer.text


def test_compared_with_the_year_before_asks_both_years(assistant):
    answer = replay(assistant, "2020年北川市的财政赤字是多少？", "和去年比呢？")
    assert "2019年和2020年" in answer.query and answer.follow_up == "year_before"
    assert "八亿元" in answer.text and "十二亿元" in answer.text


def test_a_new_slot_about_the_same_thing_is_asked_in_its_document(assistant):
    answer = replay(assistant, "2020年北川市政府工作报告里，审批机关应当在多少个工作日内作出决定？", "那最多能延长多久？")
    assert answer.follow_up == "new_slot" and answer.query.endswith("最多能延长多久？")
    assert "延长五个工作日" in answer.text


def test_a_pointer_to_the_year_is_replaced_by_it(assistant):
    answer = replay(assistant, "2019年北川市的财政赤字是多少？", "那一年新建多少套保障性住房？")
    assert answer.query.startswith("2019年") and answer.follow_up == "reference"
    assert all(c.speech_id == "北川2019.txt" for c in answer.citations)


def test_a_question_that_shares_nothing_carries_nothing_over(assistant):
    answer = replay(assistant, "2019年北川市的财政赤字是多少？", "推进大会上要发扬哪两种精神？")
    assert answer.follow_up is None and answer.query == "推进大会上要发扬哪两种精神？"

"""Yes or no (「…有没有提到X？」): 有 with the sentences that say it, or a grounded 没有 once the whole
speech named was read — with the words of X it does hold, when it holds some. Questions written for
these tests."""

from __future__ import annotations

import pytest

from assistant.understanding.intent import Intent, intent_of, mention_topic
from tests.fakes import assistant_with

HARBOUR = """在临江市港口物流推进会上的讲话
同志们：
今天召开港口物流推进会，主要是部署冷链物流和集装箱码头建设。
一、冷链物流要提速。全市要新建三座冷库，冷链物流企业用电享受优惠。
二、集装箱码头要扩能。码头二期工程年底前完工，新增泊位四个。
三、营商服务要跟上。各部门要为物流企业提供上门服务。
"""
ORCHARD = """在石门县果业发展大会上的讲话
同志们：
今年全县柑橘种植面积达到十万亩，要打响石门柑橘品牌。
要发展电商销售，让果农的柑橘卖得出、卖得好。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return assistant_with(tmp_path_factory.mktemp("mention"), {"临江讲话.txt": HARBOUR, "石门讲话.txt": ORCHARD})


@pytest.mark.parametrize("question, topic", [
    ("临江的讲话有没有提到冷链物流？", "冷链物流"), ("港口物流推进会上是否提及“集装箱码头”？", "集装箱码头"),
    ("那篇讲话里提到无人机了吗？", "无人机"), ("讲话提没提电商销售", "电商销售"),
    ("讲话中是否涉及安全生产的内容？", "安全生产"),
])
def test_a_yes_or_no_question_and_what_it_asks_about(question, topic):
    assert intent_of(question) is Intent.MENTION and mention_topic(question) == topic


@pytest.mark.parametrize("question, intent", [("哪几篇讲话提到了冷链物流？", Intent.CROSS),
                                              ("讲话有没有提到新建几座冷库？", Intent.NUMBER),
                                              ("讲话有没有提到哪些措施？", Intent.LIST)])
def test_other_forms_stay_what_they_are(question, intent):
    assert intent_of(question) is intent


def test_yes_quotes_the_sentences_that_say_it(assistant):
    answer = assistant.ask("港口物流推进会的讲话有没有提到冷链物流？")
    assert answer.grounded and answer.text.startswith("有。") and answer.intent == "mention"
    assert answer.citations and all("冷链物流" in c.quote for c in answer.citations)


def test_no_after_the_whole_speech_was_read_cites_which_speech(assistant):
    answer = assistant.ask("石门县果业发展大会的讲话有没有提到无人机？")
    assert answer.grounded and answer.text.startswith("没有。") and "“无人机”" in answer.text
    assert [c.quote for c in answer.citations] == ["在石门县果业发展大会上的讲话"]


def test_no_says_which_of_its_words_the_speech_does_hold(assistant):
    answer = assistant.ask("港口物流推进会的讲话是否提到了冷链仓储？")
    assert answer.grounded and answer.text.startswith("没有。") and "“冷链”" in answer.text
    assert "冷链" in answer.citations[0].quote


def test_another_speech_saying_it_does_not_make_it_a_yes(assistant):
    answer = assistant.ask("石门县果业发展大会的讲话有没有提到集装箱码头？")
    assert answer.text.startswith("没有。") and not any("码头" in c.quote for c in answer.citations)

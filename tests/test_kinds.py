"""Answer kinds: the router alone reads the intent; kinds are tried in its order, the first Draft answers
and the Answer names its kind; a refusal says why (speeches and questions written for these tests)."""

from __future__ import annotations

import pytest

from assistant.answering import kinds
from assistant.answering.kinds import KINDS, Kind, route
from assistant.understanding import SpeechCatalogue, analyse
from tests.fakes import assistant_with

SPEECH = """在东坪县茶叶产业推进会上的讲话
同志们：
一、做强茶园基地。全县要新建生态茶园两万亩，推广有机种植。
二、做响茶叶品牌。要打造“东坪云雾”区域公用品牌，统一包装和标准。
三、做活茶叶市场。要建设茶叶交易中心，发展电商直播销售。
"""


def kinds_for(question: str) -> list[str]:
    analysis = analyse(question, SpeechCatalogue([]), places_in=lambda text: ())
    return [kind.name for kind in route(analysis)]


@pytest.mark.parametrize("question, names", [
    ("收录了哪些省的茶叶条例？", ["collection", "picked"]), ("哪几篇讲话提到了茶园？", ["cross", "picked"]),
    ("讲话分为哪几个部分？", ["structure", "picked"]), ("讲话有没有提到茶园？", ["mention", "picked"]),
    ("2019到2021年的茶叶产量分别是多少？", ["per_year"]), ("茶园要新建多少亩？", ["picked"]),
])
def test_the_router_names_the_kinds_a_question_tries(question, names):
    assert kinds_for(question) == names


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return assistant_with(tmp_path_factory.mktemp("kinds"), {"东坪讲话.txt": SPEECH})


def test_the_answer_names_the_kind_that_answered(assistant):
    assert assistant.ask("茶叶产业推进会的讲话分了哪几个部分？").kind == "structure"
    assert assistant.ask("茶叶产业推进会的讲话有没有提到电商直播？").kind == "mention"
    assert assistant.ask("全县要新建多少亩生态茶园？").kind == "picked"


def test_a_refusal_says_why_and_names_no_kind(assistant):
    answer = assistant.ask("东坪县的高铁站什么时候通车？")
    assert not answer.grounded and answer.kind is None and answer.reason


def test_a_kind_that_cannot_answer_hands_on_to_the_next(assistant, monkeypatch):
    tried = []

    def declines(pipeline, ask):
        tried.append(ask.analysis.text)
        return None
        yield  # a generator, like every kind

    monkeypatch.setitem(KINDS, "declines", Kind("declines", declines))
    monkeypatch.setitem(kinds.ROUTES, analyse("茶园要新建多少亩？", SpeechCatalogue([]), places_in=lambda t: ()).intent,
                        ("declines",))
    answer = assistant.ask("全县要新建多少亩生态茶园？")
    assert tried and answer.kind == "picked" and "两万亩" in answer.text

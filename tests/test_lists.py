"""A list said in one sentence of ；-clauses is given whole (questions and speech written for these tests)."""

from __future__ import annotations

import pytest

from tests.fakes import assistant_with

SPEECH = """在北岭县营商环境座谈会上的讲话
同志们：
回顾过去一年，我县营商环境有了改善。但也要看到，北岭县营商环境还存在审批环节偏多，办事时限偏长；涉企检查过频，企业负担较重；政策兑现偏慢，承诺落实不够等短板。这些短板要在今年逐一补齐。
下一步，要以企业满意为标准，建立问题清单和整改台账。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return assistant_with(tmp_path_factory.mktemp("lists"), {"北岭讲话.txt": SPEECH})


def test_every_clause_of_a_list_sentence_is_given(assistant):
    answer = assistant.ask("北岭县营商环境还存在哪些短板？")
    for item in ("审批环节偏多", "涉企检查过频", "政策兑现偏慢"):
        assert item in answer.text, answer.text
    assert all(c.quote in SPEECH for c in answer.citations)


def test_a_question_not_asking_for_a_list_gets_the_clause_alone(assistant):
    answer = assistant.ask("北岭县的审批环节怎么样？")
    assert "审批环节偏多" in answer.text and "政策兑现偏慢" not in answer.text

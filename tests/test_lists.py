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


RULES = """南湖市专项资金管理办法
第一条 为了规范专项资金管理，提高资金使用效益，制定本办法。
第二条 本办法适用于市级财政安排的专项资金。
第三条 专项资金应当用于企业技术改造、人才培养、市场开拓、品牌建设等方面。
第四条 申请专项资金的企业应当符合下列条件：
（一）在本市依法登记注册；
（二）近三年无严重失信记录；
（三）财务管理制度健全。
第五条 专项资金实行绩效评价制度，评价结果作为下一年度安排资金的依据。
第六条 市财政部门应当从下列方面对专项资金的使用进行检查：
（一）资金是否专款专用；
（二）项目是否按期实施。
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return assistant_with(tmp_path_factory.mktemp("rules"), {"南湖办法.txt": RULES})


def test_an_article_listing_in_one_sentence_is_the_answer_alone(rules):
    answer = rules.ask("南湖市专项资金管理办法规定，专项资金应当用于哪些方面？")
    assert "技术改造、人才培养、市场开拓、品牌建设" in answer.text
    assert "第四条" not in answer.text and "第五条" not in answer.text  # the next articles say other things
    assert "专款专用" not in answer.text  # nor is a list whose heading only shares the question's words


def test_an_article_opening_items_is_still_given_with_its_items(rules):
    answer = rules.ask("南湖市专项资金管理办法规定，申请专项资金的企业应当符合哪些条件？")
    for item in ("依法登记注册", "无严重失信记录", "财务管理制度健全"):
        assert item in answer.text


ITEMS = """在西峰市重点项目调度会上的讲话
同志们：
下一步，要突出“三个抓”：
1、抓开工。对条件成熟的项目，倒排工期，力争五月底前全部开工。对一时开不了工的，逐个分析原因。
2、抓用地保障。各县区要盘活闲置土地，优先保障重点项目用地。对急需用地的项目，可以采取“边报边建”的办法。
3、抓资金落实。要积极争取专项债券，引导银行加大信贷投放。
"""


@pytest.fixture(scope="module")
def items_assistant(tmp_path_factory):
    return assistant_with(tmp_path_factory.mktemp("items"), {"西峰讲话.txt": ITEMS})


def test_an_item_asked_how_is_answered_by_its_body_not_by_the_items_after_it(items_assistant):
    answer = items_assistant.ask("西峰市重点项目调度会上，抓用地保障具体要怎么做？")
    assert "边报边建" in answer.text and "盘活闲置土地" in answer.text, answer.text
    assert "抓资金落实" not in answer.text


def test_a_list_question_still_gets_the_items(items_assistant):
    answer = items_assistant.ask("西峰市重点项目调度会上要突出哪“三个抓”？")
    for item in ("抓开工", "抓用地保障", "抓资金落实"):
        assert item in answer.text, answer.text

"""What the form of a question asks for: a time, a penalty, both halves of 「A和B分别…」, a figure
for 「几点」. Over a regulation written for these tests."""

from __future__ import annotations

import pytest

from tests.fakes import assistant_with

RULES = """青山市农贸市场管理条例
第一条 为了加强农贸市场管理，制定本条例。
第五条 市场开办者应当对在本市举办的重大促销活动进行备案和服务。
第六条 市场开办者举办重大促销活动的，应当于活动举办十五日前报市场监督管理部门备案。
第九条 禁止随意倾倒餐厨垃圾。
第十条 市场开办者应当公示摊位使用费和环境卫生保洁费的收费标准。
第二十条 违反本条例第九条规定随意倾倒餐厨垃圾的，由城市管理部门责令改正，处五百元以上二千元以下罚款。
第二十一条 本市蔬菜价格涨幅控制在3%以内，蔬菜供应量保持在每日500吨左右。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    built = assistant_with(tmp_path_factory.mktemp("forms"), {"农贸市场条例.txt": RULES})
    return built


def test_a_question_about_a_time_gets_the_sentence_stating_one(assistant):
    answer = assistant.ask("青山市农贸市场管理条例对重大促销活动的备案时间有什么要求？")
    assert answer.grounded and "十五日前" in answer.text.split("\n")[0]


def test_a_question_about_what_happens_gets_the_penalty(assistant):
    answer = assistant.ask("按青山市农贸市场管理条例，随意倾倒餐厨垃圾会被怎么处理？")
    assert answer.grounded and "五百元以上二千元以下" in answer.text


def test_both_halves_of_a_compound_question(assistant):
    answer = assistant.ask("青山市农贸市场管理条例里，蔬菜价格涨幅和蔬菜供应量分别控制在什么水平？")
    assert answer.grounded and "3%以内" in answer.text and "500吨左右" in answer.text


def test_an_hour_asked_for_and_not_stated_is_refused(assistant):
    answer = assistant.ask("青山市农贸市场管理条例规定市场每天几点开门营业？")
    assert not answer.grounded

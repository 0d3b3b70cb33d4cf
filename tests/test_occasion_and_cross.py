"""Questions about the meeting answered from a speech's opening; which city and province; questions
across speeches answered per speech, on their topic. Speeches written for these tests."""

from __future__ import annotations

import pytest

from assistant.answering.structured import joined
from assistant.answering.composers import Draft
from assistant.understanding.intent import cross_topic
from tests.fakes import assistant_with

ROADS = """在全市农村公路建设推进会上的讲话
同志们：
今天，市委、市政府召开全市农村公路建设推进会，这既是一次总结会，也是一次加压会。会前，大家实地察看了伊川县的通村公路。刚才，交通局通报了上半年的进展情况，三个县作了表态发言。下面，我讲两点意见，稍后李市长还要作具体部署。
一、认清形势
洛阳农村公路总里程已经超过两万公里，但养护短板仍然突出。对养护工作不力的县，要进行约谈；对弄虚作假的，要实行责任倒查；
二、压实责任
各县要成立专职养护队伍，建立路长制。
"""
BRIDGES = """在全县危桥改造工作会议上的讲话
同志们：
今天召开全县危桥改造工作会议，主要任务是部署今年的危桥改造。下面，我讲三点意见。
一、摸清底数
要对全县桥梁逐座排查，建立台账。
二、加快改造
对改造工作不力的乡镇，要进行通报约谈。
三、加强养护
要组建专业养护队伍，做到有路必养。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    built = assistant_with(tmp_path_factory.mktemp("occasion"), {"公路讲话.txt": ROADS, "危桥讲话.txt": BRIDGES})
    return built


def test_what_came_before_and_after_comes_from_the_opening(assistant):
    answer = assistant.ask("农村公路建设推进会上，讲话人讲意见之前会上有哪些议程？他讲完后还安排了谁作部署？")
    assert answer.grounded and answer.scope == ("公路讲话.txt",)
    assert "交通局通报" in answer.text and "李市长" in answer.text
    assert all(c.speech_id == "公路讲话.txt" for c in answer.citations)


def test_a_question_pointing_at_the_opening(assistant):
    answer = assistant.ask("农村公路建设推进会开场时说，这次会同时是哪两种会？")
    assert answer.grounded and "总结会" in answer.text and "加压会" in answer.text


def test_which_city_and_province_from_the_places_the_speech_names(assistant):
    answer = assistant.ask("农村公路建设推进会那篇讲话说的是哪座城市？在哪个省？")
    assert answer.grounded
    assert "讲话所说的城市是洛阳" in answer.text and "所在的省是河南" in answer.text


def test_the_topic_of_a_question_across_speeches():
    assert cross_topic("哪几篇讲话提到要成立养护队伍？各自是怎么说的？") == "要成立养护队伍"
    assert cross_topic("把安全摆在首位的有哪几篇讲话？分别是怎么表述的？") == "把安全摆在首位"


def test_across_speeches_one_line_each_naming_it(assistant):
    answer = assistant.ask("对工作不力的单位，哪几篇讲话提到要约谈？各自怎么规定的？")
    assert answer.grounded and answer.intent == "cross"
    lines = answer.text.split("\n")
    assert len(lines) == 2
    assert any("农村公路建设推进会" in line and "责任倒查" in line for line in lines)  # the clause quoted whole
    assert any("危桥改造" in line and "通报约谈" in line for line in lines)


def test_joined_parts_do_not_repeat_a_quoted_sentence(assistant):
    first = assistant.ask("农村公路建设推进会上，刚才谁通报了进展情况？")
    again = Draft(first.text, tuple(first.citations))
    both = joined(again, again)
    assert both.text == again.text and len(both.citations) == len(again.citations)



RIVERS = """在全县河道治理工作会议上的讲话
同志们：
一、压实责任
要全面推行“河长制”，每条河都有人管。
对河道保洁工作不力的乡镇，要进行约谈，河道保洁工作要常抓不懈，河道保洁工作要纳入考核。
"""
WATER = """在全县水利建设工作会议上的讲话
同志们：
一、加强管护
河道保洁工作要纳入乡镇考核，河道保洁工作不力的要通报，河道保洁工作经费要保障。
"""


def test_across_speeches_a_quoted_term_picks_the_speeches_and_sentences_that_say_it(tmp_path):
    built = assistant_with(tmp_path, {"河道讲话.txt": RIVERS, "水利讲话.txt": WATER})
    answer = built.ask("哪几篇讲话把河道保洁工作和“河长制”联系起来？各自怎么说的？")
    assert answer.grounded and "河长制" in answer.text
    assert {c.speech_id for c in answer.citations} == {"河道讲话.txt"}  # the other speech never says it
    assert all("河长制" in c.quote for c in answer.citations)


VISIT = """在全市文旅招商推进会上的讲话
同志们：
上个月，我们去郑州、开封学习了文旅招商的经验。
对我市来讲，文旅招商事关着洛阳的长远发展。
近些年来，省委、省政府对文旅产业越来越重视，明确提出河南要建设文旅强省。
"""


def test_the_city_and_province_are_cited_where_the_speech_says_they_are_its_own(tmp_path):
    built = assistant_with(tmp_path, {"文旅讲话.txt": VISIT})
    answer = built.ask("文旅招商推进会那篇讲话说的是哪座城市？讲话里说的“省委、省政府”是哪个省？")
    assert answer.grounded and "洛阳" in answer.text and "河南" in answer.text
    quotes = [c.quote for c in answer.citations]
    assert any("对我市来讲" in q for q in quotes) and any("省委、省政府" in q for q in quotes)
    assert not any("郑州" in q for q in quotes)  # a city it only visited is not its place

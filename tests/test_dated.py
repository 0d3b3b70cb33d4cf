"""Documents of different dates that answer alike: the answer comes from the document of the asked
time (as of a year, else the latest), says its date, and names the other with its date
(pages written for these tests)."""

from __future__ import annotations

import pytest

from assistant.understanding.lexicon.time import as_of_year, asks_latest
from tests.fakes import assistant_with


def page(date: str, principal: str, students: str) -> str:
    return (f"青山中学简介\n发布日期：{date}\n青山中学创办于1956年，是一所省级示范高中。"
            f"青山中学现任校长为{principal}。青山中学共有学生{students}。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    texts = {"简介2014.txt": page("2014年5月1日", "王德明", "2100人"),
             "简介2023.txt": page("2023年9月1日", "陈思远", "3400人"),
             "规定.txt": "南江县会议费管理规定\n第一条 本规定自2020年1月1日起施行。\n第二条 县直单位会议一律在定点饭店召开。\n"}
    return assistant_with(tmp_path_factory.mktemp("dated"), texts)


@pytest.mark.parametrize("question, year, latest", [
    ("截至2020年，青山中学的校长是谁？", 2020, False), ("到2018年底为止，学校有多少学生？", 2018, False),
    ("2016年时青山中学的校长是谁？", 2016, False), ("现行的会议费规定是什么？", None, True),
    ("到2035年要实现什么目标？", None, False), ("2019年政府工作报告的赤字率是多少？", None, False),
])
def test_the_time_a_question_asks_about(question, year, latest):
    assert as_of_year(question) == year and asks_latest(question) is latest


def test_the_latest_document_answers_and_the_older_one_is_named_with_its_date(assistant):
    answer = assistant.ask("青山中学的校长是谁？")
    first, *rest = answer.text.split("\n")
    assert "陈思远" in first and "王德明" not in first
    assert any("王德明" in line and "2014" in line and "说法不同" in line for line in rest)
    assert "2023-09-01" in answer.text  # the answer's own date is said


def test_as_of_a_year_the_document_of_that_time_answers(assistant):
    answer = assistant.ask("截至2020年，青山中学的校长是谁？")
    first, *rest = answer.text.split("\n")
    assert answer.grounded and "王德明" in first and "陈思远" not in first
    assert all("2023" in line and "较晚" in line for line in rest if "陈思远" in line)


def test_figures_that_disagree_are_both_given_with_their_dates(assistant):
    answer = assistant.ask("青山中学有多少学生？")
    first = answer.text.split("\n")[0]
    assert "3400人" in first and "2100人" in answer.text and "说法不同" in answer.text

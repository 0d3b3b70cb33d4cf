"""One figure asked for several years is asked of each year's document and checked on its own: another
year's figure never fills a year, and a year no document answers says so (documents and questions
written for these tests)."""

from __future__ import annotations

import pytest

from assistant.understanding.question import per_year
from tests.fakes import assistant_with


def report(year: int, target: str) -> str:
    return (f"{year}年东川市政府工作报告\n各位代表：\n一、过去一年的工作。全市经济运行总体平稳，民生持续改善。\n"
            f"二、{year}年的主要预期目标。全市地区生产总值增长{target}，城镇新增就业三万人。\n三、加强政府自身建设。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    texts = {f"东川{year}.txt": report(year, target) for year, target in ((2019, "7%左右"), (2020, "6.5%左右"))}
    texts["东川2022.txt"] = "2022年东川市政府工作报告\n各位代表：\n一、今年要稳住经济大盘，全力保就业保民生。\n"
    return assistant_with(tmp_path_factory.mktemp("years"), texts)


@pytest.mark.parametrize("question, years", [
    ("2019到2021年东川市的地区生产总值增长目标分别是多少？", [2019, 2020, 2021]),
    ("2019年和2022年的增长目标各是多少", [2019, 2022]),
    ("东川市2019年的增长目标是多少？", []),  # one year: an ordinary question
    ("2019到2021年东川市的地区生产总值增长目标是多少？", []),  # no 「分别」: not one figure a year
])
def test_the_years_a_question_asks_one_figure_of_each(question, years):
    assert [year for year, _ in per_year(question)] == years


def test_each_year_is_answered_from_its_own_report_and_a_missing_year_says_so(assistant):
    answer = assistant.ask("2019、2020和2022年东川市的地区生产总值增长目标分别是多少？")
    lines = {line[:5]: line for line in answer.text.split("\n") if line[:4].isdigit()}
    assert "7%左右" in lines["2019年"] and "6.5%" not in lines["2019年"]
    assert "6.5%左右" in lines["2020年"]
    assert lines["2022年"] == "2022年：没有找到。"
    assert answer.grounded and {c.source for c in answer.citations} == {"东川2019.txt", "东川2020.txt"}

"""Who / when / which meeting, of a speech named by what it says, and a year read from the speech when
no date is stated (said as an inference, with its sentence). Speeches and questions written for these tests."""

from __future__ import annotations

import pytest

from tests.fakes import assistant_with

RIVER = """在河口镇乡村旅游推进会上的讲话
同志们：
一、统一思想。我镇要深入推进“三变改革”，把资源变资产、资金变股金、农民变股东。
二、明确目标。当前，全镇都把2021年作为乡村旅游提升年，要建成民宿一百家。
三、强化保障。各村要配齐旅游专干。
"""
HILL = """在青石县工业园区调度会上的讲话
同志们：
一、园区建设要提速。今年要完成标准厂房十万平方米，2019年的欠账要补上，2020年要全面达产。
二、目前园区企业用工紧张，要做好招工服务。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return assistant_with(tmp_path_factory.mktemp("meta"), {"河口讲话.txt": RIVER, "青石讲话.txt": HILL})


def test_a_speech_named_by_what_it_says_gets_its_meeting_and_the_sentence_saying_it(assistant):
    answer = assistant.ask("提出要推进“三变改革”的，是在什么会上的讲话？")
    assert answer.grounded and "河口镇乡村旅游推进会" in answer.text
    assert any("三变改革" in c.quote for c in answer.citations)


def test_no_stated_date_a_year_the_speech_places_the_present_in_is_an_inference(assistant):
    answer = assistant.ask("河口镇乡村旅游推进会是哪一年召开的？")
    assert answer.grounded and "没有写明" in answer.text and "从内容看应在2021年" in answer.text
    assert any("2021年" in c.quote for c in answer.citations)


def test_years_that_disagree_give_no_inference(assistant):
    answer = assistant.ask("青石县工业园区调度会是哪一年召开的？")
    assert "从内容看" not in answer.text and "没有写明" in answer.text

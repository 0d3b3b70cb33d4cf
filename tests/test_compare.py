"""Two named speeches compared (「A会和B会的讲话对X分别怎么要求？」): one line each, from that speech
only, and a named speech that says nothing on X says so (speeches and questions written for these tests)."""

from __future__ import annotations

import pytest

from tests.fakes import assistant_with

FILLER = "各单位要高度重视，主要负责同志亲自抓，确保各项任务落地见效。"
FOREST = f"在林场改革推进会上的讲话\n同志们：\n一、关于护林队伍。护林员要做到每日巡山，发现火情第一时间报告。{FILLER}\n二、关于林下经济。要发展林下种植，带动林场职工增收。{FILLER}\n"
FISHERY = f"在渔业转型座谈会上的讲话\n同志们：\n一、关于渔政队伍。渔政执法人员要做到每周巡湖，严查非法捕捞。{FILLER}\n二、关于养殖尾水。尾水要达标排放。{FILLER}\n"
MINING = f"在矿山整治动员会上的讲话\n同志们：\n一、关于安全。矿山要每月开展一次安全检查。{FILLER}\n"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return assistant_with(tmp_path_factory.mktemp("compare"),
                          {"林场.txt": FOREST, "渔业.txt": FISHERY, "矿山.txt": MINING})


def test_each_named_speech_answers_in_its_own_line(assistant):
    answer = assistant.ask("林场改革推进会和渔业转型座谈会的讲话，对队伍分别是怎么要求的？")
    assert answer.intent == "cross" and answer.grounded
    lines = answer.text.split("\n")
    assert any("林场改革推进会" in line and "每日巡山" in line for line in lines)
    assert any("渔业转型座谈会" in line and "每周巡湖" in line for line in lines)
    assert {c.source for c in answer.citations} <= {"林场.txt", "渔业.txt"}  # the speech not named is not read


def test_a_named_speech_that_says_nothing_on_it_says_so(assistant):
    answer = assistant.ask("林场改革推进会和矿山整治动员会的讲话，对林下经济分别怎么讲的？")
    assert "林下种植" in answer.text
    assert any("矿山整治动员会" in line and "没有找到" in line for line in answer.text.split("\n"))

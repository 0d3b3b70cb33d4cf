"""The question as people type it is read once into the text everything else reads (questions written for
these tests, not taken from the eval files)."""

from __future__ import annotations

import pytest

from assistant.understanding.reading import read_question, tidy, to_simplified

NAMES = ["洛阳", "王建国", "郑州", "信阳市", "县委书记", "福建"]


@pytest.mark.parametrize("typed, read", [
    ("洛陽那篇講話提到哪些產業？", "洛阳那篇讲话提到哪些产业？"),
    ("政府工作報告裡的財政赤字率是多少", "政府工作报告里的财政赤字率是多少"),
    ("臺灣、經濟發展、開會", "台湾、经济发展、开会"),
])
def test_traditional_script_is_read_as_simplified(typed, read):
    assert to_simplified(typed) == read


@pytest.mark.parametrize("typed, read", [
    ("【求助】县里开会讲了什么？？？", "县里开会讲了什么？"),
    ("请问，您好！王建国讲话有几个部分?!", "王建国讲话有几个部分?"),
    ("麻烦问一下 招商 大会 上 讲了哪些 措施", "招商大会上讲了哪些措施"),
    ("２０２２年ＧＤＰ增长多少", "2022年GDP增长多少"),
    ("二〇一九年政府工作报告的赤字率", "2019年政府工作报告的赤字率"),
    ("——营商环境怎么说——", "营商环境怎么说"),
    ("请问", "请问"),  # nothing else was asked: the opener is the question
    ("你好，在吗", "你好，在吗"),  # too short a rest to be a question of its own
])
def test_noise_width_and_openers_are_removed(typed, read):
    assert tidy(typed) == read


@pytest.mark.parametrize("typed, read", [
    ("罗阳那篇讲话说了什么", "罗阳那篇讲话说了什么"),  # another sound: left alone
    ("洛杨那篇讲话说了什么", "洛阳那篇讲话说了什么"),  # same sound, one character shared
    ("王建过讲话的第二部分", "王建国讲话的第二部分"),
    ("王健国和郑州的讲话", "王建国和郑州的讲话"),  # one name spelt right, another wrong
    ("信洋市的项目有哪些", "信阳市的项目有哪些"),
    ("要落实到位并且见效", "要落实到位并且见效"),
    ("要求各级政府建立哪些制度", "要求各级政府建立哪些制度"),  # 府建 sounds like 福建 but crosses two words
])
def test_a_misspelt_name_is_read_as_the_name_it_sounds_like(typed, read):
    assert read_question(typed, NAMES) == read


def test_a_real_word_that_sounds_like_a_name_is_left_alone():
    assert read_question("洛阳的物流和落羊有关吗", ["洛阳"]) == "洛阳的物流和落羊有关吗"
    assert read_question("建国以来的发展", ["王建国", "见过"]) == "建国以来的发展"


def test_two_names_that_sound_alike_make_no_guess():
    assert read_question("张小东讲了什么", ["张晓东", "张笑东"]) == "张小东讲了什么"

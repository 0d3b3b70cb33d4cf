"""Questions in plain words, answered from texts in their own register: the thesaurus (经济增速 =
生产总值增长, 企业 = 市场主体, 不允许 = 禁止), a range asked for (区间 → 5%－5.5%), lists led by
dashes, a regulation's article that opens a list, a rule and its exception, a figure part that
asks of the previous part's subject. Over a report and a regulation written for these tests."""

from __future__ import annotations

import pytest

from assistant.understanding.question import question_parts
from assistant.understanding.lexicon.thesaurus import held_aliases
from tests.fakes import assistant_with

REPORT = """2030年青山市政府工作报告
各位代表：
一、2029年工作回顾
——经济运行保持在合理区间。全市生产总值增长6.1%，总量突破三千亿元。
——发展活力持续增强。全年新登记市场主体增长12.5%，平均每天新增320户。
二、2030年主要目标
今年全市发展的主要预期目标是：地区生产总值增长5%－5.5%；城镇调查失业率5.5%左右；粮食产量120万吨左右。
青山式发展，是青山人民自己选择的发展道路，既有各地发展的共同特征，更有基于本市实际的青山特色。
——青山式发展是生态优先的发展。我们守住绿水青山，不以牺牲环境换取一时增长。
——青山式发展是城乡融合的发展。我们推动城乡要素双向流动，让乡村和城市一样有奔头。
——青山式发展是开放包容的发展。我们欢迎四海宾朋来青山创业。
青山式发展的本质要求是：坚持绿色发展，坚持共同富裕。
——各区县要对照目标抓好落实。这一条是另一件事，不属于青山特色。
"""

RULES = """白河市优化营商环境条例
第一条 为了优化营商环境，制定本条例。
第八条 各级人民政府及有关部门的工作人员在与市场主体交往中，禁止下列行为：
（一）收受市场主体赠送的礼品、礼金；
（二）接受市场主体组织的旅游、娱乐活动安排；
（三）在管理服务活动中吃拿卡要。
第九条 推介活动实行备案制度。举办单位应当于每年年底前将下一年度的推介活动报主管部门备案；临时决定举办的，应当于活动举办二十日前报主管部门备案。
第十条 主管部门应当公开备案的推介活动目录。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    built = assistant_with(tmp_path_factory.mktemp("plain"), {"青山报告.txt": REPORT, "白河条例.txt": RULES})
    return built


def test_a_plain_word_is_held_by_the_policy_word_of_its_group():
    assert held_aliases("和企业打交道时不允许做什么", "工作人员在与市场主体交往中，禁止下列行为") == ("企业", "打交道", "不允许")
    assert held_aliases("企业有哪些", "企业和市场主体") == ()  # the question's own word is there


def test_only_the_words_a_text_would_use_answer_for_a_word():
    assert held_aliases("GDP是多少？", "地区生产总值三千亿元") == ("GDP",)
    assert held_aliases("地区生产总值是多少？", "资料显示GDP增长50%") == ()  # 「GDP」 is no text's word
    assert held_aliases("市场主体有多少？", "企业有三万家") == ()  # the everyday word does not state the formal one


def test_a_range_asked_for_in_plain_words(assistant):
    answer = assistant.ask("2030年青山市政府工作报告给经济增速设了一个怎样的区间？")
    assert answer.grounded and "5%－5.5%" in answer.text


def test_a_count_in_the_unit_the_text_uses(assistant):
    answer = assistant.ask("2030年青山市政府工作报告里，全市平均每天新冒出多少家企业？")
    assert answer.grounded and "320户" in answer.text


def test_a_dash_list_is_given_whole_and_ends_where_its_paragraphs_end(assistant):
    answer = assistant.ask("2030年青山市政府工作报告说青山式发展有哪几个方面的青山特色？")
    assert answer.grounded
    for item in ("生态优先", "城乡融合", "开放包容"):
        assert item in answer.text
    assert "对照目标" not in answer.text


def test_an_article_that_opens_a_list_is_followed_by_its_items(assistant):
    answer = assistant.ask("白河市优化营商环境条例不允许公职人员在和企业打交道时做哪些事？")
    assert answer.grounded
    for item in ("礼品、礼金", "旅游、娱乐", "吃拿卡要"):
        assert item in answer.text
    assert "第九条" not in answer.text


def test_a_rule_comes_with_its_exception_when_both_state_the_time_asked(assistant):
    answer = assistant.ask("白河市优化营商环境条例对推介活动的备案时间有什么要求？")
    assert answer.grounded and "年底前" in answer.text and "二十日前" in answer.text


def test_a_short_figure_part_asks_of_the_previous_parts_subject():
    parts = question_parts("那份报告为什么把增长目标调低？定在多少？")
    assert parts == ["那份报告为什么把增长目标调低？", "那份报告为什么把增长目标调低，定在多少？"]
    assert question_parts("张三是谁？") == ["张三是谁？"]
    assert question_parts("株洲的讲话是哪一年？是哪个生肖年？") == ["株洲的讲话是哪一年？", "是哪个生肖年？"]


def _long_speech() -> str:
    topics = ["园区建设", "项目审批", "要素保障", "人才引进", "金融服务", "物流体系", "文旅融合", "乡村振兴"]
    paragraphs = [f"第{n}项工作要抓{topic}，{topic}是今年的重点，各乡镇要把{topic}的任务分解到人、落实到天。"
                  for n, topic in enumerate(topics * 10, start=1)]
    paragraphs.insert(57, "兔年要有新气象，必须跑得更快。")
    return "在全县红河开放招商大会上的讲话\n同志们：\n" + "\n".join(paragraphs) + "\n"


def test_a_form_no_passage_read_states_is_looked_for_in_the_named_speech(tmp_path):
    built = assistant_with(tmp_path, {"红河讲话.txt": _long_speech(), "青山报告.txt": REPORT})
    assert len(built.index.speech_chunks("红河讲话.txt")) > 6  # the zodiac year is far from the words asked
    answer = built.ask("红河开放招商大会那篇讲话借哪个生肖年来鼓劲？")
    assert answer.grounded and "兔年" in answer.text



def test_the_theme_of_the_one_speech_read_weighs_less():
    from types import SimpleNamespace

    from assistant.answering.picker.extractive import theme_discounted

    def evidence(speech, n, text):
        return SimpleNamespace(passage=SimpleNamespace(speech_id=speech, chunk_id=f"{speech}:{n}", text=text))

    one = [evidence("a", n, f"招商引资要抓第{n}件事，园区{'载体' if n == 0 else '建设'}。") for n in range(5)]
    weights = theme_discounted({"招商": 1.0, "载体": 1.0}, one)
    assert weights["招商"] < weights["载体"] == 1.0  # every passage holds 招商: the speech's theme
    several = one[:3] + [evidence("b", n, "招商引资要抓落实。") for n in range(2)]
    assert theme_discounted({"招商": 1.0}, several) == {"招商": 1.0}  # across speeches it is the topic
    assert theme_discounted({"招商": 1.0}, one[:3]) == {"招商": 1.0}  # too few passages to tell

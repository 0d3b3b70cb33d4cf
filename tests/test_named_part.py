"""A question that names a part of a speech by a quoted phrase of its heading (「讲“凭园区招商”时…」)
is answered from that part: the phrase says where, the rest of the question what is asked. A phrase
the question quotes that no cited passage mentions (「“双减”」) leaves it unanswered."""

from __future__ import annotations

import pytest

from assistant.answering.picker.extractive import question_terms
from tests.fakes import assistant_with

FILLER = "各地各部门要把这项工作摆上重要位置，主要负责同志要亲自抓、负总责，确保各项任务落到实处。"
SPEECH = f"""在白河市园区建设推进会上的讲话
同志们：
今天召开这次会议，主要是部署园区招商工作。
第一条，要凭服务招商。招商，我先打一个比方，就像开店做生意要讲信誉，回头客才会多。{FILLER * 4}
第二条，要凭园区招商。园区是招商的载体，园区没有建好就急着卖地，企业进来也赚不到钱。{FILLER * 3}我再打一个比方，果子要等熟了再摘，不要青涩的时候就摘下来。这是我讲的第二条，要凭园区招商。
第三条，要凭实力招商。实力强了，招商的底气才足，谈判桌上才有议价能力。各县区主要负责同志要把招商工作摆上重要位置，亲自抓、负总责。{FILLER * 4}
"""

OTHER = "在青山县项目建设调度会上的讲话\n同志们：\n" + "".join(
    f"第{n}条，讲到项目调度时，要讲清楚第{n}批项目的开工时间和完成时限，讲明责任单位。\n" for n in "一二三四五六")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return assistant_with(tmp_path_factory.mktemp("part"), {"白河讲话.txt": SPEECH, "青山讲话.txt": OTHER})


def test_the_quoted_heading_names_the_part_the_answer_comes_from(assistant):
    answer = assistant.ask("讲“凭园区招商”时，讲话人打了什么比方？")
    assert answer.grounded and "果子要等熟了再摘" in answer.text
    assert "开店做生意" not in answer.text  # the same word in another part is not what was asked
    quoted = [c for c in answer.citations if "果子" in c.quote]
    assert quoted and all(5 <= len(c.quote) for c in quoted)


def test_search_reads_the_named_part_first(assistant):
    first = assistant.search("讲“凭园区招商”时，讲话人打了什么比方？", k=3)[0]
    assert "果子要等熟了再摘" in first.text and "开店做生意" not in first.text


def test_a_phrase_no_heading_holds_leaves_the_whole_speech_read(assistant):
    first = assistant.search("白河园区建设推进会上“开店做生意”那个比方讲的是什么道理？", k=3)[0]
    assert "开店做生意" in first.text


def test_asking_words_give_no_character_pairs():
    terms = question_terms("讲话人用了什么比方？")
    assert "比方" in terms and not {"了什", "么比", "人用", "话人"} & set(terms)
    terms = question_terms("这部条例是哪一年施行的？")
    assert "施行" in terms and not {"是哪", "哪一", "一年", "年施"} & set(terms)


def test_a_quoted_phrase_no_cited_passage_mentions_is_not_answered(assistant):
    from dataclasses import replace

    from assistant.answering.composers import Draft
    from assistant.answering.constraints import unmet

    question = "各县区主要负责同志要把招商工作摆上什么位置？"
    answer = assistant.ask(question)
    assert answer.grounded and "重要位置" in answer.text
    analysis = assistant.understanding.analyse(question)
    draft, records = Draft(answer.text, answer.citations), assistant.index.speeches()
    assert unmet(replace(analysis, quoted=("招商工作",)), draft, records) is None
    assert "双减" in unmet(replace(analysis, quoted=("双减",)), draft, records)  # the refusal says what is missing


def test_a_phrase_quoted_from_memory_is_held_by_most_of_its_pairs():
    from assistant.answering.constraints import holds_phrase

    assert holds_phrase("三是着手谋划“十一五”项目本子。", "着手谋划项目本子")
    assert not holds_phrase("各地要抓好教育工作。", "双减")
    assert holds_phrase("标着三、的部分", "三、")


def test_a_sentence_holding_only_pairs_that_straddle_words_does_not_answer():
    from types import SimpleNamespace

    from assistant.answering.picker.extractive import holds_a_word

    def scored(text):
        return SimpleNamespace(sentence=SimpleNamespace(text=text))

    question = "讲话里对乡村振兴有什么要求？"
    assert not holds_a_word(question, scored("实际利用外资是省里对市里的一个重要考核指标。"))  # only 「里对」
    assert holds_a_word(question, scored("要全面推进乡村振兴。"))

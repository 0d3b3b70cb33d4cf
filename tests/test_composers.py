"""Answers composed from a speech's outline and metadata, on speeches written for these tests."""

from __future__ import annotations

import pytest

from tests.fakes import assistant_with

WATER = """在全县冬春农田水利建设动员大会上的讲话
县委书记 王建国
（2023年11月2日）
同志们：
今天召开全县冬春农田水利建设动员大会，主要任务是部署今冬明春农田水利建设工作。下面，我讲三点意见。
一、统一思想，充分认识农田水利建设的重要意义
农田水利是农业的命脉。我们要从三个方面来认识：一是保障粮食安全的需要；二是促进农民持续增收的需要；三是应对极端天气的需要。
二、突出重点，扎实推进各项建设任务
（一）抓好高标准农田建设。今年全县要新建高标准农田5万亩，各乡镇要在12月底前完成选址。
（二）抓好小型水利工程。要完成塘坝清淤300座，维修加固病险水闸20座。
（三）抓好灌区续建配套。要加快推进渠系配套改造，让灌溉用水进得来、排得出。
三、强化保障，确保工作取得实效
要加强组织领导，县直各部门要各司其职、密切配合。要加大资金投入，县财政安排专项资金2000万元。
"""
STRAW = """在全县秸秆综合利用工作会议上的讲话
同志们：
今天召开会议，部署今年的秸秆综合利用工作。
一、提高认识。秸秆综合利用要坚持“农用为主、五化并举”的原则，各乡镇要把禁烧和利用纳入年度考核。
二、压实责任。各乡镇党委书记是第一责任人，要层层签订责任书。各乡镇要落实秸秆禁烧包片责任人。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    built = assistant_with(tmp_path_factory.mktemp("composers"), {"水利讲话.txt": WATER, "秸秆讲话.txt": STRAW})
    return built


def verbatim(assistant, answer) -> bool:
    chunks = {c.id: c for speech in assistant.speeches() for c in assistant.index.speech_chunks(speech.id)}
    return all(chunks[c.chunk_id].text[c.quote_start - c.start:c.quote_end - c.start] == c.quote
               for c in answer.citations)


@pytest.mark.parametrize("question, intent", [
    ("王建国在冬春农田水利建设动员大会上的讲话主要讲了哪几个方面？", "summary"),
    ("冬春农田水利建设动员大会的讲话分了哪几个部分？", "outline"),  # no part named: the whole speech's parts
])
def test_the_top_level_parts_of_a_named_speech(assistant, question, intent):
    answer = assistant.ask(question)
    assert answer.grounded and answer.intent == intent and answer.scope == ("水利讲话.txt",)
    for heading in ("统一思想", "突出重点", "强化保障"):
        assert heading in answer.text
    assert len(answer.citations) == 3 and verbatim(assistant, answer)


def test_a_part_by_its_ordinal_with_its_items(assistant):
    answer = assistant.ask("王建国讲话的第二部分讲了什么？下面分了哪几条？")
    assert answer.grounded and answer.intent == "outline"
    for item in ("抓好高标准农田建设", "抓好小型水利工程", "抓好灌区续建配套"):
        assert item in answer.text
    assert verbatim(assistant, answer)


def test_a_list_inside_a_paragraph_is_a_list_too(assistant):
    answer = assistant.ask("王建国说农田水利要从哪三个方面来认识？")
    assert answer.grounded
    for item in ("保障粮食安全", "促进农民持续增收", "应对极端天气"):
        assert item in answer.text


def test_the_nth_item(assistant):
    answer = assistant.ask("王建国部署的建设任务中，第三条具体怎么说？")
    assert answer.grounded and answer.intent == "item"
    assert "灌区续建配套" in answer.text and "塘坝" not in answer.text
    assert verbatim(assistant, answer)


def test_an_ordinal_past_the_end_says_how_many_there_are(assistant):
    answer = assistant.ask("王建国部署的三条建设任务中，第五条是什么？")
    assert not answer.grounded and "只列了3点" in answer.text


def test_who_and_when_from_the_metadata(assistant):
    answer = assistant.ask("冬春农田水利建设动员大会上的讲话是谁讲的？")
    assert answer.grounded and answer.intent == "meta"
    assert "这是县委书记王建国2023年11月2日在全县冬春农田水利建设动员大会上的讲话" in answer.text
    assert verbatim(assistant, answer)


def test_an_unstated_speaker_is_said_to_be_unstated(assistant):
    answer = assistant.ask("秸秆综合利用工作会议上的讲话是谁讲的？")
    assert not answer.grounded and "没有写明讲话人的姓名" in answer.text


def test_a_figure_of_another_year_or_place_is_not_an_answer(assistant):
    from assistant.answering.constraints import unmet

    asked = assistant.ask("王建国讲话里今年要新建多少亩高标准农田？")
    assert asked.grounded and "5万亩" in asked.text
    records = {record.id: record for record in assistant.index.speeches().values()}
    for question, says in (("2021年王建国讲话里要新建多少亩高标准农田？", "2021"), ("湖州今年要新建多少亩高标准农田？", "湖州")):
        analysis = assistant.understanding.analyse(question)
        assert says in unmet(analysis, asked, records)
        assert not assistant.ask(question).grounded


def test_an_answer_to_a_question_naming_no_speech_names_its_speech(assistant):
    answer = assistant.ask("塘坝清淤要完成多少座？")
    assert answer.grounded and "300座" in answer.text and "出自" in answer.text and "冬春农田水利" in answer.text


def test_search_ranks_through_the_same_scope(assistant):
    hits = assistant.search("王建国讲话里关于资金投入的要求", k=3)
    assert hits and all(hit.speech_id == "水利讲话.txt" for hit in hits)


def test_a_quoted_heading_of_one_part_names_that_part_not_its_list(assistant):
    answer = assistant.ask("王建国讲话里，“抓好小型水利工程”这部分有哪些任务？")
    assert answer.grounded and "塘坝清淤300座" in answer.text
    assert "高标准农田" not in answer.text and "灌区" not in answer.text


def test_a_heading_matches_in_the_policy_words_of_a_group():
    from assistant.answering.composers import match_share

    def idf(words):
        return {word: 1.0 for word in words}

    assert match_share("招商重点地区", "招商的重点区域", idf) == 1.0
    assert match_share("招商重点地区", "招商的重点行业", idf) < 1.0

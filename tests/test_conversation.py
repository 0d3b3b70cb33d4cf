"""Follow-ups resolved from the history alone (role + content, as OpenAI clients send it)."""

from __future__ import annotations

import pytest

from assistant import factory
from assistant.uploads import Upload
from tests.fakes import BigramEmbeddings
from tests.test_composers import STRAW, WATER

POND = """在全县小型水库安全度汛工作会议上的讲话
同志们：
今天召开会议，部署小型水库安全度汛工作。
一、落实责任。各乡镇要落实水库安全度汛行政责任人。
二、盘活存量。要盘活存量水利设施，对闲置泵站进行维修后重新投入使用。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.settings import load_settings

    root = tmp_path_factory.mktemp("conversation")
    settings = load_settings(index_dir=root / "index", data_dir=root / "no-default-corpus")
    built = factory.build_assistant(settings, embeddings=BigramEmbeddings())
    built.add_files([Upload("水利讲话.txt", WATER.encode()), Upload("秸秆讲话.txt", STRAW.encode()),
                     Upload("度汛讲话.txt", POND.encode())])
    return built


def replay(assistant, *turns: str):
    """Ask each turn with the earlier turns and the assistant's own answers as history."""
    history, answer = [], None
    for turn in turns:
        answer = assistant.ask(turn, history=history)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": answer.text}]
    return answer


def test_an_ordinal_points_into_the_list_just_given(assistant):
    answer = replay(assistant, "王建国部署了哪几项建设任务？", "第三条具体怎么说？")
    assert "第三条" in answer.query and "建设任务" in answer.query
    assert answer.grounded and "灌区续建配套" in answer.text and "塘坝" not in answer.text


def test_a_reference_to_the_meeting_keeps_the_thread(assistant):
    answer = replay(assistant, "冬春农田水利建设动员大会上部署了哪些任务？", "那次会议上对资金投入有什么要求？")
    assert "冬春农田水利建设动员大会" in answer.query
    assert answer.grounded and "2000万元" in answer.text
    assert all(c.speech_id == "水利讲话.txt" for c in answer.citations)


def test_another_speech_excludes_the_one_just_used(assistant):
    answer = replay(assistant, "小型水库安全度汛工作会议上怎么落实责任？", "另一篇讲话里各乡镇要落实什么责任人？")
    assert answer.grounded and "禁烧包片责任人" in answer.text
    assert all(c.speech_id != "度汛讲话.txt" for c in answer.citations)
    other_way = replay(assistant, "秸秆综合利用工作会议上怎么压实责任？", "另一篇讲话里各乡镇要落实什么责任人？")
    assert other_way.grounded and all(c.speech_id != "秸秆讲话.txt" for c in other_way.citations)


def test_the_words_pointing_elsewhere_leave_the_standalone_question():
    from assistant.understanding.lexicon.pointers import ANOTHER_WORDS as _ANOTHER_WORDS, THERE as _THERE

    asked = "另一篇讲话也讲到了禁烧，那里是怎么说的？"
    assert _THERE.sub("", _ANOTHER_WORDS.sub("", asked)).strip("，, ") == "讲到了禁烧，是怎么说的？"


def test_a_question_that_stands_alone_inherits_nothing(assistant):
    first = assistant.ask("塘坝清淤要完成多少座？")
    answer = replay(assistant, "秸秆综合利用工作会议上怎么压实责任？", "塘坝清淤要完成多少座？")
    assert answer.query == "塘坝清淤要完成多少座？" and answer.text == first.text


def test_the_same_history_gives_the_same_answer(assistant):
    turns = ("王建国部署了哪几项建设任务？", "第二条呢？")
    assert replay(assistant, *turns).model_dump() == replay(assistant, *turns).model_dump()


def test_a_part_of_the_last_answer_named_by_its_words_is_asked_in_its_speech(assistant):
    answer = replay(assistant, "王建国讲话里强化保障那部分讲了什么？", "其中对县直各部门之间的配合具体提出了什么要求？")
    assert answer.scope == ("水利讲话.txt",) and answer.grounded and "密切配合" in answer.text
    assert all(c.speech_id == "水利讲话.txt" for c in answer.citations)


def test_a_year_put_in_place_of_the_last_one():
    from assistant.conversation.rules import rewrite_by_rules

    history = [{"role": "user", "content": "2017年政府工作报告把赤字率定在多少？"}]
    assert rewrite_by_rules("那2016年呢？", history) == "2016年政府工作报告把赤字率定在多少？"
    assert rewrite_by_rules("2019年度呢？", history) == "2019年度政府工作报告把赤字率定在多少？"

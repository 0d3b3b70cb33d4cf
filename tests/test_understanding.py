"""Question analysis: scope from the catalogue of indexed speeches, intent and constraints by form."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.understanding import Intent, SpeechCatalogue, analyse
from assistant.understanding.intent import intent_of, ordinal_of
from vectorstore.text.numerals import arabic_years, numeral_value


def record(id, title=None, meeting=None, speaker=None, role=None, date=None, places=(), region=None, number=None):
    return SimpleNamespace(id=id, title=title, meeting=meeting, speaker=speaker, speaker_role=role, date=date,
                           places=tuple(places), region=region, hash=id, number=number)


CATALOGUE = SpeechCatalogue([
    record("a.txt", "在全县秸秆综合利用工作会议上的讲话", "全县秸秆综合利用工作会议", role="县长", places=["湖州"]),
    record("b.txt", "在全县冬春农田水利建设动员大会上的讲话", "全县冬春农田水利建设动员大会", speaker="王建国",
           role="县委书记", date="2023-11-02"),
    record("c.jsonl#1", "2021年国务院政府工作报告", date="2021-03-05"),
    record("c.jsonl#2", "2022年国务院政府工作报告", date="2022-03-05"),
    record("d.jsonl#7", "温州市优化营商环境条例", date="2021-06-01", region="浙江/温州市"),
    record("d.jsonl#8", "嘉兴市优化营商环境条例", date="2022-01-01", region="浙江/嘉兴市"),
    record("e.txt#3", "在重点项目观摩会上的讲话", "重点项目观摩会", places=["南通"]),
])


def scope(question: str, quoted_owners: set[str] | None = None):
    places = tuple(p for p in ("湖州", "南通", "温州", "嘉兴") if p in question)
    lookup = (lambda phrase: quoted_owners) if quoted_owners is not None else None
    return analyse(question, CATALOGUE, places_in=lambda _: places, speeches_with=lookup).scope


@pytest.mark.parametrize("question,expected", [
    ("秸秆综合利用工作会议上讲了哪些措施？", "a.txt"),  # a phrase of one speech's meeting
    ("王建国讲话里对水利建设提了什么要求？", "b.txt"),  # the speaker's name
    ("2022年政府工作报告的赤字率是多少？", "c.jsonl#2"),  # the year picks one of many reports
    ("温州市优化营商环境条例第十条规定了什么？", "d.jsonl#7"),  # the distinctive part of a shared title
    ("南通那篇讲话怎么说项目观摩的？", "e.txt#3"),  # the place
])
def test_a_clear_scope_is_certain(question, expected):
    found = scope(question)
    assert found.certain and found.speech_ids == (expected,)


def test_a_shared_name_alone_is_a_partial_scope():
    found = scope("优化营商环境条例对企业检查有什么规定？")
    assert not found.certain and set(found.speech_ids) == {"d.jsonl#7", "d.jsonl#8"}


def test_a_question_naming_no_speech_has_no_scope():
    assert scope("怎样才能把招商引资工作做好？").speech_ids == ()


def test_a_phrase_only_one_speech_holds_names_it():
    found = scope("讲“三个一批”的那篇讲话是谁讲的？", quoted_owners={"e.txt#3"})
    assert found.best == "e.txt#3"


def test_a_phrase_every_speech_holds_names_none():
    assert scope("讲“招商引资”的那篇讲话是谁讲的？", quoted_owners={"a.txt", "b.txt", "e.txt#3"}).best is None


@pytest.mark.parametrize("question,intent", [
    ("哪几篇讲话提到了项目管家？各自怎么说的？", Intent.CROSS),
    ("这篇讲话主要讲了哪几个方面？", Intent.SUMMARY),
    ("请概括一下这次会议的讲话", Intent.SUMMARY),
    ("讲话的第二部分讲了什么？", Intent.OUTLINE),
    ("标着“三、”的那一部分下面分了哪几条？", Intent.OUTLINE),
    ("推进乡村振兴要从哪三个方面入手？", Intent.OUTLINE),
    ("其中第三点具体怎么说？", Intent.ITEM),
    ("排在第四位的那一条要求做什么？", Intent.ITEM),
    ("这次会议是谁主持的？", Intent.META),
    ("讲话是在哪一天作的？", Intent.META),
    ("什么是“一网通办”？", Intent.DEFINITION),
    ("今年赤字率安排多少？", Intent.NUMBER),
    ("部署下步工作时列了哪几个促招商？", Intent.LIST),  # 「哪几个」 asks which, not how many
    ("有几个乡镇完成了任务？", Intent.NUMBER),
    ("这部条例分为哪几章？", Intent.OUTLINE),
    ("条例禁止哪些做法？", Intent.LIST),
    ("为什么要盘活存量土地？", Intent.FACT),
])
def test_intent_by_the_form_of_the_question(question, intent):
    assert intent_of(question) == intent


@pytest.mark.parametrize("question,ordinal", [
    ("第三点具体怎么说？", 3), ("第十二条规定了什么？", 12), ("排第二的那条", 2), ("标着“四、”的部分", 4),
    ("最后一点呢？", -1), ("开头一部分的标题", 1), ("有什么要求？", None), ("第二个部分讲了什么？", 2),
])
def test_ordinals(question, ordinal):
    assert ordinal_of(question) == ordinal


@pytest.mark.parametrize("text,value", [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23),
                                        ("两", 2), ("7", 7), ("一百零五", 105), ("几", None), ("１５", 15),
                                        ("二〇二四", 2024), ("三千", 3000), ("百", 100), ("十万", 100_000)])
def test_numerals(text, value):
    assert numeral_value(text) == value


def test_years_written_digit_by_digit_become_arabic_but_other_numerals_stay():
    assert arabic_years("二〇二四年五月的讲话和一九九八年的报告") == "2024年五月的讲话和1998年的报告"
    assert arabic_years("第十二年，三千年") == "第十二年，三千年"


def test_constraints_name_places_years_speakers():
    analysis = analyse("2023年王建国在湖州讲的第二点是什么？", CATALOGUE, places_in=lambda _: ("湖州",))
    assert analysis.constraints.years == (2023,) and analysis.constraints.places == ("湖州",)
    assert analysis.constraints.speakers == ("王建国",) and analysis.constraints.ordinal == 2


def test_a_title_names_a_speech_even_when_a_meeting_was_found():
    catalogue = SpeechCatalogue([record("r.jsonl#1", "广州市青年创新创业促进条例", "一次全体成员会议"),
                                 record("r.jsonl#2", "广州市城市更新条例", "一次常务会议")])
    found = analyse("广州市青年创新创业促进条例所说的青年是指多大年龄？", catalogue, places_in=lambda _: ()).scope
    assert found.certain and found.best == "r.jsonl#1"


def test_the_focus_drops_a_name_only_where_the_question_names_the_speech():
    catalogue = SpeechCatalogue([record("x.jsonl#1", "重庆市禁止非法增加企业负担条例"),
                                 record("x.jsonl#2", "重庆市优化营商环境条例")])
    analysis = analyse("重庆市禁止非法增加企业负担条例明令禁止哪些增加企业负担的做法？", catalogue,
                       places_in=lambda _: ("重庆",))
    assert analysis.scope.certain
    assert "增加企业负担的做法" in analysis.focus and not analysis.focus.startswith("重庆市禁止")


@pytest.mark.parametrize("question,intent", [
    ("二十大报告概括的中国式现代化有哪几个方面的中国特色？", Intent.OUTLINE),  # 「概括的」 is no request to summarise
    ("请概括一下这篇讲话。", Intent.SUMMARY),
])
def test_summary_only_when_asked_to_summarise(question, intent):
    assert intent_of(question) is intent


def test_a_title_word_the_question_asks_about_stays_in_the_focus():
    catalogue = SpeechCatalogue([record("r.jsonl#1", "高举中国特色社会主义伟大旗帜", "第二十次全国代表大会"),
                                 record("r.jsonl#2", "在全国代表大会上的工作报告", "全国代表大会")])
    analysis = analyse("二十大报告概括的中国式现代化有哪几个方面的中国特色？", catalogue, places_in=lambda _: ())
    assert "中国特色" in analysis.focus


def test_words_pointing_at_the_named_speech_leave_the_focus():
    analysis = analyse("南通那篇讲话说，招商队伍要怎么建？", CATALOGUE, places_in=lambda _: ("南通",))
    assert analysis.scope.certain and analysis.focus.strip() == "招商队伍要怎么建？"


def test_a_narrowed_speech_is_searched_by_the_focus_alone():
    from assistant.understanding.service import search_text

    named = analyse("温州市优化营商环境条例对企业检查有什么规定？", CATALOGUE, places_in=lambda _: ("温州",))
    assert search_text(named.text, None, named).strip() == "对企业检查有什么规定？"
    unnamed = analyse("怎样才能把招商引资工作做好？", CATALOGUE, places_in=lambda _: ())
    assert search_text(unnamed.text, None, unnamed) == unnamed.text
    bare = analyse("温州市优化营商环境条例呢？", CATALOGUE, places_in=lambda _: ("温州",))
    assert search_text(bare.text, None, bare) == bare.text  # nothing left to search by


def test_a_name_piece_does_not_end_on_de():
    """「2022年政府工作报告的…」 names the report, not the resolution 「关于政府工作报告的决议」."""
    from assistant.understanding.intent import asks_top_level

    catalogue = SpeechCatalogue([record("c.jsonl#1", "2021年国务院政府工作报告", date="2021-03-05"),
                                 record("c.jsonl#2", "2022年国务院政府工作报告", date="2022-03-05"),
                                 record("f.jsonl#1", "关于政府工作报告的决议", date="2022-03-11")])
    found = analyse("2022年政府工作报告的居民消费价格涨幅目标是多少？", catalogue, places_in=lambda _: ()).scope
    assert found.certain and found.best == "c.jsonl#2"
    assert asks_top_level("第二个部分讲了什么？") and not asks_top_level("第二个方面讲了什么？")


@pytest.mark.parametrize("intro, count", [("要做到十二个必须：", 12), ("落实15条措施：", 15), ("抓好几个方面：", 0),
                                          ("重点抓好三项工作：", 3), ("两个不变：", 2)])
def test_a_list_intro_states_its_count_in_any_numeral(intro, count):
    from assistant.answering.picker.enumerations import _stated_count

    assert _stated_count(intro) == count


@pytest.mark.parametrize("question", ["这篇讲话一共讲了几个方面？", "讲话总共分了几部分？", "那份报告分成几大块？",
                                      "王建国的讲话有几个部分？"])
def test_how_many_parts_is_a_question_about_the_outline(question):
    assert intent_of(question) is Intent.OUTLINE


@pytest.mark.parametrize("question, count", [
    ("二十大报告提出了哪三大任务？", 3), ("二十大报告讲了什么？", None), ("十九大以来有哪些变化？", None),
    ("要突出哪“三大”？", 3), ("十五大召开的时候提出了几个目标？", None),
])
def test_a_party_congress_is_no_count(question, count):
    from assistant.understanding.intent import stated_count

    assert stated_count(question) == count

"""Words by which a follow-up points back into the conversation: to the last document (「那次会议」,
「这篇讲话」, 「它」), its year (「那一年」), another document (「另一篇讲话」), an item of the last
answer (「其中第三点」, 「第二家」), or a part of the last question it replaces (「那株洲呢？」,
「我是说2019年的」, 「和去年比呢」). One table, read by the conversation's edits."""

from __future__ import annotations

import re

NUM = r"[一二三四五六七八九十两\d]{1,3}"

ANOTHER = re.compile(r"另一篇|另外一篇|另一个讲话|别的讲话|其他讲话|其他几篇|别的几篇")
# 「另一篇讲话也讲到了X，那里是怎么说的？」 → 「讲到了X，是怎么说的？」: the words that only point elsewhere
ANOTHER_WORDS = re.compile(r"(?:另一篇|另外一篇|另一个|别的|其他几篇|别的几篇|其他)(?:讲话|报告|文件)?(?:里|中)?(?:也|还)?")
THERE = re.compile(r"(?:那里|那边|那篇里|里面)(?=是|怎么|如何|又)")
# the kinds of document (SpeechMeta.kind) a question names: 「另一份报告」, 「另一部条例」
KIND_WORDS = (("讲话", "speech"), ("发言", "speech"), ("报告", "report"), ("条例", "law"), ("办法", "law"),
              ("规定", "law"), ("法律", "law"), ("通知", "notice"), ("文件", "notice"))
YEAR_REF = re.compile(r"那一年|这一年|那年|当年")
MEETING_REF = re.compile(r"那次会议|这次会议|那个会议|那个会上|那次会上|那次会|这次会")
SPEECH_REF = re.compile(r"这篇讲话|那篇讲话|该讲话|这篇|那篇|这份报告|那份报告|该报告|这个条例|该条例|这部条例|它(?=[^们])")
REFERENCE = re.compile("|".join(p.pattern for p in (ANOTHER, YEAR_REF, MEETING_REF, SPEECH_REF)) + r"|讲话人|那里|其中")
AMONG = re.compile(r"^(?:那|那么)?其中")

# 「第三点」「第二家」「第二种精神」: an ordinal with its counter word
COUNTERS = r"大点|点|条|项|步|种|家|个方面|个|方面|部分|位|句|篇|类|批|招|张|次"
ORDINAL_PHRASE = re.compile(rf"(?:其中)?第({NUM})({COUNTERS})?")
# 「第二条呢？」「那第二步呢？」: the whole question is another ordinal of the same list
ONLY_ORDINAL = re.compile(rf"^(?:那么?|那个|还有|其中)?[，,\s]*第{NUM}(?:{COUNTERS})?(?:呢|又是什么|是什么|怎么说|呢？)?[？?。]*$")
# 「我是说2019年的」「我问的是株洲」: a correction of the last question
CORRECTION = re.compile(r"^(?:不是[^，,]{0,12}[，,])?(?:我是说|我说的是|我问的是|我指的是|我是问|是说)")
# 「和去年比呢」「跟上一年相比呢」: the same figure compared with the year before
WITH_YEAR_BEFORE = re.compile(r"^(?:那)?(?:和|跟|与|比)(?:去年|上一年|前一年|上年|上一年度)(?:比|相比|比较|对比)?(?:呢|怎么样|如何|有什么变化)?[？?。]*$")


def ordinal_asked(question: str) -> int | None:
    """The ordinal of a 「第N+counter」 (「第二种精神」 → 2, 「第二家」 → 2), or None."""
    from vectorstore.text.numerals import numeral_value

    phrase = ORDINAL_PHRASE.search(question)
    return numeral_value(phrase.group(1)) if phrase else None


def leans_on_last(question: str) -> bool:
    """The question means nothing without the last one: another ordinal, a correction, a comparison."""
    return only_an_ordinal(question) or corrected(question) is not None or compares_with_year_before(question)


def only_an_ordinal(question: str) -> bool:
    """「第二条呢？」: the question is an ordinal and nothing else."""
    return bool(ONLY_ORDINAL.match(question.strip()))


def ordinal_phrase(text: str) -> re.Match | None:
    """The first 「第N+counter」 of a text (「其中第二种」 with its 其中)."""
    return ORDINAL_PHRASE.search(text)


def corrected(question: str) -> str | None:
    """What a correction says instead (「我是说2019年的」 → 「2019年」), or None."""
    match = CORRECTION.match(question.strip())
    if match is None:
        return None
    said = question.strip()[match.end():].strip("，, ？?。")
    return said.removesuffix("的那份").removesuffix("的那篇").removesuffix("的") or None


def compares_with_year_before(question: str) -> bool:
    return bool(WITH_YEAR_BEFORE.match(question.strip()))


# 「那五皮精神呢？」「资金到位率呢？」: an elliptic question, its topic before 呢
FOLLOW_UP = re.compile(r"^(?:那么?|那个|还有|另外|再问一下|请问)?[，,\s]*(?P<topic>.{1,30}?)[呢嘞]?[？?。!！]*$")
ELLIPTIC_END = re.compile(r"[呢嘞][？?。!！]*$")
LEADING = re.compile(r"^(?:那么?|还有|另外)[，,\s]*")
PRONOUN = re.compile(r"(?:它|这个|那个|这一|该|上述|这些|他们|其)")
YEAR = re.compile(r"(?:1[89]|20)\d{2}\s*年(?:度)?")
# the words between a question's subject and its asking word: 「…核准机关应当在多少个工作日内…」
SUBJECT_END = re.compile(r"(?:应当|应该|必须|需要|要|须|将|会)?(?:在|于|为|是|有|对)?$")
QUESTION_TAIL = re.compile(r"(?:是多少|是什么|有哪些|是哪些|指什么|怎么样|如何|分别是多少)[？?]?$")
# the words before which a noun phrase of a question begins: 「对意向项目」 → 意向项目
PHRASE_BOUNDARY = frozenset("的 对 在 上 中 里 把 将 和 与 及 是 有 要 为 从 向 给 被 由".split())

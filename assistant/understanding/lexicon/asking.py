"""Asking words: the words of a question that say what kind of answer is wanted, not what it is about."""

from __future__ import annotations

import re

# Words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset(
    "什么 哪些 哪几个 几个 多少 怎样 怎么 如何 是否 分别 具体 指 指的是 讲话 讲话人 提出 提到 强调 要求 "
    "完整 表述 提法 叫 叫什么 为什么 比例 内容 哪 哪里 哪个 谁 哪天 主要 有 应该 需要".split()
)
# Asking words whose characters belong to no word of the answer: masked before the question is cut
# into terms, so no character pair straddles them (「用了什么比方」 gives no 「了什」, 「么比」).
# 「哪两种精神」「哪三个方面」: the count is met by the items an answer names, not by its words;
ASKING = re.compile("|".join(sorted(
    "什么 哪些 哪几个 哪几 几个 多少 怎样 怎么 如何 是否 为什么 哪里 哪个 哪天 哪一天 哪一年 哪年 哪个月 何时 多久 "
    "讲话人 讲话者".split(), key=len, reverse=True)) + r"|哪[两二三四五六七八九十\d]{1,2}(?:个|种|条|项|点|大|家|位|类|批|句)"
    # 「最多能延长多久」: a limit before the asking word is met by 「可以延长五日」「不得超过」 as well
    r"|(?:最多|最长|最少|最短|最快|最迟|最晚|至少|至多)能?(?=[^，。？?]{0,6}(?:多久|多少|多长|几))")
# Words of a question about a document's parts that name no part (「…的讲话一共讲了几个方面？」).
STRUCTURE_WORDS = frozenset("方面 部分 一部分 几部分 几点 几个 哪几 几章 几节 几编 包括 分为 分成 这篇 那篇 本篇 全文 大点 内容 "
                            "讲话 报告 条例 一共 总共 分了 讲了".split())


# The forms of question the answerers act on, each read here, once (the answering modules ask these).
ASKS_LIST = re.compile(r"哪些|哪几|有几|包括什么|包括哪|几个方面")
TWO_THINGS = re.compile(r"分别|各自|各是|以及|[和与及].{1,12}(?:都|又|还)")  # 「A和B分别…」
WHO_OR_WHEN = re.compile(r"谁|哪天|哪一天|何时|什么时候|日期|哪年")
INTERROGATIVE = re.compile(r"什么|多少|哪|怎么|怎样|如何|为什么|是否|谁|几")
NAMES_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇\d]+条")
POINTS_AT_OPENING = re.compile(r"开场|开头|开篇|一开始|开宗明义|讲话之初")
ABOUT_THE_MEETING = re.compile(r"会前|会上(?:由谁|是谁|谁|有哪些|已经|还)|议程|召开|开会|开的|这次会|那次会|本次会|刚才|讲完后|之后还|闭幕|结束的|哪次会|什么会"
                               r"|几月|哪一年|哪年|什么时候|主持|拍板|决定召开")
ASKS_WHEN = re.compile(r"哪一年|哪年|几月|什么时候|何时|哪一天|哪天|什么时间")


def asks_list(text: str) -> bool:
    return bool(ASKS_LIST.search(text))


def asks_two_things(text: str) -> bool:
    return bool(TWO_THINGS.search(text))


def asks_who_or_when(text: str) -> bool:
    return bool(WHO_OR_WHEN.search(text))


def names_article(text: str) -> bool:
    """「第十五条」: the question names an article of a regulation."""
    return bool(NAMES_ARTICLE.search(text))


def points_at_opening(text: str) -> bool:
    return bool(POINTS_AT_OPENING.search(text))


def about_the_occasion(text: str) -> bool:
    """The question (or part) is about the meeting itself or the speech's opening."""
    return bool(POINTS_AT_OPENING.search(text) or ABOUT_THE_MEETING.search(text))


def asks_when(text: str) -> bool:
    return bool(ASKS_WHEN.search(text))


def interrogatives(text: str):
    """Where the question's asking words stand (matches of INTERROGATIVE)."""
    return INTERROGATIVE.finditer(text)

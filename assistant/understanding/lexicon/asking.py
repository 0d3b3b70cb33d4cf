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
ASKING = re.compile("|".join(sorted(
    "什么 哪些 哪几个 哪几 几个 多少 怎样 怎么 如何 是否 为什么 哪里 哪个 哪天 哪一天 哪一年 哪年 哪个月 何时 多久 "
    "讲话人 讲话者".split(), key=len, reverse=True)))
# Words of a question about a document's parts that name no part (「…的讲话一共讲了几个方面？」).
STRUCTURE_WORDS = frozenset("方面 部分 一部分 几部分 几点 几个 哪几 几章 几节 几编 包括 分为 分成 这篇 那篇 本篇 全文 大点 内容 "
                            "讲话 报告 条例 一共 总共 分了 讲了".split())

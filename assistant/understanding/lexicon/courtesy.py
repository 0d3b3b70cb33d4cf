"""Openers people put before a question that ask nothing: 请问, 您好, 麻烦问一下…"""

from __future__ import annotations

# Said before the question; each may be followed by punctuation or another opener.
OPENERS = tuple(sorted(
    "请问 请问一下 您好 你好 老师好 麻烦问一下 麻烦请问 想问一下 我想问一下 我想问 问一下 我想知道 想了解一下 我想了解一下 "
    "请教一下 请教 打扰一下 打扰了 劳驾 帮我查一下 帮忙查一下 请帮我查一下 请告诉我 告诉我 帮我看看 谢谢".split(),
    key=len, reverse=True))

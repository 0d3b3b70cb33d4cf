"""The value of a numeral, Arabic or Chinese: one function for the outline, the question and the picker.

The project's patterns *find* numerals (a heading's 「（十二）」, a question's 「十二个」, a date's
「二〇二四年」); ``cn2an`` *values* them (十二 → 12, 一百零一 → 101, 两 → 2, 二〇二四 → 2024, 三千 → 3000).
Whole texts are never rewritten: citations need the offsets of the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CHINESE_DIGITS = "零〇一二三四五六七八九两"
CHINESE_NUMERAL_CHARS = frozenset(CHINESE_DIGITS + "十百千万")
# 「二〇二四年」: a year written digit by digit (the 〇 form of by-lines and documents)
CHINESE_YEAR = re.compile(r"(?<![零〇一二三四五六七八九十])([一二][〇零一二三四五六七八九]{3})(?=\s*年)")


@lru_cache(maxsize=4096)
def numeral_value(numeral: str) -> int | None:
    """``12``, ``１２``, ``十二``, ``一百零一``, ``两``, ``二〇二四`` → their value; None when it is not a numeral."""
    text = unicodedata.normalize("NFKC", numeral.strip())
    if text.isdigit():
        return int(text)
    if not text or any(char not in CHINESE_NUMERAL_CHARS for char in text):
        return None
    import cn2an

    try:
        return int(cn2an.cn2an(text if text[0] not in "十百千万" or text == "十" else "一" + text, "normal"))
    except (ValueError, KeyError):
        return None


def arabic_years(text: str) -> str:
    """「二〇二四年」 → 「2024年」 (for questions, which carry no offsets)."""
    return CHINESE_YEAR.sub(lambda match: str(numeral_value(match.group(1))), text)

"""Chinese and Arabic ordinals: 一 → 1, 十二 → 12, 二十 → 20, 3 → 3."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def number_of(text: str) -> int | None:
    """The value of a numeral up to 99 (Chinese or Arabic); None when it is not one."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in DIGITS and ch not in "十百" for ch in text):
        return None
    if "百" in text:
        head, _, rest = text.partition("百")
        return (DIGITS.get(head, 1) if head else 1) * 100 + (number_of(rest.lstrip("零〇")) or 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)
    return DIGITS[text] if len(text) == 1 else None

"""Splitting a cleaned file into speeches.

A compilation file (「第一篇：…」 … 「第五篇：…」) becomes one speech a part; the
compilation header and a teaser paragraph (a 「第一篇」 line that runs on into
the start of the speech and ends in 「...」) are dropped. Any other file is
one speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vectorstore.text.numerals import numeral_value

_PART_HEADING = re.compile(r"^第([一二三四五六七八九十百零〇\d]+)篇\s*[：:、.．]?\s*(.*)$", re.M)
_TEASER_END = re.compile(r"(?:\.{3,}|…+)$")
MIN_SPEECH_CHARS = 50


@dataclass(frozen=True)
class SpeechPart:
    """One speech cut from a file: its text, the heading it had, and its 第N篇 ordinal, if any."""

    text: str
    heading: str | None = None
    ordinal: int | None = None


def split_speeches(cleaned: str) -> list[SpeechPart]:
    """Split a cleaned file into speeches (usually exactly one)."""
    headings = list(_PART_HEADING.finditer(cleaned))
    if len({match.group(1) for match in headings}) < 2:
        return [SpeechPart(cleaned)] if len(cleaned) >= MIN_SPEECH_CHARS else []
    parts = []
    for index, match in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(cleaned)
        body = cleaned[match.end():end].strip("\n")
        if _is_teaser(match, body, headings[index + 1:]):
            continue
        if len(body) >= MIN_SPEECH_CHARS:
            parts.append(SpeechPart(body, heading=match.group(2).strip() or None,
                                    ordinal=numeral_value(match.group(1))))
    return parts


def _is_teaser(match: re.Match, body: str, following: list[re.Match]) -> bool:
    """A teaser is a part whose ordinal repeats right after it, or a one-liner ending in 「...」."""
    if following and following[0].group(1) == match.group(1):
        return True
    return "\n" not in body.strip() and bool(_TEASER_END.search(match.group(0) + body))

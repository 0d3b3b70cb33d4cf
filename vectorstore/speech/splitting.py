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
MIN_SPEECH_CHARS = 50  # a part of a compilation shorter than this is a teaser or a heading
MIN_DOCUMENT_CHARS = 6  # a file holding this many characters of words is a document, however short
_WORD_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


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
        return [SpeechPart(cleaned)] if holds_text(cleaned) else []
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


def holds_text(text: str) -> bool:
    """A file's text is a document when it holds a few characters of words: a one-sentence record
    (「中国共产党第二十次全国代表大会于10月16日…开幕。」) is one."""
    return len(_WORD_CHAR.findall(text)) >= MIN_DOCUMENT_CHARS


def _is_teaser(match: re.Match, body: str, following: list[re.Match]) -> bool:
    """A teaser is a part whose ordinal repeats right after it, or a one-liner ending in 「...」."""
    if following and following[0].group(1) == match.group(1):
        return True
    return "\n" not in body.strip() and bool(_TEASER_END.search(match.group(0) + body))

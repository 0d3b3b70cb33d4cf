"""Cleaning raw speech text into the text that citations quote.

The rules are deliberately conservative: they delete only what is clearly not
part of a speech (web headers, reposting notices, bookmark tags) and repair
layout damage (titles broken over lines, stray spaces inside Chinese words,
paragraphs run together on one physical line with spaces as separators).
"""

from __future__ import annotations

import re

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026\u2014"
_CJK_OR_PUNCT = f"[{CJK}{CJK_PUNCT}]"

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_BOILERPLATE_LINE = [
    re.compile(r"(?i)^[^\n]{0,20}(?:www\.|https?://)[\w.\-/]+\s*$"),
    re.compile(r"^来源[：:].{0,40}(?:作者|更新时间|发布时间|时间)[：:]"),
    re.compile(r"^(?:作者|更新时间|发布时间|发布日期|浏览次数)[：:].{0,40}$"),
    re.compile(r"本文系.{0,10}投稿"),
    re.compile(r"仅供(?:学习)?参考.{0,6}请勿(?:照搬照抄|抄袭)"),
    re.compile(r"^(?:本文)?(?:来源于|转载自|转自)网络.{0,30}$"),
    re.compile(r"^(?:版权所有|免责声明|更多.{0,10}请(?:访问|关注)).{0,60}$"),
]
_SYMBOL_ONLY_LINE = re.compile(r"^[\s|│\-_=*#~·•.。…]+$")
_SENTENCE_SPACE = re.compile(r"[。！？；;:：!?] ")
_SEPARATOR_SPACE = re.compile(r"(?<![A-Za-z0-9]) +|(?<=[A-Za-z0-9]) +(?![A-Za-z0-9])")
_SPURIOUS_SPACE = re.compile(f"(?<={_CJK_OR_PUNCT})[ \t]+(?={_CJK_OR_PUNCT})")
_TITLE_TAIL = re.compile(f"^[{CJK}]{{1,2}}$")
_MAX_BOILERPLATE_LINE = 120


def clean_text(raw: str) -> str:
    """Return the cleaned text of one file (still possibly several speeches)."""
    text = _normalise_whitespace(raw)
    text = _BOOKMARK.sub("", text)
    lines = [line for line in text.split("\n") if not is_boilerplate(line)]
    lines = [fixed for line in lines for fixed in _split_spaced_paragraph(line)]
    lines = [_SPURIOUS_SPACE.sub("", line).strip() for line in lines]
    lines = [line for line in lines if line and not _SYMBOL_ONLY_LINE.match(line)]
    return "\n".join(rejoin_broken_lines(lines))


_PUBLISHED = re.compile(r"^(?:发布日期|发布时间|更新时间|更新日期|发文日期|成文日期|日期|时间)[：:]\s*(\d{4}[-./年]\d{1,2}(?:[-./月]\d{1,2}日?)?)")
_HEADER_REACH = 8  # the lines at the top of a page where its date line stands


def published_date(raw: str) -> str | None:
    """The date a web page's header line gives (「发布日期：2023年9月1日」), which cleaning removes
    with the rest of the page furniture; the document's date when the text states no other."""
    from vectorstore.speech.metadata import normalise_date

    for line in _normalise_whitespace(raw).split("\n")[:_HEADER_REACH]:
        match = _PUBLISHED.match(line.strip())
        date = normalise_date(match.group(1)) if match else None
        if date:
            return date
    return None


def _normalise_whitespace(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\t", " ")
    return "\n".join(line.strip() for line in text.split("\n"))


def is_boilerplate(line: str) -> bool:
    """True for a short line that is a web header or a reposting notice."""
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_BOILERPLATE_LINE:
        return False
    return any(pattern.search(stripped) for pattern in _BOILERPLATE_LINE)


def _split_spaced_paragraph(line: str) -> list[str]:
    """Turn a line that uses spaces as paragraph separators into lines.

    Seed 002 is one physical line: ``…热潮。下面,我讲三个方面: 一、解放思想…``.
    A line with several "sentence end + space" joints is such a line; its
    spaces (except those inside Latin words and numbers) become line breaks.
    """
    if len(_SENTENCE_SPACE.findall(line)) < 3:
        return [line]
    return [part for part in _SEPARATOR_SPACE.split(line) if part]


def rejoin_broken_lines(lines: list[str]) -> list[str]:
    """Rejoin a title broken over lines: 「…会上的」 / 「讲」 / 「话」."""
    joined: list[str] = []
    for line in lines:
        if joined and _TITLE_TAIL.match(line) and _is_open_title(joined[-1]):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def _is_open_title(line: str) -> bool:
    """A short line with no punctuation that does not yet end like a title."""
    if len(line) > 60 or re.search(f"[{CJK_PUNCT},.;:!?]", line):
        return False
    return not re.search(r"(?:讲话|发言|致辞|报告|讲稿)$", line)

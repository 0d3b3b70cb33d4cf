"""Recognising a speech's outline: 一、 / （一） / 1、 / 一是… / 第一条….

Levels are not fixed per marker: the first marker kind met is the outer level
and a new kind nests under the current one, so 「一要…」 is top level in a
speech that has no 「一、」 and third level in one that has. A kind met again
replaces its sibling, except that a list restarting at 「一」 while another kind
is open under its kind nests there (:func:`nesting_depth`).

False headings kept out here, per line: 「1、2月份…」 (a digit after 「1、」 is a
list of numbers) and 「一、二月份…」 / 「一、二、三产业」 (a numeral after 「一、」
followed by 月/季度/、); a year after 「一、」 is a heading (「一、2024年工作回顾」,
the sections of a 政府工作报告). Rules that need the neighbouring lines (a lone
「一是」) belong to the outline tree (vectorstore/speech/outline_tree.py).

Inline enumerations inside one paragraph (「一是…；二是…」, 「第一是…第二是…」,
「首先…其次…最后…」) are found by :func:`inline_runs`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vectorstore.text.numerals import numeral_value

_CN = "一二三四五六七八九十百零〇两"
_CN_SMALL = "一二三四五六七八九十"
_HEADING_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("第篇", re.compile(rf"^第[{_CN}]{{1,3}}篇")),
    ("第编", re.compile(rf"^第[{_CN}]{{1,4}}编")),
    ("第章", re.compile(rf"^第[{_CN}]{{1,4}}章")),
    ("第节", re.compile(rf"^第[{_CN}]{{1,4}}节")),
    ("第部分", re.compile(rf"^第[{_CN}]{{1,3}}部分")),
    ("cn、", re.compile(rf"^[{_CN_SMALL}]{{1,3}}\s*(?:、|[．.](?!\d))(?![{_CN_SMALL}]{{1,2}}(?:、|月|季度))")),
    ("(cn)", re.compile(rf"^[（(]\s*[{_CN_SMALL}]{{1,3}}\s*[）)]")),
    ("n、", re.compile(r"^\d{1,2}\s*[、．.](?!\d)")),
    ("(n)", re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
    ("n)", re.compile(r"^\d{1,2}[）)]")),
    ("第个", re.compile(rf"^第[{_CN}]{{1,3}}个\s*[，,、：:]")),
    ("第条", re.compile(rf"^第[{_CN}]{{1,5}}条")),
    ("一是", re.compile(rf"^[{_CN_SMALL}]{{1,2}}(?:是|要)")),
    ("首先", re.compile(r"^(?:首先|其次|再次|最后)\s*[，,、：:]")),
]
_HEADING_END = re.compile(r"[。！？；!?;：:]")
_COMMA = re.compile(r"[，,]")
_SHORT_HEADING_CHARS = 20
_MAX_HEADING_CHARS = 40
SECTION_SEPARATOR = " › "
_STRUCTURAL_KINDS = frozenset({"第篇", "第编", "第章", "第节", "第部分", "第条"})
_NUMERAL = re.compile(rf"\d+|[{_CN}千]+")
_CLAUSE_START = r"(?:^|(?<=[。；;！？!?：:，,]))"
_SEQUENCE_WORDS = ("首先", "其次", "再次")
_INLINE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("一是", re.compile(rf"{_CLAUSE_START}([{_CN_SMALL}]{{1,2}})(?:是|要)(?![{_CN_SMALL}])")),
    ("第一是", re.compile(rf"{_CLAUSE_START}第([{_CN_SMALL}]{{1,2}})(?:是|要(?!务)|，|,|、)")),
    ("首先", re.compile(rf"{_CLAUSE_START}(首先|其次|再次|最后)")),
]


@dataclass(frozen=True)
class Heading:
    kind: str
    text: str  # the heading as shown in a section path
    start: int  # offset of the heading line in the speech text
    ordinal: int | None = None  # the marker's number (None for 首先/其次…)


@dataclass(frozen=True)
class Block:
    """A run of text from one heading (or the speech start) to the next heading."""

    start: int
    end: int
    path: tuple[Heading, ...]

    @property
    def top(self) -> Heading | None:
        return self.path[0] if self.path else None


def heading_kind(line: str) -> str | None:
    """The marker kind a line starts with, or None for body text."""
    for kind, pattern in _HEADING_PATTERNS:
        if pattern.match(line):
            return kind
    return None


_DASH_ITEM = re.compile(r"\s*—{1,2}(?=[^\s—])")


def item_marker(line: str) -> str | None:
    """The enumeration a line belongs to: a heading's marker kind, or 「dash」 for a paragraph led by
    a dash (「——经济运行保持在合理区间。」, the review lists of a 政府工作报告)."""
    return heading_kind(line) or ("dash" if _DASH_ITEM.match(line) else None)


def heading_text(line: str) -> str:
    """The heading part of a line: up to its first sentence end; a long one up to a comma
    (or cut at 40 characters, marked 「…」)."""
    length = heading_length(line)
    return line[:length] + ("…" if _cut_short(line, length) else "")


def heading_length(line: str) -> int:
    """How many leading characters of ``line`` are its heading: ``line[:n]`` is exact text."""
    end = _sentence_end(line)
    if end <= _SHORT_HEADING_CHARS:
        return end
    commas = [m.start() for m in _COMMA.finditer(line, 4, _SHORT_HEADING_CHARS + 1)]
    return commas[-1] if commas else min(end, _MAX_HEADING_CHARS)


def _sentence_end(line: str) -> int:
    match = _HEADING_END.search(line)
    return match.start() if match else len(line)


def _cut_short(line: str, length: int) -> bool:
    return length == _MAX_HEADING_CHARS and _sentence_end(line) > length


def heading_ordinal(line: str, kind: str) -> int | None:
    """The number a heading's marker states (「（三）」 → 3, 「第十二条」 → 12); None for 首先/其次…."""
    pattern = dict(_HEADING_PATTERNS)[kind]
    match = pattern.match(line)
    numeral = _NUMERAL.search(line, 0, match.end()) if match else None
    return numeral_value(numeral.group()) if numeral else None


def outline_blocks(text: str) -> list[Block]:
    """Cut a speech into blocks, each with its heading path."""
    blocks: list[Block] = []
    stack: list[Heading] = []
    block_start = 0
    for line_start, line in lines_with_offsets(text):
        kind = heading_kind(line)
        if kind is None:
            continue
        if line_start > block_start:
            blocks.append(Block(block_start, line_start, tuple(stack)))
        stack = _push(stack, Heading(kind, heading_text(line), line_start, heading_ordinal(line, kind)))
        block_start = line_start
    blocks.append(Block(block_start, len(text), tuple(stack)))
    return [block for block in blocks if text[block.start:block.end].strip()]


def _push(stack: list[Heading], heading: Heading) -> list[Heading]:
    """Replace a sibling of the same kind (dropping what nests under it), or nest (see nesting_depth)."""
    path = [(item.kind, item.ordinal) for item in stack]
    return stack[:nesting_depth(path, heading.kind, heading.ordinal)] + [heading]


def nesting_depth(path: list[tuple[str, int | None]], kind: str, ordinal: int | None) -> int:
    """Where a heading goes on the open path of (kind, ordinal) headings: the index it takes.

    A new kind nests. A kind already open follows the deepest heading of its kind
    whose ordinal is one less; a list marker restarting at 「一」 while a heading
    of another kind is open under its kind opens a list there (the 「一、」 items
    inside 「（一）」 of the 1955 report); otherwise it replaces the deepest
    heading of its kind. Without restarts a kind is open once at most, and this
    is the plain rule: a kind met again replaces its sibling, a new kind nests.
    """
    same = [index for index, (open_kind, _) in enumerate(path) if open_kind == kind]
    if not same:
        return len(path)
    follows = [index for index in same if ordinal is not None and path[index][1] == ordinal - 1]
    if follows:
        return follows[-1]
    if ordinal == 1 and kind not in _STRUCTURAL_KINDS and same[-1] < len(path) - 1:
        return len(path)
    return same[-1]


def lines_with_offsets(text: str):
    """``(offset, line)`` for every line (paragraph) of a cleaned text."""
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def section_path(path: tuple[Heading, ...]) -> str:
    return SECTION_SEPARATOR.join(heading.text for heading in path)


# -- inline enumerations ------------------------------------------------------
@dataclass(frozen=True)
class InlineMarker:
    """One item marker of an enumeration inside a paragraph (offset into the paragraph)."""

    kind: str  # 一是 (一是/一要), 第一是 (第一是/第一要/第一，), 首先 (首先/其次/再次/最后)
    ordinal: int
    offset: int


def inline_runs(paragraph: str) -> list[tuple[InlineMarker, ...]]:
    """Enumerations in one paragraph: ≥ 2 markers of one kind at clause starts, ordinals consecutive."""
    runs = [run for kind, pattern in _INLINE_PATTERNS for run in _runs(kind, pattern, paragraph)]
    return sorted(runs, key=lambda run: run[0].offset)


def _runs(kind: str, pattern: re.Pattern, paragraph: str) -> list[tuple[InlineMarker, ...]]:
    runs: list[tuple[InlineMarker, ...]] = []
    run: list[InlineMarker] = []
    for match in pattern.finditer(paragraph):
        word = match.group(1)
        ordinal = _inline_ordinal(kind, word, run)
        marker = InlineMarker(kind, ordinal, match.start()) if ordinal else None
        if marker and run and ordinal == run[-1].ordinal + 1:
            run.append(marker)
            continue
        _close(run, runs)
        run = [marker] if marker and (kind != "首先" or word == "首先") else []
    _close(run, runs)
    return runs


def _close(run: list[InlineMarker], runs: list[tuple[InlineMarker, ...]]) -> None:
    if len(run) >= 2:
        runs.append(tuple(run))


def _inline_ordinal(kind: str, word: str, run: list[InlineMarker]) -> int | None:
    """首先 1, 其次 2, 再次 3, 最后 the next one; numerals their value."""
    if kind != "首先":
        return numeral_value(word)
    if word == "最后":
        return run[-1].ordinal + 1 if run else None
    return _SEQUENCE_WORDS.index(word) + 1

"""Recognising a speech's outline: 一、 / （一） / 1、 / 一是… / 第一条….

Levels are not fixed per marker: the first marker kind met is the outer level
and a new kind nests under the current one, so 「一要…」 is top level in a
speech that has no 「一、」 and third level in one that has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN = "一二三四五六七八九十百零〇两"
_CN_SMALL = "一二三四五六七八九十"
_HEADING_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("第篇", re.compile(rf"^第[{_CN}]{{1,3}}篇")),
    ("第编", re.compile(rf"^第[{_CN}]{{1,4}}编")),
    ("第章", re.compile(rf"^第[{_CN}]{{1,4}}章")),
    ("第节", re.compile(rf"^第[{_CN}]{{1,4}}节")),
    ("第部分", re.compile(rf"^第[{_CN}]{{1,3}}部分")),
    ("cn、", re.compile(rf"^[{_CN_SMALL}]{{1,3}}\s*[、．.](?!\d)")),
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


@dataclass(frozen=True)
class Heading:
    kind: str
    text: str  # the heading as shown in a section path
    start: int  # offset of the heading line in the speech text


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


def heading_text(line: str) -> str:
    """The heading part of a line: up to its first sentence end; a long one up to a comma."""
    match = _HEADING_END.search(line)
    text = line[: match.start()] if match else line
    if len(text) <= _SHORT_HEADING_CHARS:
        return text
    commas = [m.start() for m in _COMMA.finditer(text, 4, _SHORT_HEADING_CHARS + 1)]
    if commas:
        return text[: commas[-1]]
    return text if len(text) <= _MAX_HEADING_CHARS else text[:_MAX_HEADING_CHARS] + "…"


def outline_blocks(text: str) -> list[Block]:
    """Cut a speech into blocks, each with its heading path."""
    blocks: list[Block] = []
    stack: list[Heading] = []
    block_start = 0
    for line_start, line in _lines_with_offsets(text):
        kind = heading_kind(line)
        if kind is None:
            continue
        if line_start > block_start:
            blocks.append(Block(block_start, line_start, tuple(stack)))
        stack = _push(stack, Heading(kind, heading_text(line), line_start))
        block_start = line_start
    blocks.append(Block(block_start, len(text), tuple(stack)))
    return [block for block in blocks if text[block.start:block.end].strip()]


def _push(stack: list[Heading], heading: Heading) -> list[Heading]:
    """Replace the sibling of the same kind (dropping what nests under it), or nest."""
    kinds = [item.kind for item in stack]
    if heading.kind in kinds:
        return stack[: kinds.index(heading.kind)] + [heading]
    return stack + [heading]


def _lines_with_offsets(text: str):
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def section_path(path: tuple[Heading, ...]) -> str:
    return SECTION_SEPARATOR.join(heading.text for heading in path)

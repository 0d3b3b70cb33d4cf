"""The outline tree of a cleaned speech, built at ingest and stored with its record.

The rules, each checked in tests/test_outline_tree.py:

- A heading is a line that starts with a marker (``outline.heading_kind``):
  一、 （一） 1、 (1) 一是/一要 首先 第一个 第X条 第X章 第X节 第X编 第X部分.
  Levels are relative, as for chunk sections (``outline.nesting_depth``): a
  kind met again closes what nests under it, a new kind nests under the current
  heading, a list restarting at 一 under another kind nests there. So in a
  regulation 第X条 nest under 第X章 (and 第X节), in a 政府工作报告 （一） under 三、.
- A node's ``heading`` is ``text[heading_start:heading_end]``, the heading part
  of its line (``outline.heading_length``: up to the first sentence end, a long
  one up to a comma, else its first 40 characters; the section path of a chunk
  marks such a cut with 「…」, the node's heading stays exact text). Its section ``[start, end)`` runs from the heading
  (``start == heading_start``) to the next heading of its level or above (or
  the end of the text), trailing whitespace trimmed. Children lie inside their
  parent; siblings are in text order and do not overlap.
- ``ordinal`` is the marker's number (一 → 1, （三） → 3, 第十二条 → 12); for
  首先/其次/再次/最后 it is the position among same-kind siblings.
- Weak markers (一是/一要, 首先/其次/…/最后) head a section only in company: a
  line whose marker has no sibling of its kind with the ordinal next to it
  (a lone 「一是」 or 「最后，祝大家…」) is body text; a paragraph that opens
  an enumeration and carries it on inline (「一是…；二是…」) is one paragraph.
- Inline enumerations (``outline.inline_runs``: ≥ 2 consecutive markers in one
  paragraph, 「一是…；二是…」, 「第一是…第二是…」, 「首先…其次…最后…」) are
  nodes (``inline=True``) under the deepest node holding them; an item runs to
  the next item or the end of its paragraph. Enumerations in the opening
  remarks, outside every heading's section, are not nodes: a speech without
  headings has an empty outline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vectorstore.speech.outline import (
    InlineMarker,
    heading_kind,
    heading_length,
    heading_ordinal,
    inline_runs,
    lines_with_offsets,
    nesting_depth,
)
from vectorstore.speech.model import Outline, OutlineNode

OUTLINE_VERSION = "tree-1"  # part of every speech's content hash: a new rule re-reads the speeches
WEAK_KINDS = frozenset({"一是", "首先"})


@dataclass(frozen=True)
class _Mark:
    """A heading line: its kind, stated ordinal (None for 首先…) and heading span."""

    kind: str
    ordinal: int | None
    heading_start: int
    heading_end: int


@dataclass
class _Draft:
    """A node while the tree is assembled (nodes are frozen once it is)."""

    kind: str
    ordinal: int | None
    heading_start: int
    heading_end: int
    end: int = 0
    inline: bool = False
    children: list[_Draft] = field(default_factory=list)


def build_outline(text: str) -> Outline:
    """The outline tree of one cleaned speech (see the module docstring for the rules)."""
    paragraphs = [(start, line, inline_runs(line)) for start, line in lines_with_offsets(text)]
    marks = [mark for start, line, runs in paragraphs if (mark := _line_mark(start, line, runs))]
    roots = _without_lone(marks, text)
    for start, line, runs in paragraphs:
        for run in runs:
            _place_run(roots, run, start, text, start + len(line))
    return Outline(tuple(_freeze(draft, 1, text) for draft in roots))


def _line_mark(start: int, line: str, runs: list[tuple[InlineMarker, ...]]) -> _Mark | None:
    kind = heading_kind(line)
    if kind is None or (kind in WEAK_KINDS and any(run[0].offset == 0 for run in runs)):
        return None
    return _Mark(kind, heading_ordinal(line, kind), start, start + heading_length(line))


def _without_lone(marks: list[_Mark], text: str) -> list[_Draft]:
    """Nest the marks; drop lone weak ones and nest again until none is left."""
    while True:
        roots = _nest(marks, text)
        lone = {draft.heading_start for draft in _lone(roots)}
        if not lone:
            return roots
        marks = [mark for mark in marks if mark.heading_start not in lone]


def _nest(marks: list[_Mark], text: str) -> list[_Draft]:
    """Relative nesting: a kind on the open path replaces its sibling, a new kind nests."""
    roots: list[_Draft] = []
    path: list[_Draft] = []
    for mark in marks:
        del path[nesting_depth([(draft.kind, draft.ordinal) for draft in path], mark.kind, mark.ordinal):]
        draft = _Draft(mark.kind, mark.ordinal, mark.heading_start, mark.heading_end)
        (path[-1].children if path else roots).append(draft)
        path.append(draft)
    _close(roots, text, len(text))
    return roots


def _close(siblings: list[_Draft], text: str, limit: int) -> None:
    """Each section ends where its next sibling starts (the last where its parent ends)."""
    for index, draft in enumerate(siblings):
        following = siblings[index + 1].heading_start if index + 1 < len(siblings) else limit
        draft.end = _trimmed_end(text, draft.heading_start, following)
        if draft.ordinal is None:  # 首先/其次…: the position among its kind
            draft.ordinal = sum(1 for other in siblings[:index + 1] if other.kind == draft.kind)
        _close(draft.children, text, draft.end)


def _lone(siblings: list[_Draft]):
    """Weak headings without a same-kind sibling whose ordinal is next to theirs."""
    for draft in siblings:
        if draft.kind in WEAK_KINDS:
            ordinals = {other.ordinal for other in siblings if other.kind == draft.kind and other is not draft}
            if not ordinals & {draft.ordinal - 1, draft.ordinal + 1}:
                yield draft
        yield from _lone(draft.children)


def _place_run(roots: list[_Draft], run: tuple[InlineMarker, ...], start: int, text: str, stop: int) -> None:
    """An inline enumeration of the paragraph ``text[start:stop]`` under the deepest node holding it."""
    holder = _deepest(roots, start + run[0].offset)
    if holder is None:
        return
    starts = [start + marker.offset for marker in run] + [stop]
    items = [_item(marker, a, min(b, holder.end), text) for marker, a, b in zip(run, starts, starts[1:])
             if holder.heading_end <= a < holder.end]
    if len(items) >= 2:
        holder.children = sorted(holder.children + items, key=lambda draft: draft.heading_start)


def _item(marker: InlineMarker, start: int, stop: int, text: str) -> _Draft:
    end = _trimmed_end(text, start, stop)
    return _Draft(marker.kind, marker.ordinal, start, start + heading_length(text[start:end]), end, inline=True)


def _deepest(drafts: list[_Draft], offset: int) -> _Draft | None:
    """The innermost section holding ``offset`` (None outside every section)."""
    found = None
    while (draft := next((d for d in drafts if d.heading_start <= offset < d.end), None)) is not None:
        found, drafts = draft, draft.children
    return found


def _trimmed_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _freeze(draft: _Draft, level: int, text: str) -> OutlineNode:
    return OutlineNode(
        level=level, kind=draft.kind, ordinal=draft.ordinal, heading=text[draft.heading_start:draft.heading_end],
        heading_start=draft.heading_start, heading_end=draft.heading_end, start=draft.heading_start, end=draft.end,
        inline=draft.inline, children=tuple(_freeze(child, level + 1, text) for child in draft.children),
    )

"""What an earlier answer gave, read back from its text.

A chat client sends the history as plain messages, so the assistant's own turns come back as the
text it wrote: the list it gave (「1. （一）要强化领导促招商。」, 「1、抓开工。」), the documents it
quoted (「（出自《…》）」, 「《…》（…）：」), the terms it put in quotation marks, or a refusal. That is
what a follow-up can point into: 「第三点」 is the third item, 「那篇讲话」 the document quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vectorstore.speech.outline import item_marker

__all__ = ["AnswerRecall"]

MARKER = re.compile(r"\s*\[\d+\]\s*")
NUMBERED = re.compile(r"^\d+\.\s+(.+)$")
TITLE = re.compile(r"《([^《》]{2,80})》")
QUOTED = re.compile(r"“([^“”]{2,16})”")
REFUSED = "资料中没有找到"
SOURCES_HEADING = "\n\n来源："
MIN_ITEMS = 2


@dataclass(frozen=True)
class AnswerRecall:
    """The parts of an earlier answer a follow-up can point to."""

    items: tuple[str, ...] = ()  # the list it gave, in order, without markers
    titles: tuple[str, ...] = ()  # the documents it quoted, by title
    quoted: tuple[str, ...] = ()  # terms it put in quotation marks, in order
    refused: bool = False
    outline: bool = False  # the list was a part of a speech's outline (「下面分为N点：」)

    @classmethod
    def read(cls, text: str) -> AnswerRecall:
        text = (text or "").split(SOURCES_HEADING)[0]  # an OpenAI-style answer's 「来源：」 list is not the answer
        return cls(items=answer_items(text), titles=tuple(dict.fromkeys(TITLE.findall(text))),
                   quoted=tuple(dict.fromkeys(QUOTED.findall(text))), refused=text.startswith(REFUSED),
                   outline="下面分为" in text)

    def item(self, ordinal: int, head: str = "") -> str | None:
        """The Nth item (1-based; -1 the last); failing a list, the Nth quoted term ending in ``head``
        (「第二种精神」 among “四千精神” and “五皮精神”)."""
        items = self.items or tuple(term for term in self.quoted if head and term.endswith(head))
        if items and ordinal == -1:
            return items[-1]
        return items[ordinal - 1] if 1 <= ordinal <= len(items) else None


def answer_items(text: str) -> tuple[str, ...]:
    """The items of the list an answer gave: its numbered lines, else its sentences that start
    with one kind of item marker (「1、…」「（一）…」「一是…」)."""
    pieces = [MARKER.sub("", piece).strip() for line in text.splitlines() for piece in re.split(r"\[\d+\]", line)]
    pieces = [piece for piece in pieces if piece]
    numbered = [m.group(1) for m in map(NUMBERED.match, pieces) if m]
    if len(numbered) >= MIN_ITEMS:
        return tuple(numbered)
    kinds = [item_marker(piece) for piece in pieces]
    found = [kind for kind in kinds if kind]
    if not found:
        return ()
    kind = max(set(found), key=found.count)
    items = tuple(piece for piece, k in zip(pieces, kinds) if k == kind)
    return items if len(items) >= MIN_ITEMS else ()

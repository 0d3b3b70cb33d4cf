"""Answer kinds: the ways a question is answered, one module each, tried in one order.

``route`` is the one place that reads a question's intent: it names the kinds the question tries,
first to last; the first that returns a Draft answers, and the Answer records its name. Adding a
kind is a module here, its entry in ``KINDS`` and, when an intent leads to it, in ``ROUTES``.
"""

from __future__ import annotations

from assistant.answering.kinds.base import Ask, Kind
from assistant.answering.kinds.documents import COLLECTION, CROSS, MENTION, STRUCTURE
from assistant.answering.kinds.per_year import PER_YEAR
from assistant.answering.kinds.picked import PICKED
from assistant.understanding import Intent, QuestionAnalysis
from assistant.understanding.question import per_year

__all__ = ["Ask", "KINDS", "Kind", "ROUTES", "route"]

KINDS = {kind.name: kind for kind in (COLLECTION, MENTION, CROSS, STRUCTURE, PER_YEAR, PICKED)}
# The kinds an intent leads to before the last resort (the picker, or the per-year questions).
ROUTES: dict[Intent, tuple[str, ...]] = {
    Intent.COLLECTION: ("collection",), Intent.MENTION: ("mention",), Intent.CROSS: ("cross",),
    Intent.OUTLINE: ("structure",), Intent.ITEM: ("structure",), Intent.SUMMARY: ("structure",),
    Intent.LIST: ("structure",),
}


def route(analysis: QuestionAnalysis) -> list[Kind]:
    """The kinds to try for this question, in order."""
    last = "per_year" if per_year(analysis.text) else "picked"
    return [KINDS[name] for name in (*ROUTES.get(analysis.intent, ()), last)]

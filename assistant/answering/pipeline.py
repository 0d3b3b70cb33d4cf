"""From a standalone question to a checked draft: analyse, retrieve, compose or pick, check.

A question of several parts (「…是哪一年？…是哪个生肖年？」) is answered part by part, each with
its own retrieval inside the question's scope, and the answers are joined.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from assistant.answering.answerer import Answerer, Draft
from assistant.answering.constraints import refusal as constraint_refusal
from assistant.answering.constraints import unmet
from assistant.answering.cross import with_sources_named
from assistant.answering.kinds import Ask, route
from assistant.answering.structured import QuotedPart, StructuredAnswers, in_section
from assistant.retrieval.evidence import Evidence
from assistant.understanding.lexicon.forms import asked_form
from assistant.understanding import Intent, QuestionAnalysis
from assistant.understanding.service import Understanding, narrowed, preferred, search_text
from vectorstore.search import SearchFilters

CROSS_PASSAGES = 10  # a question across speeches reads more passages, at most 2 from one speech
CROSS_PER_SPEECH = 2


@dataclass(frozen=True)
class Outcome:
    analysis: QuestionAnalysis
    evidences: list[Evidence]
    draft: Draft | None
    kind: str | None = None  # the answer kind that answered (None: refused)


class AnswerPipeline:
    """The one way a question becomes a draft, for every backend and face."""

    def __init__(self, index, retriever, answerer: Answerer, understanding: Understanding, structured: StructuredAnswers):
        self.index = index
        self.retriever = retriever
        self.answerer = answerer
        self.understanding = understanding
        self.structured = structured

    def run(self, query: str, filters: SearchFilters | None, exclude: tuple[str, ...] = (),
            within: tuple[str, ...] = ()) -> Iterator[str | Outcome]:
        """Text as it is produced, then the Outcome. From the conversation: ``exclude``, speeches set
        aside (「另一篇讲话」); ``within``, the thread's speech a reference points at (「那次会议上」)."""
        filters = self._excluding(self._within(filters, within), exclude)
        analysis = self.understanding.analyse(query)
        section = self.structured.quoted_part(analysis)
        ask = Ask(analysis, self.evidence_for(query, analysis, filters, section), filters, section)
        draft, kind = None, None
        for kind in route(analysis):
            draft = yield from kind.run(self, ask)
            if draft is not None:
                break
        checked = self.checked(analysis, draft)
        answered = kind.name if checked is not None and checked.grounded else None
        yield Outcome(analysis, ask.evidences, checked, answered)

    def search(self, query: str, k: int, filters: SearchFilters | None):
        """Passages for a query through the same ranking answers read, the named part first."""
        analysis = self.understanding.analyse(query)
        text, span = in_section(search_text(query, filters, analysis), self.structured.quoted_part(analysis))
        ranked = self.retriever.ranked(text, narrowed(filters, analysis), preferred(analysis), depth=k,
                                       stating=asked_form(query), part=span)
        first = self.structured.anchors(analysis, ranked[0].speech_id if ranked else None)
        ids = {p.chunk_id for p in first}
        return (first + [p for p in ranked if p.chunk_id not in ids])[:k]

    def _within(self, filters: SearchFilters | None, within: tuple[str, ...]) -> SearchFilters | None:
        base = filters or SearchFilters()
        if not within or (base.speech_ids and not set(within) & set(base.speech_ids)):
            return filters
        return replace(base, speech_ids=within)

    def _excluding(self, filters: SearchFilters | None, exclude: tuple[str, ...]) -> SearchFilters | None:
        if not exclude:
            return filters
        base = filters or SearchFilters()
        allowed = base.speech_ids or tuple(sorted(self.index.speeches()))
        return replace(base, speech_ids=tuple(i for i in allowed if i not in exclude))

    def evidence_for(self, query: str, analysis: QuestionAnalysis, filters, section: QuotedPart | None) -> list[Evidence]:
        scoped = narrowed(filters, analysis)
        if analysis.intent is Intent.CROSS:
            scoped = self._within(scoped, analysis.compared)
            return self.retriever.evidence(analysis.topic, scoped, k=CROSS_PASSAGES, per_speech=CROSS_PER_SPEECH)
        text, span = in_section(search_text(query, filters, analysis), section)
        return self.retriever.evidence(text, scoped, prefer=preferred(analysis), stating=asked_form(query), part=span)

    def checked(self, analysis: QuestionAnalysis, draft: Draft | None) -> Draft | None:
        """The draft held to the question's constraints, naming its speech when the question named none."""
        if draft is None or not draft.grounded:
            return draft
        records = self.index.speeches()
        reason = unmet(analysis, draft, records)
        if reason:
            return constraint_refusal(reason)
        if analysis.scope.certain or analysis.intent in (Intent.CROSS, Intent.COLLECTION):
            return draft  # each line of a cross or collection answer names its document already
        return with_sources_named(draft, records)

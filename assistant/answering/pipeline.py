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
from assistant.understanding.lexicon.metadata import answered_by_metadata
from assistant.answering.structured import QuotedPart, StructuredAnswers, joined
from assistant.retrieval.evidence import Evidence
from assistant.understanding.lexicon.forms import asked_form
from assistant.understanding import Intent, QuestionAnalysis
from assistant.understanding.question import per_year
from assistant.understanding.service import Understanding, narrowed, preferred, search_text
from vectorstore.search import SearchFilters

CROSS_PASSAGES = 10  # a question across speeches reads more passages, at most 2 from one speech
CROSS_PER_SPEECH = 2


@dataclass(frozen=True)
class Outcome:
    analysis: QuestionAnalysis
    evidences: list[Evidence]
    draft: Draft | None


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
        evidences = self._evidence(query, analysis, filters, section)
        draft = self.structured.draft(analysis, evidences)
        if draft is None and per_year(analysis.text):
            draft = yield from self._per_year(analysis, filters, section)
        elif draft is None:
            draft = yield from self._picked(analysis, evidences, filters, section)
        else:
            yield draft.text
        yield Outcome(analysis, evidences, self._checked(analysis, draft))

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

    def _evidence(self, query: str, analysis: QuestionAnalysis, filters, section: QuotedPart | None) -> list[Evidence]:
        scoped = narrowed(filters, analysis)
        if analysis.intent is Intent.CROSS:
            scoped = self._within(scoped, analysis.compared)
            return self.retriever.evidence(analysis.topic, scoped, k=CROSS_PASSAGES, per_speech=CROSS_PER_SPEECH)
        text, span = in_section(search_text(query, filters, analysis), section)
        return self.retriever.evidence(text, scoped, prefer=preferred(analysis), stating=asked_form(query), part=span)

    def _picked(self, analysis: QuestionAnalysis, evidences: list[Evidence], filters, section: QuotedPart | None):
        """The answerer's draft (streamed), part by part, after a meta line when one applies."""
        meta = self.structured.meta(analysis, evidences)
        if meta is not None and not meta.grounded:
            return meta
        if meta is not None:
            yield meta.text + "\n"
        parts = analysis.parts
        picked = None
        for part in parts:
            drafted = self.structured.opening(analysis, part, evidences)
            if drafted is not None:
                yield drafted.text + "\n"
            else:
                part_evidence = evidences if len(parts) == 1 else self._part_evidence(part, analysis, filters, section)
                drafted = yield from self._pick(analysis, part if len(parts) > 1 else None, part_evidence, section)
            picked = drafted if picked is None else joined(picked, drafted)
        if picked is None and len(parts) == 1:
            picked = self.structured.by_heading(analysis, evidences)
            if picked is not None:
                yield picked.text
        if meta is None or (picked is None and not answered_by_metadata(analysis.text)):
            return picked  # the meta line alone answers only a question about who / when / which meeting
        return joined(meta, picked)

    def _per_year(self, analysis: QuestionAnalysis, filters, section: QuotedPart | None):
        """One figure asked for several years: each year asked as its own question and checked on its
        own (another year's figure is no answer for it); a year nothing answers says so."""
        draft: Draft | None = None
        for year, question in per_year(analysis.text):
            yield f"{year}年："
            asked = self.understanding.analyse(question)
            picked = yield from self._picked(asked, self._evidence(question, asked, filters, section), filters, section)
            checked = self._checked(asked, picked)
            if checked is None or not checked.grounded or not checked.citations:
                yield "没有找到。"
                part = Draft(f"{year}年：没有找到。", ())
            else:
                part = Draft(f"{year}年：{checked.text}", checked.citations)
            yield "\n"
            draft = part if draft is None else joined(draft, part) if part.citations else \
                Draft(f"{draft.text}\n{part.text}", draft.citations)
        return draft if draft is not None and draft.citations else None

    def _part_evidence(self, part: str, analysis: QuestionAnalysis, filters, section: QuotedPart | None) -> list[Evidence]:
        named = "".join(term for term in analysis.scope.terms if term not in part)
        text = search_text(part, filters, analysis)  # inside a named speech, what the part asks
        text, span = in_section(named + part if text is part else text, section)
        return self.retriever.evidence(text, narrowed(filters, analysis), prefer=preferred(analysis),
                                       stating=asked_form(part), part=span)

    def _pick(self, analysis: QuestionAnalysis, part: str | None, evidences: list[Evidence], section: QuotedPart | None):
        question, _ = in_section(analysis.focus if part is None else analysis.focus_of(part), section)
        outline = self.structured.outline_for(analysis, evidences)
        result = None
        for item in self.answerer.stream(question, evidences, outline=outline, scoped=analysis.scope.certain):
            if isinstance(item, str):
                yield item
            else:
                result = item  # the backend's Draft, or None
        return result if result is not None and result.citations else None

    def _checked(self, analysis: QuestionAnalysis, draft: Draft | None) -> Draft | None:
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


def in_section(text: str, section: QuotedPart | None) -> tuple[str, tuple[int, int] | None]:
    """What to rank by, and the span to read, when the question names a part of its speech by a
    quoted phrase of the part's heading (``section``): the phrase says where, the rest what is asked."""
    return (section.unnamed(text), section.span) if section else (text, None)

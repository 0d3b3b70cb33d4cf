"""Answers from a speech's structure, before the sentence picker: which speech, which composer,
and how a composed line joins the picked sentences."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answering.composers import Draft, content_words, heading_named, part_offsets, quoted_heading
from assistant.answering.cross import speech_label
from assistant.answering.meta import compose_meta
from assistant.answering.opening import from_opening
from assistant.answering.speech_view import SpeechView
from assistant.retrieval.evidence import Evidence
from assistant.understanding.lexicon.asking import about_the_occasion, points_at_opening
from assistant.understanding.lexicon.forms import wants_number
from assistant.understanding import Intent, QuestionAnalysis
from vectorstore.speech.types import Passage

STRUCTURE_INTENTS = (Intent.OUTLINE, Intent.ITEM, Intent.SUMMARY)
HEADING_INTENTS = (Intent.FACT, Intent.LIST, Intent.DEFINITION)  # a part's opening may answer these, not a figure
_MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class QuotedPart:
    """A part of a speech named by a phrase of its heading that the question quotes."""

    start: int
    end: int
    phrase: str

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def unnamed(self, text: str) -> str:
        """``text`` without the quoted phrase that named the part and the words framing it (「讲“X”时」
        says where, not what is asked), unless nothing else is asked."""
        where = (f"(?:在|当)?(?:讲到|谈到|说到|提到|讲|谈|说)?[“\"「『‘]?{re.escape(self.phrase)}[”\"」』’]?"
                 f"(?:这一?(?:部分|条|点|段|节))?(?:的时候|时|中|里|上)?")
        inner = re.sub(where, " ", text)
        return inner if content_words(inner) else text  # 「“X”具体指什么？」 asks about X itself


class StructuredAnswers:
    """Outline, item, summary and meta answers over the speech a question means."""

    def __init__(self, index, idf: Callable, picker=None):
        self.index = index
        self.idf = idf
        self.picker = picker  # the ExtractiveAnswerer: its sentence scores serve cross-speech answers

    def compared_too(self, analysis: QuestionAnalysis, draft: Draft | None) -> Draft | None:
        """A comparison says of each speech it names that has no line on the topic that it has none."""
        answered = {citation.speech_id for citation in draft.citations} if draft else set()
        records = self.index.speeches()
        silent = [records[i] for i in analysis.compared if i not in answered and i in records]
        if draft is None or not silent:
            return draft
        lines = [f"{speech_label(record)}：没有找到讲“{analysis.topic_named}”的内容。" for record in silent]
        return Draft("\n".join([draft.text, *lines]), draft.citations)

    def meta(self, analysis: QuestionAnalysis, evidences: list[Evidence]) -> Draft | None:
        """The who/when/which-meeting line of a meta question, or None."""
        if analysis.intent is not Intent.META:
            return None
        view = self.view_for(analysis, evidences, need_scope=True)
        return compose_meta(analysis.text, view) if view else None

    def opening(self, analysis: QuestionAnalysis, part: str, evidences: list[Evidence]) -> Draft | None:
        """A part of a question about the meeting (who convened it, what came before, 「开场时说…」),
        answered from the opening of the speech the question names; None for other parts."""
        asks_meeting = analysis.intent is Intent.META or points_at_opening(analysis.text)
        if self.picker is None or not (analysis.scope.certain and asks_meeting and about_the_occasion(part)):
            return None
        if wants_number(part):
            return None
        view = self.view_for(analysis, evidences)
        found = from_opening(analysis.focus_of(part), view, self.picker) if view else []
        citations: list = []
        lines = [f"{sentence.text}[{n}]" for evidence, sentence in found
                 if (n := view.cite(citations, evidence, sentence)) is not None]
        return Draft("\n".join(lines), tuple(citations)) if citations else None

    def quoted_part(self, analysis: QuestionAnalysis) -> QuotedPart | None:
        """The one part of the named speech whose heading holds a phrase the question quotes
        (「讲“凭平台招商”时，…用了什么比方？」): what the question asks is said in that part."""
        if not (analysis.quoted and analysis.scope.certain) or analysis.intent is Intent.CROSS:
            return None
        record = self.index.speeches().get(analysis.scope.best)
        found = quoted_heading(record.outline, analysis.quoted) if record else None
        return QuotedPart(found[0].start, found[0].end, found[1]) if found else None

    def by_heading(self, analysis: QuestionAnalysis, evidences: list[Evidence]) -> Draft | None:
        """When no sentence answers a question about the one named speech: the part a heading of
        it alone names by the question's words (「…主要载体是什么？」 → 「要凭平台招商」), or None."""
        if not analysis.scope.certain or analysis.intent not in HEADING_INTENTS:
            return None
        view = self.view_for(analysis, evidences)
        return heading_named(analysis, view, self.idf) if view and view.outline else None

    def view_for(self, analysis: QuestionAnalysis, evidences: list[Evidence], need_scope: bool = False):
        """The meant speech: a certain scope, else the best passage's speech when the scope allows it."""
        scope = analysis.scope
        if scope.certain:
            speech_id = scope.best
        elif evidences and (evidences[0].passage.speech_id in scope.speech_ids or not (scope.speech_ids or need_scope)):
            speech_id = evidences[0].passage.speech_id
        else:
            return None
        return SpeechView.load(self.index, speech_id)


    def anchors(self, analysis: QuestionAnalysis, speech_id: str | None) -> list[Passage]:
        """The passages holding the part a structure question names (its heading, the item asked
        for, or the top-level headings of a summary), to rank first."""
        if analysis.intent not in STRUCTURE_INTENTS:
            return []
        speech_id = analysis.scope.best if analysis.scope.certain else speech_id
        view = SpeechView.load(self.index, speech_id) if speech_id else None
        if view is None or not view.outline:
            return []
        offsets = part_offsets(analysis, view, self.idf)
        return list({p.chunk_id: p for p in (view.evidence_at(o).passage for o in offsets if view.evidence_at(o))}.values())

    def outline_for(self, analysis: QuestionAnalysis, evidences: list[Evidence]) -> str:
        """The meant speech's outline as indented headings, for a generator asked about its parts."""
        view = self.view_for(analysis, evidences) if analysis.intent in STRUCTURE_INTENTS else None
        if view is None or not view.outline:
            return ""
        return "\n".join("  " * (len(path) - 1) + node.heading for path, node in view.outline.walk() if len(path) <= 2)


def joined(first: Draft, second: Draft | None) -> Draft:
    """``first`` then ``second``, the second's markers renumbered after the first's citations; a
    line of the second that only repeats sentences the first already quotes is left out."""
    if second is None or not second.citations:
        return first
    known = {(c.speech_id, c.quote_start): c.n for c in first.citations}
    numbers: dict[int, int] = {}
    moved = []
    for citation in second.citations:
        key = (citation.speech_id, citation.quote_start)
        if key in known:
            numbers[citation.n] = known[key]
        else:
            numbers[citation.n] = len(first.citations) + len(moved) + 1
            moved.append(citation.model_copy(update={"n": numbers[citation.n]}))
    fresh = {c.n for c in moved}
    lines = [_MARKER.sub(lambda m: f"[{numbers.get(int(m.group(1)), int(m.group(1)))}]", line)
             for line in second.text.split("\n")
             if not (markers := [numbers.get(int(n)) for n in _MARKER.findall(line)]) or set(markers) & fresh]
    text = "\n".join([first.text] + lines) if lines else first.text
    return Draft(text, first.citations + tuple(moved))


def in_section(text: str, section: QuotedPart | None) -> tuple[str, tuple[int, int] | None]:
    """What to rank by, and the span to read, when the question names a part of its speech by a
    quoted phrase of the part's heading (``section``): the phrase says where, the rest what is asked."""
    return (section.unnamed(text), section.span) if section else (text, None)

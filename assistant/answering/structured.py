"""Answers from a speech's structure, before the sentence picker: which speech, which composer,
and how a composed line joins the picked sentences."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answering.composers import Draft, compose, part_offsets
from assistant.answering.cross import compose_cross
from assistant.answering.meta import compose_meta
from assistant.answering.speech_view import SpeechView
from assistant.citations import Evidence
from assistant.understanding import Intent, QuestionAnalysis
from vectorstore.types import Passage

STRUCTURE_INTENTS = (Intent.OUTLINE, Intent.ITEM, Intent.SUMMARY)
_MARKER = re.compile(r"\[(\d+)\]")


class StructuredAnswers:
    """Outline, item, summary and meta answers over the speech a question means."""

    def __init__(self, index, idf: Callable, picker=None):
        self.index = index
        self.idf = idf
        self.picker = picker  # the ExtractiveAnswerer: its sentence scores serve cross-speech answers

    def draft(self, analysis: QuestionAnalysis, evidences: list[Evidence]) -> Draft | None:
        """A composed answer for outline / item / summary / cross questions, or None."""
        if analysis.intent is Intent.CROSS and self.picker is not None:
            return compose_cross(analysis.text, evidences, self.picker.score_sentences,
                                 self.picker.thresholds.coverage)
        if analysis.intent not in STRUCTURE_INTENTS:
            return None
        view = self.view_for(analysis, evidences)
        return compose(analysis, view, self.idf) if view else None

    def meta(self, analysis: QuestionAnalysis, evidences: list[Evidence]) -> Draft | None:
        """The who/when/which-meeting line of a meta question, or None."""
        if analysis.intent is not Intent.META:
            return None
        view = self.view_for(analysis, evidences, need_scope=True)
        return compose_meta(analysis.text, view) if view else None

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
    """``first`` then ``second``, the second's markers renumbered after the first's citations."""
    if second is None or not second.citations:
        return first
    shift = len(first.citations)
    moved = tuple(c.model_copy(update={"n": c.n + shift}) for c in second.citations)
    text = _MARKER.sub(lambda m: f"[{int(m.group(1)) + shift}]", second.text)
    return Draft(f"{first.text}\n{text}", first.citations + moved)

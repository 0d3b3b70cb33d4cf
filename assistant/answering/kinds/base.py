"""What every answer kind reads (one ``Ask`` per question) and what a kind is."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.answering.answerer import Draft

if TYPE_CHECKING:
    from assistant.answering.pipeline import AnswerPipeline
    from assistant.answering.structured import QuotedPart
    from assistant.retrieval.evidence import Evidence
    from assistant.understanding import QuestionAnalysis
    from vectorstore.search import SearchFilters

Run = Generator[str, None, "Draft | None"]


@dataclass(frozen=True)
class Ask:
    """One question as the kinds read it: its analysis, the passages found, the user's filters and
    the part of the speech its quoted phrase names."""

    analysis: QuestionAnalysis
    evidences: list[Evidence]
    filters: SearchFilters | None = None
    section: QuotedPart | None = None


@dataclass(frozen=True)
class Kind:
    """A way of answering: ``run(pipeline, ask)`` yields text as it is produced and returns the Draft,
    or None when this kind cannot answer the question."""

    name: str
    run: Callable[[AnswerPipeline, Ask], Run]


def composed(name: str, compose: Callable[[AnswerPipeline, Ask], Draft | None]) -> Kind:
    """A kind whose answer is composed whole (not streamed as it is made)."""

    def run(pipeline: AnswerPipeline, ask: Ask) -> Run:
        draft = compose(pipeline, ask)
        if draft is not None:
            yield draft.text
        return draft

    return Kind(name, run)

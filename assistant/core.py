"""The one core every face calls: ``Assistant.ask / stream / search``."""

from __future__ import annotations

import logging
from typing import Iterator

from assistant.citations import Evidence
from assistant.types import REFUSAL, Answer, RelatedPassage
from vectorstore.search import SearchFilters
from vectorstore.types import Passage

log = logging.getLogger(__name__)
RELATED_COUNT = 3


class Assistant:
    """Answers questions about the indexed speeches, with verified citations."""

    def __init__(self, settings, index, searcher, retriever, answerer, rewriter, ingestor=None):
        self.settings = settings
        self.index = index
        self.searcher = searcher
        self.retriever = retriever
        self.answerer = answerer  # extractive or generative: .answer(...) and .stream(...)
        self.rewriter = rewriter  # question + history -> standalone question
        self.ingestor = ingestor

    @property
    def backend(self) -> str:
        return self.answerer.name

    def search(self, query: str, k: int = 10, mode: str = "hybrid",
               filters: SearchFilters | None = None) -> list[Passage]:
        """Passages for a query, best first (no answer)."""
        return self.searcher.search(query, k=k, mode=mode, filters=filters)

    def ask(self, question: str, history: list[dict] | None = None,
            filters: SearchFilters | None = None) -> Answer:
        """A cited answer, or a refusal with related reading."""
        answer = None
        for item in self.stream(question, history, filters):
            answer = item if isinstance(item, Answer) else answer
        return answer

    def stream(self, question: str, history: list[dict] | None = None,
               filters: SearchFilters | None = None) -> Iterator[str | Answer]:
        """Text deltas as they are produced, then the final Answer."""
        question = _checked(question)
        query = self.rewriter(question, history or [])
        evidences = self.retriever.evidence(query, filters)
        result = None
        for item in self.answerer.stream(query, evidences):
            if isinstance(item, str):
                yield item
            else:
                result = item
        yield self._answer(question, query, evidences, result)

    def _answer(self, question: str, query: str, evidences: list[Evidence], result) -> Answer:
        if result is None or not result[1]:
            return Answer(question=question, query=query, text=REFUSAL, grounded=False,
                          related=tuple(related(evidences)), backend=self.backend)
        text, citations = result
        return Answer(question=question, query=query, text=text, grounded=True,
                      citations=tuple(citations), backend=self.backend)


def related(evidences: list[Evidence]) -> list[RelatedPassage]:
    return [RelatedPassage(source=e.passage.source, title=e.passage.title, section=e.passage.section,
                           speech_id=e.passage.speech_id, chunk_id=e.passage.chunk_id, text=e.passage.text,
                           score=e.passage.score, start=e.passage.start, end=e.passage.end)
            for e in evidences[:RELATED_COUNT]]


def _checked(question: str) -> str:
    from vectorstore.errors import InputError

    text = (question or "").strip()
    if not text:
        raise InputError("the question is empty; ask something about the speeches")
    if len(text) > 2000:
        raise InputError(f"the question is {len(text)} characters long; keep it under 2000")
    return text

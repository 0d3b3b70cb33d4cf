"""Dense, keyword and hybrid search over a store (vectorstore/stores/): the store runs each mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vectorstore.speech.records import SpeechRecord, date_number
from vectorstore.stores.fusion import RRF_K, reciprocal_rank_fusion
from vectorstore.stores.protocol import ScoredChunk, SpeechStore
from vectorstore.speech.types import Passage

__all__ = ["SearchMode", "SearchFilters", "Searcher", "RRF_K", "reciprocal_rank_fusion", "spread_speeches",
           "to_passage"]
SearchMode = Literal["dense", "keyword", "hybrid"]


@dataclass(frozen=True)
class SearchFilters:
    """Metadata filters; every field optional, all given ones must hold."""

    speech_ids: tuple[str, ...] = ()
    speaker: str | None = None
    place: str | None = None
    date_from: str | None = None  # yyyy, yyyy-mm or yyyy-mm-dd, inclusive
    date_to: str | None = None

    def where(self) -> dict | None:
        """The filters as a Chroma ``where`` clause."""
        clauses: list[dict] = []
        if self.speech_ids:
            clauses.append({"speech_id": {"$in": list(self.speech_ids)}})
        if self.speaker:
            clauses.append({"speaker": self.speaker})
        if self.place:
            clauses.append({"places": {"$contains": self.place}})
        if self.date_from:
            clauses.append({"date_num": {"$gte": date_number(self.date_from)}})
        if self.date_to:
            clauses.append({"date_num": {"$lte": _end_of(self.date_to)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _end_of(date: str) -> int:
    """The last date_num a partial date covers: ``2024`` → 20241231."""
    parts = date.split("-")
    return date_number("-".join(parts + ["12", "31"][len(parts) - 1:]))


class Searcher:
    """Runs searches and turns scored chunks into Passages."""

    def __init__(self, index: SpeechStore, dense_weight: float = 1.0, keyword_weight: float = 1.0):
        self.index = index
        self.dense_weight = dense_weight
        self.keyword_weight = keyword_weight

    def search(self, query: str, k: int = 10, mode: SearchMode = "hybrid",
               filters: SearchFilters | None = None) -> list[Passage]:
        where = filters.where() if filters else None
        if mode == "dense":
            hits = self.index.dense_search(query, k, where)
        elif mode == "keyword":
            hits = self._keyword(query, k, where)
        else:
            hits = self._hybrid(query, k, where)
        records = self.index.speeches()
        return [to_passage(hit, records.get(hit.chunk.speech_id)) for hit in hits]

    def _keyword(self, query: str, k: int, where: dict | None) -> list[ScoredChunk]:
        return self.index.keyword_search(query, k, where)

    def _hybrid(self, query: str, k: int, where: dict | None) -> list[ScoredChunk]:
        return self.index.hybrid_search(query, k, where, self.dense_weight, self.keyword_weight)


def spread_speeches(passages: list[Passage], cap: int) -> list[Passage]:
    """The same passages, a speech's hits after its ``cap``-th moved behind the other speeches'
    (in order): one speech, stuffed with every question's words, cannot fill the top results."""
    counts: dict[str, int] = {}
    first, later = [], []
    for passage in passages:
        counts[passage.speech_id] = counts.get(passage.speech_id, 0) + 1
        (first if counts[passage.speech_id] <= cap else later).append(passage)
    return first + later


def to_passage(hit: ScoredChunk, record: SpeechRecord | None) -> Passage:
    chunk = hit.chunk
    return Passage(
        chunk_id=chunk.id, speech_id=chunk.speech_id, source=chunk.source, title=chunk.title,
        section=chunk.section, start=chunk.start, end=chunk.end, text=chunk.text, score=hit.score,
        speaker=record.speaker if record else None, date=record.date if record else None,
    )

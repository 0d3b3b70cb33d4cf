"""Dense, keyword and hybrid (reciprocal-rank-fused) search over a SpeechIndex."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vectorstore.store import ScoredChunk, SpeechIndex, SpeechRecord, date_number
from vectorstore.types import Passage

SearchMode = Literal["dense", "keyword", "hybrid"]
RRF_K = 60


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

    def __init__(self, index: SpeechIndex, dense_weight: float = 1.0, keyword_weight: float = 1.0):
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
        allowed = self.index.chunk_ids(where) if where else None
        return self.index.keyword_search(query, k, allowed)

    def _hybrid(self, query: str, k: int, where: dict | None) -> list[ScoredChunk]:
        depth = max(3 * k, 30)
        dense = self.index.dense_search(query, depth, where)
        keyword = self._keyword(query, depth, where)
        return reciprocal_rank_fusion([(dense, self.dense_weight), (keyword, self.keyword_weight)])[:k]


def reciprocal_rank_fusion(rankings: list[tuple[list[ScoredChunk], float]], k: int = RRF_K) -> list[ScoredChunk]:
    """Fuse ranked lists: score = Σ weight / (k + rank); ties keep the first list's order."""
    scores: dict[str, float] = {}
    chunks = {}
    for ranking, weight in rankings:
        for rank, hit in enumerate(ranking, start=1):
            scores[hit.chunk.id] = scores.get(hit.chunk.id, 0.0) + weight / (k + rank)
            chunks.setdefault(hit.chunk.id, hit.chunk)
    order = sorted(scores, key=lambda chunk_id: -scores[chunk_id])
    return [ScoredChunk(chunks[chunk_id], scores[chunk_id]) for chunk_id in order]


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

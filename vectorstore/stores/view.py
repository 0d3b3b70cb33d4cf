"""An index seen through a set of collections: every read an answer can make (the speeches, their
chunks, the searches, the phrase lookups) holds only the speeches of those collections, so that a
question asked in one collection never retrieves, quotes or lists another's passages. Anything else
(the embedder, the keyword statistics, the identity, writes) is the index's own."""

from __future__ import annotations

__all__ = ["CollectionView"]

NO_SPEECH = "\x00none"  # an id no speech has: a view of no speech matches nothing (an empty $in is refused)


class CollectionView:
    def __init__(self, index, collections: frozenset[str]):
        self._index = index
        self.collections = frozenset(collections)

    def __getattr__(self, name: str):
        return getattr(self._index, name)

    def speeches(self) -> dict:
        return {i: r for i, r in self._index.speeches().items() if r.collection in self.collections}

    def _where(self, where: dict | None) -> dict:
        inside = {"speech_id": {"$in": sorted(self.speeches()) or [NO_SPEECH]}}
        return inside if where is None else {"$and": [where, inside]}

    def speech_chunks(self, speech_id: str) -> list:
        return self._index.speech_chunks(speech_id) if speech_id in self.speeches() else []

    def chunk_count(self) -> int:
        return sum(record.chunk_count for record in self.speeches().values())

    def get_chunks(self, ids: list[str]) -> list:
        allowed = self.speeches()
        return [chunk for chunk in self._index.get_chunks(ids) if chunk.speech_id in allowed]

    def chunks_containing(self, text: str, where: dict | None = None, limit: int = 20) -> list:
        return self._index.chunks_containing(text, where=self._where(where), limit=limit)

    def dense_search(self, query: str, k: int = 10, where: dict | None = None) -> list:
        return self._index.dense_search(query, k, self._where(where))

    def keyword_search(self, query: str, k: int = 10, where: dict | None = None) -> list:
        return self._index.keyword_search(query, k, self._where(where))

    def hybrid_search(self, query: str, k: int, where: dict | None, dense_weight: float, keyword_weight: float):
        return self._index.hybrid_search(query, k, self._where(where), dense_weight, keyword_weight)

    def chunk_ids(self, where: dict | None = None) -> set[str]:
        return self._index.chunk_ids(self._where(where))

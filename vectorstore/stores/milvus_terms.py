"""Keyword statistics of the Milvus store: the BM25 idf of our tokens, counted in Milvus.

The answerer weighs a question's words by idf (vectorstore/text/tokens.py's tokens); Milvus
keeps its BM25 statistics to itself, so a token's document frequency is the number of
chunks whose normalised indexed text contains it (a ``LIKE`` count; under the ``tokens``
analyzer, chunks holding the whole token, exactly the keyword index's count). For the CJK
bigrams the keyword index stores that is the same count; for jieba words a chunk may
hold the characters without jieba cutting them out, so the count can be a little
higher. Counts are remembered per index generation (vectorstore/stores/milvus.py):
nothing is kept across processes or on disk.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Iterable

import numpy as np

from vectorstore.stores.milvus_schema import like_contains, spelt_tokens

if TYPE_CHECKING:
    from vectorstore.stores.milvus import MilvusStore


class MilvusTerms:
    """``idf(tokens)`` and ``len()`` over the chunks in Milvus, as KeywordIndex gives them."""

    def __init__(self, store: MilvusStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._generation: object = object()  # no generation seen yet
        self._counts: dict[str, int] = {}
        self._total: int | None = None

    def __len__(self) -> int:
        self._follow()
        if self._total is None:
            self._total = self._store.chunk_count()
        return self._total

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """BM25 idf of each token (a token in no chunk gets the highest)."""
        n_docs = len(self)
        return {token: float(np.log1p((n_docs - df + 0.5) / (df + 0.5)))
                for token, df in self._frequencies(set(tokens)).items()}

    def _frequencies(self, tokens: set[str]) -> dict[str, int]:
        with self._lock:
            known = {token: self._counts[token] for token in tokens if token in self._counts}
        for token in tokens - set(known):
            known[token] = self._count(token)
            with self._lock:
                self._counts[token] = known[token]
        return known

    def _count(self, token: str) -> int:
        spelt = spelt_tokens([token]) if self._store.analyzer == "tokens" else token  # a whole token: 「 hex 」
        rows = self._store.client.query(self._store._names[0], filter=like_contains("indexed", spelt),
                                        output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def _follow(self) -> None:
        """Forget the counts when the index changed since they were taken."""
        generation = self._store.generation()
        with self._lock:
            if generation != self._generation:
                self._generation, self._counts, self._total = generation, {}, None

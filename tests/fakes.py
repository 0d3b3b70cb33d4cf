"""Fakes that mean something, for the slow parts only.

``BigramEmbeddings`` hashes character bigrams into a fixed-size vector, so
texts sharing words get similar vectors: related text ranks higher, which
is what retrieval tests need, at no model cost.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from langchain_core.embeddings import Embeddings

_DROP = re.compile(r"[\s，。、；：！？“”‘’（）,.;:!?\"'()]+")


class BigramEmbeddings(Embeddings):
    model_id = "test/char-bigram-hash"

    def __init__(self, dimension: int = 512):
        self.dimension = dimension
        self.calls = 0
        self.texts_embedded = 0

    def _vector(self, text: str) -> list[float]:
        text = _DROP.sub("", text)
        vector = np.zeros(self.dimension, dtype=np.float32)
        for gram in (text[i:i + 2] for i in range(max(len(text) - 1, 1))):
            digest = hashlib.blake2b(gram.encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dimension] += 1.0
        norm = float(np.linalg.norm(vector))
        return (vector / norm if norm else vector).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts_embedded += len(texts)
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

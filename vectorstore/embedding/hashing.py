"""An offline embedder without a model: character bigrams hashed into a fixed-size vector.

Texts that share words get similar vectors, so related text ranks higher. It is the
embedder of the tests and of machines that cannot build the real model
(``POLICYQA_EMBEDDING_MODEL=hashing``); its rankings are much weaker than e5's.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from langchain_core.embeddings import Embeddings

HASHING_MODEL_ID = "hashing"
HASHING_DIMENSION = 512
_DROP = re.compile(r"[\s，。、；：！？“”‘’（）,.;:!?\"'()]+")


class BigramEmbeddings(Embeddings):
    """Unit vectors of hashed character-bigram counts."""

    model_id = HASHING_MODEL_ID

    def __init__(self, dimension: int = HASHING_DIMENSION):
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

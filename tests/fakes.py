"""Fakes that mean something, for the slow parts only.

``BigramEmbeddings`` (vectorstore/hashing.py) hashes character bigrams into a
fixed-size vector, so texts sharing words get similar vectors: related text
ranks higher, which is what retrieval tests need, at no model cost. The same
embedder serves subprocess tests as ``POLICYQA_EMBEDDING_MODEL=hashing``.
"""

from __future__ import annotations

from vectorstore.hashing import BigramEmbeddings

__all__ = ["BigramEmbeddings"]

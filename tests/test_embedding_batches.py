"""Ingest embeds the chunks of several speeches in length-sorted slices, and puts each vector back on its chunk."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from tests.fakes import BigramEmbeddings
from vectorstore.ingest import Ingestor


class RecordingEmbeddings(BigramEmbeddings):
    def __init__(self) -> None:
        super().__init__()
        self.slices: list[list[str]] = []

    def embed_documents(self, texts):
        self.slices.append(list(texts))
        return super().embed_documents(texts)


class _Bar:
    def update(self, n: int) -> None:
        pass


def test_slices_are_length_sorted_and_vectors_stay_aligned():
    embeddings = RecordingEmbeddings()
    ingestor = Ingestor(SimpleNamespace(embeddings=embeddings), max_chars=600, chunker_key="k", max_bytes=10**6)
    texts = [("招商引资" * (1 + (i * 7) % 23)) + str(i) for i in range(40)]  # chunks of many speeches, mixed lengths
    vectors = ingestor._embed(texts, _Bar())
    expected = np.asarray(BigramEmbeddings().embed_documents(texts), dtype=np.float32)
    assert np.allclose(vectors, expected)
    lengths = [len(t) for call in embeddings.slices for t in call]
    assert lengths == sorted(lengths, reverse=True)
    assert all(len(call) <= 16 for call in embeddings.slices) and sum(map(len, embeddings.slices)) == len(texts)


def test_no_texts_no_vectors():
    ingestor = Ingestor(SimpleNamespace(embeddings=RecordingEmbeddings()), max_chars=600, chunker_key="k",
                        max_bytes=10**6)
    assert ingestor._embed([], _Bar()).size == 0

"""The store protocol: what ingestion, search and the assistant ask of an index.

Write protocol for one speech, the same on every store and safe against a kill at any point:
  1. add the new chunks under ids that carry the speech's content hash;
  2. upsert the speech record (its hash is the commit marker);
  3. delete the speech's chunks of any other hash.
Chunks whose hash differs from their speech record's (a kill between 1 and 3) are
orphans; ``repair`` removes them, and every ingestion starts with it.

``where`` clauses are Chroma-shaped dicts (``SearchFilters.where()``): ``{"speech_id":
{"$in": [...]}}``, ``{"speaker": s}``, ``{"places": {"$contains": p}}``, ``{"date_num":
{"$gte": n}}`` joined by ``{"$and": [...]}``; a store that speaks another filter
language translates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager, Iterable, Protocol, runtime_checkable

import numpy as np

from vectorstore.errors import IndexMismatchError
from vectorstore.speech.records import SpeechRecord
from vectorstore.speech.types import Chunk, Speech

INDEX_FORMAT = "policyqa-2"  # 2: a speech record holds its SpeechMeta spans, 第N篇 part and outline tree

# One speech to write: the speech, its chunks, their vectors (one row each), its record.
SpeechWrite = tuple[Speech, list[Chunk], np.ndarray, SpeechRecord]


@dataclass(frozen=True)
class IndexIdentity:
    """What an index was built with; a different one cannot share the index."""

    embedding_model: str
    dimension: int
    chunker: str

    def as_metadata(self) -> dict:
        return {"format": INDEX_FORMAT, "embedding_model": self.embedding_model,
                "dimension": self.dimension, "chunker": self.chunker, "hnsw:space": "cosine"}

    def check(self, name: str, stored: dict) -> None:
        """Raise IndexMismatchError unless ``stored`` (an index's metadata) names this identity."""
        if stored.get("format") != INDEX_FORMAT:
            raise IndexMismatchError(
                f"the index collection {name!r} was built by an older policy-qa (format "
                f"{stored.get('format')}); this one reads format {INDEX_FORMAT}, whose speech records "
                f"hold the speech's outline. Rebuild it with `policyqa ingest --rebuild PATH...`."
            )
        built = (stored.get("embedding_model"), str(stored.get("dimension")), stored.get("chunker"))
        if built != (self.embedding_model, str(self.dimension), self.chunker):
            raise IndexMismatchError(
                f"the index collection {name!r} was built with model {built[0]} "
                f"(dim {built[1]}), chunker {built[2]}; the settings ask for model {self.embedding_model} "
                f"(dim {self.dimension}), chunker {self.chunker}. Rebuild it with "
                f"`policyqa ingest --rebuild PATH...` or change the settings back."
            )


@dataclass(frozen=True)
class ScoredChunk:
    chunk: Chunk
    score: float


class TermStatistics(Protocol):
    """The keyword side the answerer reads: BM25 idf of our tokens over the current chunks."""

    def idf(self, tokens: Iterable[str]) -> dict[str, float]: ...

    def __len__(self) -> int: ...


@runtime_checkable
class SpeechStore(Protocol):
    """An index of speeches: chunk texts, vectors, keyword statistics and speech records."""

    kind: str  # "chroma" | "milvus"
    embeddings: object  # a langchain Embeddings: embed_documents / embed_query
    identity: IndexIdentity
    keyword: TermStatistics

    @property
    def read_only(self) -> bool: ...

    @property
    def read_only_folder(self) -> Path | None: ...

    def location(self) -> str: ...

    # reading
    def speeches(self) -> dict[str, SpeechRecord]: ...

    def speech_chunks(self, speech_id: str) -> list[Chunk]: ...

    def chunk_count(self) -> int: ...

    def chunk_ids(self, where: dict | None = None) -> set[str]: ...

    def get_chunks(self, ids: list[str]) -> list[Chunk]: ...

    def chunks_containing(self, text: str, where: dict | None = None, limit: int = 20) -> list[Chunk]: ...

    def similarities(self, query: str, chunk_ids: list[str]) -> dict[str, float]: ...

    # searching
    def dense_search(self, query: str, k: int = 10, where: dict | None = None) -> list[ScoredChunk]: ...

    def keyword_search(self, query: str, k: int = 10, where: dict | None = None) -> list[ScoredChunk]: ...

    def hybrid_search(self, query: str, k: int, where: dict | None, dense_weight: float,
                      keyword_weight: float) -> list[ScoredChunk]: ...

    # writing
    def writing(self, task: str = "") -> ContextManager[None]:
        """Held around every write: one writer per index (a second waits, then IndexBusyError)."""
        ...

    def put_speeches(self, items: list[SpeechWrite]) -> None: ...

    def remove_speeches(self, speech_ids: Iterable[str]) -> None: ...

    def set_collection(self, speech_ids: list[str], collection: str) -> None: ...

    def save(self) -> None: ...

    def repair(self) -> int: ...

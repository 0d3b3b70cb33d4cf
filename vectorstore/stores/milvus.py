"""The Milvus store: chunks and speech records in Milvus collections, BM25 in the engine.

``uri`` is a file path ending in ``.db`` (Milvus Lite: the Milvus engine in a child process,
one process per file) or ``http(s)://host:19530`` (Milvus Standalone or Distributed, shared
by any number of app replicas). The dense index (FLAT on Lite, HNSW on a server), the BM25
function (over our keyword tokens, cut here: ``analyzer="tokens"``; or over the text under
the engine's jieba) and the fusion of both run in Milvus; nothing is kept on local disk or
rebuilt per process. Schemas and filters: vectorstore/stores/milvus_schema.py; writes
follow the protocol in vectorstore/stores/protocol.py.

What each collection was built with (format, model, dimension, chunker, analyzer) is a row
of ``<collection>_about`` (vectorstore/stores/milvus_about.py), checked on open. Every write
stores a new ``generation`` there; the cached speech records and keyword statistics are
checked against it at most every :data:`RECHECK_S` seconds, so a replica sees another's
writes within that time.
"""

from __future__ import annotations

import logging
from dataclasses import replace
import threading
import time
import uuid
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Literal

import numpy as np

from vectorstore.errors import ConfigError, IndexMismatchError
from vectorstore.text.tokens import TOKENIZER_ID, keyword_query, query_terms
from vectorstore.speech.records import SpeechRecord
from vectorstore.stores import milvus_schema as schema
from vectorstore.stores.chunks import mean_vector
from vectorstore.stores.milvus_about import GENERATION, AboutRows
from vectorstore.stores.milvus_connect import connect, drop_milvus, is_server
from vectorstore.stores.fusion import RRF_K, hybrid_depth, reciprocal_rank_fusion
from vectorstore.stores.milvus_terms import MilvusTerms
from vectorstore.stores.protocol import INDEX_FORMAT, IndexIdentity, ScoredChunk, SpeechWrite
from vectorstore.speech.types import Chunk

log = logging.getLogger(__name__)
Fusion = Literal["rrf", "weighted", "client"]
Analyzer = Literal["jieba", "tokens"]
RECHECK_S = 1.0
_PAGE = 1000  # rows a query page or a write batch holds
_QUERY_LIMIT = 16384  # Milvus's most rows one query returns


class MilvusStore:
    """Chunk + speech collections in Milvus, with the engine's BM25 and hybrid search."""

    kind = "milvus"
    read_only = False
    read_only_folder: Path | None = None

    def __init__(self, uri: str, embeddings, identity: IndexIdentity, collection: str,
                 token: str | None = None, fusion: Fusion = "rrf", analyzer: Analyzer = "tokens"):
        self.uri = uri
        self.analyzer = analyzer
        self.embeddings = embeddings
        self.identity = identity
        self.client = connect(uri, token)
        self.lite = not is_server(uri)
        self.fusion = fusion
        self._names = (f"{collection}_chunks", f"{collection}_speeches")
        self.about = AboutRows(self.client, f"{collection}_about")
        self._lock = threading.Lock()
        self._records: dict[str, SpeechRecord] | None = None
        self._records_generation: str | None = None
        self._seen: tuple[float, str | None] = (0.0, None)  # (when checked, generation)
        for name, make in ((self._names[0], self._create_chunks), (self._names[1], self._create_speeches)):
            self._open(name, make)
        self.keyword = MilvusTerms(self)

    @property
    def fusion(self) -> Fusion:
        return self._fusion

    @fusion.setter
    def fusion(self, fusion: Fusion) -> None:
        if fusion == "weighted" and self.lite:  # measured: its keyword-only hits fall to the bottom
            raise ConfigError("POLICYQA_MILVUS_FUSION=weighted needs a Milvus server: Milvus Lite 2.5's WeightedRanker "
                              "ranks BM25 scores upside down; use client (the default) or rrf")
        self._fusion = fusion

    # -- opening -----------------------------------------------------------
    def _open(self, name: str, make) -> None:
        if not self.client.has_collection(name):
            make(name)
            return
        stored = self.about.read(name)
        if not stored and self._holds_nothing(name):  # created, then stopped before its row was written
            self._mark(name)
            stored = self.about.read(name)
        self.identity.check(name, stored)
        if name == self._names[0] and stored.get("analyzer", "jieba") != self._analyzer_id():
            raise IndexMismatchError(
                f"the Milvus collection {name!r} was built with the {stored.get('analyzer', 'jieba')} keyword "
                f"analyzer; the settings ask for {self._analyzer_id()} (POLICYQA_MILVUS_ANALYZER). Rebuild it "
                "with `policyqa ingest --rebuild PATH...` or change the setting back.")
        self.client.load_collection(name)

    def _holds_nothing(self, name: str) -> bool:
        self.client.load_collection(name)
        return not self.client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"]

    def _analyzer_id(self) -> str:
        """The keyword analyzer as stored with the chunks: ``tokens`` carries the tokenizer's id."""
        return f"tokens:{TOKENIZER_ID}" if self.analyzer == "tokens" else "jieba"

    def _create_chunks(self, name: str) -> None:
        self._create(name, schema.chunk_schema(self.client, self.identity.dimension, self.analyzer),
                     schema.chunk_indexes(self.client, exact=self.lite))

    def _create_speeches(self, name: str) -> None:
        self._create(name, schema.speech_schema(self.client, self.identity.dimension), schema.speech_indexes(self.client))

    def _create(self, name: str, collection_schema, indexes) -> None:
        """An empty collection, indexed (without waiting for an index of nothing) and loaded."""
        self.client.create_collection(name, schema=collection_schema, consistency_level="Strong")
        self.client.create_index(name, indexes, sync=False)
        self.client.load_collection(name)
        self._mark(name)

    def _mark(self, name: str) -> None:
        metadata = {**self.identity.as_metadata(), "analyzer": self._analyzer_id()}
        self.about.write(name, {key: str(metadata[key]) for key in ("format", "embedding_model", "dimension",
                                                                    "chunker", "analyzer")})

    def location(self) -> str:
        return f"milvus {self.uri}"

    # -- freshness ---------------------------------------------------------
    def generation(self) -> str | None:
        """The speeches collection's write generation, read at most every RECHECK_S seconds."""
        checked, seen = self._seen
        if time.monotonic() - checked < RECHECK_S:
            return seen
        self._seen = (time.monotonic(), self.about.read(GENERATION).get("stamp"))
        return self._seen[1]

    def _bump(self) -> None:
        """Record a write: this process drops its caches, other replicas see a new generation."""
        stamp = uuid.uuid4().hex
        self.about.write(GENERATION, {"stamp": stamp})
        with self._lock:
            self._records, self._seen = None, (time.monotonic(), stamp)

    # -- reading -----------------------------------------------------------
    def speeches(self) -> dict[str, SpeechRecord]:
        """Every committed speech, by id (cached until the generation changes)."""
        generation = self.generation()
        with self._lock:
            cached = self._records
            if cached is not None and self._records_generation == generation:
                return dict(cached)
        rows = self._scan(self._names[1], "", ["meta"])
        records = {row["id"]: schema.speech_from_row(row) for row in rows}
        with self._lock:
            self._records, self._records_generation = records, generation
        return dict(records)

    def speech_chunks(self, speech_id: str) -> list[Chunk]:
        rows = self.client.query(self._names[0], filter=schema.where_expr({"speech_id": speech_id}),
                                 output_fields=schema.CHUNK_FIELDS, limit=_QUERY_LIMIT)
        return sorted((schema.chunk_from_row(row) for row in rows), key=lambda chunk: chunk.start)

    def chunk_count(self) -> int:
        rows = self.client.query(self._names[0], filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def chunk_ids(self, where: dict | None = None) -> set[str]:
        return {row["id"] for row in self._scan(self._names[0], schema.where_expr(where), ["id"])}

    def get_chunks(self, ids: list[str]) -> list[Chunk]:
        by_id = {}
        for start in range(0, len(ids), _PAGE):
            rows = self.client.get(self._names[0], ids=ids[start:start + _PAGE], output_fields=schema.CHUNK_FIELDS)
            by_id.update((row["id"], schema.chunk_from_row(row)) for row in rows)
        return [by_id[i] for i in ids if i in by_id]

    def chunks_containing(self, text: str, where: dict | None = None, limit: int = 20) -> list[Chunk]:
        """Chunks whose text contains ``text`` verbatim."""
        expr = " and ".join(part for part in (schema.like_contains("text", text), schema.where_expr(where)) if part)
        rows = self.client.query(self._names[0], filter=expr, output_fields=schema.CHUNK_FIELDS, limit=limit)
        return [chunk for chunk in map(schema.chunk_from_row, rows) if text in chunk.text]

    def similarities(self, query: str, chunk_ids: list[str]) -> dict[str, float]:
        """Cosine similarity of the query to each chunk (vectors are unit length)."""
        if not chunk_ids:
            return {}
        vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        rows = self.client.get(self._names[0], ids=list(chunk_ids), output_fields=["vector"])
        return {row["id"]: float(np.dot(np.asarray(row["vector"], dtype=np.float32), vector)) for row in rows}

    def _scan(self, name: str, expr: str, fields: list[str]) -> list[dict]:
        """Every row matching ``expr``, a page at a time. The query iterator pages in key order;
        a plain query's rows come in no order (Lite returns them by segment), so paging by the
        largest key seen would skip rows."""
        iterator = self.client.query_iterator(name, batch_size=_PAGE, filter=expr, output_fields=fields)
        rows: list[dict] = []
        try:
            while page := iterator.next():
                rows.extend(page)
        finally:
            iterator.close()
        return rows

    # -- searching ---------------------------------------------------------
    def dense_search(self, query: str, k: int = 10, where: dict | None = None) -> list[ScoredChunk]:
        """Chunks nearest the query embedding; score = cosine similarity."""
        return self._search(self._dense_request(query, k, where))

    def keyword_search(self, query: str, k: int = 10, where: dict | None = None) -> list[ScoredChunk]:
        """The engine's BM25 over the jieba-analysed indexed text."""
        request = self._keyword_request(query, k, where)
        return [ScoredChunk(hit.chunk, abs(hit.score)) for hit in self._search(request)] if request else []

    def hybrid_search(self, query: str, k: int, where: dict | None, dense_weight: float,
                      keyword_weight: float) -> list[ScoredChunk]:
        """Dense and BM25 candidates fused in the engine (``rrf``/``weighted``) or here (``client``)."""
        depth = hybrid_depth(k)
        keyword = self._keyword_request(query, depth, where)
        if keyword is None:
            return self.dense_search(query, k, where)
        if self.fusion == "client":
            return self._fused_here(query, depth, where, keyword, (dense_weight, keyword_weight))[:k]
        dense = self._dense_request(query, depth, where)
        ranker = self._ranker(dense_weight, keyword_weight)
        rows = self.client.hybrid_search(self._names[0], [_ann(dense), _ann(keyword)], ranker, limit=k,
                                         output_fields=schema.CHUNK_FIELDS)
        return _scored(rows[0])

    def _fused_here(self, query: str, depth: int, where: dict | None, keyword: dict,
                    weights: tuple[float, float]) -> list[ScoredChunk]:
        """Weighted RRF of the two engine searches. The BM25 search runs while the query is
        embedded and searched densely: the engine is busy with one while this process (or,
        for a server, the network) waits on the other."""
        keyword_hits = _in_background(self._search, keyword)
        dense_hits = self._search(self._dense_request(query, depth, where))
        bm25_hits = [ScoredChunk(hit.chunk, abs(hit.score)) for hit in keyword_hits.result()]
        return reciprocal_rank_fusion([(dense_hits, weights[0]), (bm25_hits, weights[1])])

    def _ranker(self, dense_weight: float, keyword_weight: float):
        from pymilvus import RRFRanker, WeightedRanker

        if self.fusion == "weighted":
            total = dense_weight + keyword_weight
            return WeightedRanker(dense_weight / total, keyword_weight / total)
        return RRFRanker(RRF_K)

    def _dense_request(self, query: str, k: int, where: dict | None) -> dict:
        vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32).tolist()
        param = {"metric_type": "COSINE"} if self.lite else {"metric_type": "COSINE", "params": {"ef": 64}}
        return {"data": [vector], "anns_field": "vector", "param": param, "limit": k, "expr": schema.where_expr(where)}

    def _keyword_request(self, query: str, k: int, where: dict | None) -> dict | None:
        if self.analyzer == "tokens":
            terms = list(query_terms(query))
            text = schema.spelt_tokens(terms).strip() if terms else ""
        else:
            text = keyword_query(query)
        if not any(char.isalnum() for char in text):
            return None
        return {"data": [text], "anns_field": "sparse", "param": {"metric_type": "BM25"}, "limit": k,
                "expr": schema.where_expr(where)}

    def _search(self, request: dict) -> list[ScoredChunk]:
        rows = self.client.search(self._names[0], data=request["data"], anns_field=request["anns_field"],
                                  search_params=request["param"], limit=request["limit"],
                                  filter=request["expr"], output_fields=schema.CHUNK_FIELDS)
        return _scored(rows[0])

    # -- writing -----------------------------------------------------------
    @contextmanager
    def writing(self, task: str = "") -> Iterator[None]:
        """A write: Milvus orders writers itself (Lite holds its file for one process; a server serialises)."""
        yield

    def put_speeches(self, items: list[SpeechWrite]) -> None:
        """Store speeches' chunks and records (the protocol in vectorstore/stores/protocol.py)."""
        new_ids = {c.id for _, chunks, _, _ in items for c in chunks}
        old_ids = self.chunk_ids({"speech_id": {"$in": [speech.id for speech, _, _, _ in items]}}) - new_ids
        rows = [schema.chunk_row(chunk, speech, record.hash, vector, self.analyzer)
                for speech, chunks, vectors, record in items for chunk, vector in zip(chunks, vectors)]
        self._write(self._names[0], rows)
        self._write(self._names[1], [schema.speech_row(record, mean_vector(vectors))
                                     for _, _, vectors, record in items])
        self._delete(self._names[0], sorted(old_ids))
        self._bump()

    def set_collection(self, speech_ids: list[str], collection: str) -> None:
        """Move speeches to another collection: their records only (the stored vector kept), nothing re-embedded."""
        records = self.speeches()
        ids = [i for i in speech_ids if i in records]
        if not ids:
            return
        rows = self.client.query(self._names[1], ids=ids, output_fields=["id", "vector"])
        self._write(self._names[1], [schema.speech_row(replace(records[row["id"]], collection=collection), row["vector"])
                                     for row in rows])
        self._bump()

    def remove_speeches(self, speech_ids: Iterable[str]) -> None:
        speech_ids = list(speech_ids)
        for speech_id in speech_ids:
            self._delete(self._names[1], [speech_id])
            self.client.delete(self._names[0], filter=schema.where_expr({"speech_id": speech_id}))
        if speech_ids:
            self._bump()

    def save(self) -> None:
        """Seal what was written (rows not yet sealed are searched without their indexes)."""
        for name in self._names:
            self.client.flush(name)

    def repair(self) -> int:
        """Remove orphan chunks (see vectorstore/stores/protocol.py)."""
        hashes = {record.id: record.hash for record in self.speeches().values()}
        rows = self._scan(self._names[0], "", ["speech_id", "speech_hash"])
        orphans = sorted(row["id"] for row in rows if hashes.get(row["speech_id"]) != row["speech_hash"])
        if orphans:
            log.warning("removing %d chunks left by an interrupted ingestion", len(orphans))
            self._delete(self._names[0], orphans)
            self._bump()
        return len(orphans)

    def _write(self, name: str, rows: list[dict]) -> None:
        for start in range(0, len(rows), _PAGE):
            self.client.upsert(name, rows[start:start + _PAGE])

    def _delete(self, name: str, ids: list[str]) -> None:
        for start in range(0, len(ids), _PAGE):
            self.client.delete(name, ids=ids[start:start + _PAGE])


def _in_background(function, *args) -> Future:
    """``function(*args)`` on its own thread; its result (or exception) in the future."""
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(function(*args))
        except BaseException as error:  # handed to the caller by future.result()
            future.set_exception(error)

    threading.Thread(target=run, name="milvus-search", daemon=True).start()
    return future


def _ann(request: dict):
    from pymilvus import AnnSearchRequest

    return AnnSearchRequest(data=request["data"], anns_field=request["anns_field"], param=request["param"],
                            limit=request["limit"], expr=request["expr"] or None)


def _scored(hits) -> list[ScoredChunk]:
    return [ScoredChunk(schema.chunk_from_row({"id": hit["id"], **hit["entity"]}), float(hit["distance"]))
            for hit in hits]


__all__ = ["MilvusStore", "connect", "drop_milvus", "INDEX_FORMAT"]

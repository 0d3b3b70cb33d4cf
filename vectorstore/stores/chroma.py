"""The Chroma store: two Chroma collections (chunks, speeches) and the jieba BM25 keyword index.

The speech collection holds one record a speech (its SpeechMeta and outline
tree, content hash, the mean of its chunk vectors; the codec is
vectorstore/speech/records.py) but not its text: Chroma's full-text index makes
storing whole speeches as documents grow slower with every speech (measured:
412 s for the 341 scale texts against 60 s for all their chunks). The chunks
hold every character of a speech but the blank lines between them.

Writes follow the protocol in vectorstore/stores/protocol.py; :meth:`ChromaStore.repair`
also re-syncs the keyword index.

Every write ends by saving (replacing) the keyword index file; each read
stats it and, when another process (a CLI ``ingest``) replaced it, reloads
records, keyword index and Chroma client (its HNSW reader would stay stale).
What reads find (records, counts, chunks, vectors, phrase lookups) is kept until the next
write or reload (vectorstore/stores/read_cache.py): a question reads them many times.
An index this process cannot write opens read-only: writes raise ReadOnlyIndexError.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from vectorstore.runtime.access import ReadOnlyIndexError, file_stamp, note_read_only, unwritable
from vectorstore.runtime.writer_lock import WriterLock
from vectorstore.errors import IndexMismatchError
from vectorstore.stores.keyword_index import INDEX_FILE as KEYWORD_FILE
from vectorstore.stores.keyword_index import KeywordIndex
from vectorstore.speech.records import SpeechRecord, record_from_metadata, record_metadata
from vectorstore.stores.chunks import chunk_from_record, chunk_metadata, indexed_text, mean_vector, meta_indexed_text
from vectorstore.stores.fusion import hybrid_depth, reciprocal_rank_fusion
from vectorstore.stores.protocol import IndexIdentity, ScoredChunk, SpeechWrite
from vectorstore.stores.read_cache import ReadCache
from vectorstore.speech.types import Chunk

log = logging.getLogger(__name__)
# HNSW candidates a dense search explores. Chroma's default, 100, found on average 0.94 of the exact
# top 10 for the eval questions over the 8108-chunk scale index (none for one); 1000 finds 0.998,
# still ~3 ms a search (measured with the Milvus store comparison, README 「存储」).
SEARCH_EF = 1000
_GET_PAGE = 5000


def _forgets_reads(method):
    """A write: what reads found is forgotten as it starts and again once it ends."""

    @functools.wraps(method)
    def write(self, *args, **kwargs):
        self._reads.changed()
        try:
            return method(self, *args, **kwargs)
        finally:
            self._reads.changed()

    return write


class ChromaStore:
    """Chroma chunk + speech collections and the BM25 keyword index, kept in sync."""

    kind = "chroma"

    def __init__(self, client, embeddings, identity: IndexIdentity, collection: str, keyword_dir: Path,
                 writer_wait: float = 10.0):
        self.client = client
        self.embeddings = embeddings
        self.identity = identity
        self._names = (f"{collection}_chunks", f"{collection}_speeches")
        self.keyword_dir = keyword_dir
        self.read_only_folder = _read_only_folder(client, keyword_dir)
        self.writer = WriterLock(None if self.read_only_folder else keyword_dir, wait=writer_wait)
        self._reload_lock = threading.Lock()
        self._reads = ReadCache()  # what reads found since the last write or reload
        self._chunks = self._open_collection(self._names[0])
        self._speeches = self._open_collection(self._names[1])
        self._stamp = file_stamp(Path(keyword_dir) / KEYWORD_FILE)
        self.keyword = _open_keyword(keyword_dir)
        self.sync_keyword(save=not self.read_only)  # by chunk ids: a stale file of the right size is caught too

    @property
    def read_only(self) -> bool:
        """True when this process cannot write the index folder: writes raise ReadOnlyIndexError."""
        return self.read_only_folder is not None

    # -- opening -----------------------------------------------------------
    def _open_collection(self, name: str):
        from vectorstore.stores.chroma_client import ChromaEmbeddingFunction, registered

        function = ChromaEmbeddingFunction(self.embeddings)
        registered()
        existing = {c.name if hasattr(c, "name") else c for c in self.client.list_collections()}
        if name in existing:
            collection = self.client.get_collection(name, embedding_function=function)
            self._check_identity(name, collection.metadata or {})
            self._search_wide(collection)
            return collection
        return self.client.create_collection(name, metadata=self.identity.as_metadata(), embedding_function=function,
                                             configuration={"hnsw": {"ef_search": SEARCH_EF}})

    def _search_wide(self, collection) -> None:
        """Give an index built with Chroma's default ef_search ours (a setting: nothing is rebuilt)."""
        hnsw = (collection.configuration or {}).get("hnsw") or {}
        if (hnsw.get("ef_search") or 0) < SEARCH_EF and not self.read_only:
            collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})

    def _check_identity(self, name: str, metadata: dict) -> None:
        self.identity.check(name, metadata)

    def _refresh(self) -> None:
        """Reload when another process wrote the index since (its keyword file was replaced)."""
        if file_stamp(self.keyword.path) == self._stamp:
            return
        with self._reload_lock:
            stamp = file_stamp(self.keyword.path)
            if stamp != self._stamp:
                self._reload(stamp)

    def _reload(self, stamp) -> None:
        from vectorstore.stores.chroma_client import reopen_client

        log.info("the index in %s was changed by another process; reloading it", self.keyword_dir)
        self.client = reopen_client(self.client)
        self._chunks = self._open_collection(self._names[0])
        self._speeches = self._open_collection(self._names[1])
        self._reads.changed()
        self._stamp = stamp
        try:
            self.keyword.reload()
        except IndexMismatchError as error:
            log.warning("%s; rebuilding it from the Chroma index", error)
            self.keyword.rebuild([], [])
        self.sync_keyword(save=False)  # by chunk ids (the other process may still be writing)

    # -- reading -----------------------------------------------------------
    def speeches(self) -> dict[str, SpeechRecord]:
        """Every committed speech, by id (kept until this process writes or another one's write is seen)."""
        self._refresh()
        return dict(self._reads.value("speeches", self._read_speeches))

    def _read_speeches(self) -> dict[str, SpeechRecord]:
        records = {}
        for ids, metadatas, _ in self._pages(self._speeches, ["metadatas"]):
            for speech_id, meta in zip(ids, metadatas):
                records[speech_id] = record_from_metadata(speech_id, meta)
        return records

    def speech_chunks(self, speech_id: str) -> list[Chunk]:
        """A speech's chunks in text order: together they hold all its text but blank lines."""
        self._refresh()
        return list(self._reads.value(("speech", speech_id), lambda: self._read_speech_chunks(speech_id)))

    def _read_speech_chunks(self, speech_id: str) -> list[Chunk]:
        got = self._chunks.get(where={"speech_id": speech_id}, include=["documents", "metadatas"])
        chunks = [chunk_from_record(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(chunks, key=lambda chunk: chunk.start)

    def chunk_count(self) -> int:
        self._refresh()
        return self._reads.value("chunk_count", self._chunks.count)

    def get_chunks(self, ids: list[str]) -> list[Chunk]:
        if not ids:
            return []
        by_id = self._reads.by_id("chunks", ids, self._read_chunks)
        return [by_id[i] for i in ids if i in by_id]

    def _read_chunks(self, ids: list[str]) -> dict[str, Chunk]:
        got = self._chunks.get(ids=ids, include=["documents", "metadatas"])
        return {i: chunk_from_record(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}

    def chunks_containing(self, text: str, where: dict | None = None, limit: int = 20) -> list[Chunk]:
        """Chunks whose text contains ``text`` verbatim (Chroma's document index)."""
        self._refresh()
        return list(self._reads.value(("containing", text, _key(where), limit),
                                      lambda: self._read_containing(text, where, limit)))

    def _read_containing(self, text: str, where: dict | None, limit: int) -> list[Chunk]:
        got = self._chunks.get(where_document={"$contains": text}, where=where or None, limit=limit,
                               include=["documents", "metadatas"])
        return [chunk_from_record(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def dense_search(self, query: str, k: int = 10, where: dict | None = None) -> list[ScoredChunk]:
        """Chunks nearest the query embedding; score = cosine similarity. The search returns ids and
        distances only: the chunks come from what reads found (Chroma reading 90 chunks' text and
        metadata costs 13 ms a search, the ids alone 2 ms)."""
        if self.chunk_count() == 0:
            return []
        vector = self.embeddings.embed_query(query)
        got = self._chunks.query(query_embeddings=[vector], n_results=k, where=where or None, include=["distances"])
        chunks = self._reads.by_id("chunks", got["ids"][0], self._read_chunks)
        return [ScoredChunk(chunks[i], 1.0 - dist) for i, dist in zip(got["ids"][0], got["distances"][0]) if i in chunks]

    def similarities(self, query: str, chunk_ids: list[str]) -> dict[str, float]:
        """Cosine similarity of the query to each chunk (vectors are unit length)."""
        if not chunk_ids:
            return {}
        vector = np.asarray(self.embeddings.embed_query(query), dtype=np.float32)
        vectors = self._reads.by_id("vectors", chunk_ids, self._read_vectors)
        return {i: float(np.dot(vectors[i], vector)) for i in chunk_ids if i in vectors}

    def _read_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        got = self._chunks.get(ids=ids, include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"])}

    def keyword_search(self, query: str, k: int = 10, where: dict | None = None) -> list[ScoredChunk]:
        """BM25 over the keyword index; a ``where`` becomes the set of chunk ids it allows."""
        self._refresh()
        allowed = self._reads.value(("ids", _key(where)), lambda: frozenset(self.chunk_ids(where))) if where else None
        hits = self.keyword.search(query, k=k, allowed_ids=allowed)
        chunks = {chunk.id: chunk for chunk in self.get_chunks([i for i, _ in hits])}
        return [ScoredChunk(chunks[i], score) for i, score in hits if i in chunks]

    def hybrid_search(self, query: str, k: int, where: dict | None, dense_weight: float,
                      keyword_weight: float) -> list[ScoredChunk]:
        """Dense and keyword rankings fused by weighted reciprocal rank."""
        depth = hybrid_depth(k)
        dense = self.dense_search(query, depth, where)
        keyword = self.keyword_search(query, depth, where)
        return reciprocal_rank_fusion([(dense, dense_weight), (keyword, keyword_weight)])[:k]

    def location(self) -> str:
        settings = self.client.get_settings()
        if not settings.is_persistent:
            return f"chroma server {settings.chroma_server_host}:{settings.chroma_server_http_port}"
        return str(self.read_only_folder or Path(settings.persist_directory).parent)

    def chunk_ids(self, where: dict | None = None) -> set[str]:
        ids: set[str] = set()
        for page_ids, _, _ in self._pages(self._chunks, [], where=where):
            ids.update(page_ids)
        return ids

    def _pages(self, collection, include: list[str], where: dict | None = None):
        offset = 0
        while True:
            got = collection.get(include=include, limit=_GET_PAGE, offset=offset, where=where or None)
            if not got["ids"]:
                return
            yield got["ids"], got.get("metadatas") or [], got.get("documents") or []
            offset += len(got["ids"])

    # -- writing -----------------------------------------------------------
    @contextmanager
    def writing(self, task: str = "") -> Iterator[None]:
        """Hold the index folder's writer lock for a write, after loading what another writer saved
        since this process last read (so nothing it wrote is overwritten)."""
        self._require_writable()
        with self.writer.held(task):
            self._refresh()
            yield

    @_forgets_reads
    def put_speeches(self, items: list[SpeechWrite]) -> None:
        """Store speeches' chunks and records, a batch at a time (the protocol in the module docstring)."""
        self._require_writable()
        new_ids = {c.id for _, chunks, _, _ in items for c in chunks}
        speech_ids = [speech.id for speech, _, _, _ in items]
        old_ids = self.chunk_ids(where={"speech_id": {"$in": speech_ids}}) - new_ids  # one query per batch
        chunks = [(c, speech, record) for speech, cs, _, record in items for c in cs]
        if chunks:
            self._chunks.upsert(ids=[c.id for c, _, _ in chunks],
                                embeddings=np.concatenate([vectors for _, _, vectors, _ in items]),
                                documents=[c.text for c, _, _ in chunks],
                                metadatas=[chunk_metadata(c, speech, record.hash) for c, speech, record in chunks])
        self._speeches.upsert(ids=[speech.id for speech, _, _, _ in items],
                              embeddings=[mean_vector(vectors) for _, _, vectors, _ in items],
                              metadatas=[record_metadata(record) for _, _, _, record in items])
        if old_ids:
            self._chunks.delete(ids=sorted(old_ids))
        self.keyword.delete(old_ids)
        self.keyword.upsert([c.id for c, _, _ in chunks],
                            [indexed_text(c.text, speech.title or speech.meeting, c.section) for c, speech, _ in chunks])

    @_forgets_reads
    def set_collection(self, speech_ids: list[str], collection: str) -> None:
        """Move speeches to another collection: their records only, nothing re-embedded."""
        self._require_writable()
        records = self.speeches()
        moved = [replace(records[i], collection=collection) for i in speech_ids if i in records]
        if moved:
            self._speeches.update(ids=[r.id for r in moved], metadatas=[record_metadata(r) for r in moved])

    @_forgets_reads
    def remove_speeches(self, speech_ids: Iterable[str]) -> None:
        self._require_writable()
        for speech_id in speech_ids:
            ids = self.chunk_ids(where={"speech_id": speech_id})
            self._speeches.delete(ids=[speech_id])
            if ids:
                self._chunks.delete(ids=sorted(ids))
            self.keyword.delete(ids)

    def save(self) -> None:
        self._require_writable()
        self._save_keyword()

    def _save_keyword(self) -> None:
        """Save the keyword index; its new stamp is ours, no reason to reload."""
        with self._reload_lock:
            self.keyword.save()
            self._stamp = file_stamp(self.keyword.path)

    def _require_writable(self) -> None:
        if self.read_only_folder is not None:
            raise ReadOnlyIndexError(self.read_only_folder)

    @_forgets_reads
    def repair(self) -> int:
        """Remove orphan chunks (see module docstring) and re-sync the keyword index."""
        self._require_writable()
        hashes = {record.id: record.hash for record in self.speeches().values()}
        orphans = [i for ids, metas, _ in self._pages(self._chunks, ["metadatas"])
                   for i, m in zip(ids, metas) if hashes.get(m.get("speech_id")) != m.get("speech_hash")]
        if orphans:
            log.warning("removing %d chunks left by an interrupted ingestion", len(orphans))
            self._chunks.delete(ids=orphans)
        self.sync_keyword()
        return len(orphans)

    @_forgets_reads
    def sync_keyword(self, save: bool = True) -> None:
        """Make the keyword index hold exactly the chunks Chroma holds (saved unless read-only)."""
        chroma_ids = self.chunk_ids()
        stale = self.keyword.ids() - chroma_ids
        missing = sorted(chroma_ids - self.keyword.ids())
        if stale:
            self.keyword.delete(stale)
        for start in range(0, len(missing), _GET_PAGE):
            got = self._chunks.get(ids=missing[start:start + _GET_PAGE], include=["documents", "metadatas"])
            texts = [meta_indexed_text(text, meta) for text, meta in zip(got["documents"], got["metadatas"])]
            self.keyword.upsert(got["ids"], texts)
        if stale or missing:
            log.info("keyword index re-synced: %d added, %d removed", len(missing), len(stale))
            if save and not self.read_only:
                self._save_keyword()


def _key(where: dict | None) -> str:
    """A filter as a key of what reads found."""
    return json.dumps(where, sort_keys=True, ensure_ascii=False)


def _read_only_folder(client, keyword_dir: Path) -> Path | None:
    """The folder that makes an index read-only for this process (Chroma's or the keyword index's)."""
    from vectorstore.stores.chroma_client import read_only_source

    folder = read_only_source(client) or unwritable(keyword_dir)
    if folder is not None:
        note_read_only(folder)
    return folder


def _open_keyword(directory: Path) -> KeywordIndex:
    """The keyword index is derived data: an unreadable one is rebuilt from Chroma."""
    try:
        return KeywordIndex.open(directory)
    except IndexMismatchError as error:
        log.warning("%s; rebuilding it from the Chroma index", error)
        return KeywordIndex(directory)


def drop_chroma(client, collection: str, keyword_dir: Path, writer_wait: float = 10.0) -> None:
    """Delete a Chroma index whatever it was built with (``ingest --rebuild``)."""
    folder = _read_only_folder(client, keyword_dir)
    if folder is not None:
        raise ReadOnlyIndexError(folder)
    with WriterLock(keyword_dir, wait=writer_wait).held("rebuild"):
        existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
        for name in (f"{collection}_chunks", f"{collection}_speeches"):
            if name in existing:
                client.delete_collection(name)
        KeywordIndex(keyword_dir).save()

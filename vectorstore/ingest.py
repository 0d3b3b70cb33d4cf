"""Incremental ingestion: files → speeches → chunks → embeddings → index.

A speech whose content hash is already indexed is not embedded again; a
changed speech is replaced; speeches that vanished from a re-read file are
removed, and with ``prune`` so are speeches of files no longer given.

Every write is a whole batch of speeches (vectorstore/stores/protocol.py), so an ingest stopped
between batches (:attr:`Ingestor.stopping`, set when the server stops) or ended by a fault (a full
disk, a folder made read-only: vectorstore/runtime/faults.py) leaves the index consistent.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

import numpy as np

from vectorstore.speech.chunking import chunk_speech
from vectorstore.runtime.compute import ComputeGate
from vectorstore.errors import InputError, StoppingError
from vectorstore.runtime.faults import writing
from vectorstore.runtime.file_keys import FileKeys, keyed
from vectorstore.runtime.limits import DEFAULT_MAX_TEXT_CHARS
from vectorstore.readers import ReadLimits, discover, load_file
from vectorstore.speech.speeches import content_hash, speeches_from_document
from vectorstore.stores.chroma import ChromaStore as SpeechIndex
from vectorstore.speech.records import DEFAULT_COLLECTION, SpeechRecord
from vectorstore.stores.chunks import indexed_text
from vectorstore.speech.types import Chunk, Speech

log = logging.getLogger(__name__)
_BATCH_CHUNKS = 1024  # chunks written per store call: Chroma's cost per call grows with the collection (256: 40.9 s of upserts for the scale corpus, 1024: 25.8 s)
_EMBED_SLICE = 16  # chunks embedded per turn at the compute gate: what a waiting question may wait for


@dataclass
class IngestReport:
    """What one ingestion did, speech by speech."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, one-line reason)
    chunks_embedded: int = 0

    @property
    def did_nothing(self) -> bool:
        """True when no input could be read at all (every path was skipped)."""
        return bool(self.skipped) and not (self.added or self.updated or self.unchanged or self.removed)

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.removed)} removed, {len(self.skipped)} skipped; "
                f"{self.chunks_embedded} chunks embedded")


@dataclass(frozen=True)
class PendingSpeech:
    speech: Speech
    record: SpeechRecord
    chunks: list[Chunk]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Ingestor:
    """Brings an index up to date with a set of files."""

    def __init__(self, index: SpeechIndex, *, max_chars: int, chunker_key: str, max_bytes: int,
                 max_text_chars: int = DEFAULT_MAX_TEXT_CHARS, gate: ComputeGate | None = None,
                 uploads_dir: Path | None = None, read_limits: ReadLimits | None = None,
                 index_dir: Path | None = None):
        self.index = index
        self.max_chars = max_chars
        self.chunker_key = chunker_key
        self.max_bytes = max_bytes
        self.max_text_chars = max_text_chars
        self.gate = gate or ComputeGate()  # held per batch, so questions never wait for a whole ingest
        self.uploads_dir = uploads_dir
        self.read_limits = read_limits or ReadLimits(max_bytes=max_bytes, max_chars=max_text_chars)
        self.index_dir = Path(index_dir or getattr(index, "keyword_dir", "."))  # named when a write fails
        self.stopping = threading.Event()  # set: every ingest stops at its next file or batch

    @contextmanager
    def _writing(self):
        """A write to the index: the compute gate held, a full disk or read-only folder as our error."""
        with self.gate.background(), writing(self.index_dir):
            yield

    def ingest(self, paths: Iterable[str | Path], *, prune: bool = False, progress: bool = True,
               collection: str | None = None) -> IngestReport:
        """Index files or folders; with ``collection``, their speeches belong to it (those indexed
        already are moved to it, nothing re-embedded); without, new speeches go to the default one."""
        with self.index.writing("ingest"):
            return self._ingest(paths, prune, progress, collection)

    def _ingest(self, paths, prune: bool, progress: bool, collection: str | None) -> IngestReport:
        report = IngestReport()
        self._stop_if_asked("before it began")
        with self._writing():
            self.index.repair()
        indexed = self.index.speeches()
        files, not_files = discover(paths)
        report.skipped.extend(not_files)
        keys = FileKeys(indexed.values(), self.uploads_dir)
        pending, loaded, given = self._read_all(files, keys, indexed, report, progress, collection)
        self._write(pending, report, progress)
        moving = [i for i in report.unchanged if collection and indexed[i].collection != collection]
        with self._writing():
            if moving:
                self.index.set_collection(moving, collection)
            self._remove_vanished(indexed, loaded, given if prune else None, report)
            self.index.save()
        return report

    def _stop_if_asked(self, when: str, save: bool = False) -> None:
        """StoppingError once :attr:`stopping` is set; with ``save`` what was written is saved first."""
        if not self.stopping.is_set():
            return
        if save:
            with self._writing():
                self.index.save()
        log.warning("indexing stopped %s: the server is stopping", when)
        raise StoppingError(f"the server is stopping: indexing stopped {when}; the index is consistent")

    # -- reading -----------------------------------------------------------
    def _read_all(self, files: list[Path], keys: FileKeys, indexed: dict[str, SpeechRecord],
                  report: IngestReport, progress: bool, collection: str | None = None):
        """Read every file; returns the speeches to write, the keys of the files read and of all given."""
        pending: list[PendingSpeech] = []
        loaded: set[str] = set()
        given = {keys.key(path): path for path in files}
        keyed_files = [(key, path) for key, path in given.items()]
        by_text = {record.text_hash: record.id for record in indexed.values()}
        for number, (key, path) in enumerate(_bar(keyed_files, "reading", progress)):
            self._stop_if_asked(f"while reading the files ({number} of {len(keyed_files)} read), before any was indexed")
            try:
                documents = load_file(path, limits=self._limits(), progress=progress, skipped=report.skipped)
            except InputError as error:
                report.skipped.append((str(path), str(error)))
                continue
            loaded.add(key)
            for document in documents:
                for speech in self._speeches(keyed(document, path.name, key), report):
                    self._classify(speech, document.path, indexed, by_text, pending, report, collection)
        return pending, loaded, set(given)

    def _limits(self) -> ReadLimits:
        """The read limits, with the byte and character limits as set on this ingestor now."""
        return replace(self.read_limits, max_bytes=self.max_bytes, max_chars=self.max_text_chars)

    def _speeches(self, document, report: IngestReport) -> list[Speech]:
        speeches = speeches_from_document(document)
        if not speeches:
            report.skipped.append((document.source, "no speech text left after removing headers and boilerplate"))
        return speeches

    def _classify(self, speech: Speech, path: str, indexed, by_text, pending, report, collection=None) -> None:
        previous = indexed.get(speech.id)
        record = self._record(speech, path, collection or (previous.collection if previous else DEFAULT_COLLECTION))
        twin = by_text.get(record.text_hash)
        if twin is not None and twin != speech.id:
            report.skipped.append((speech.id, f"same text as {twin}, which is indexed already"))
        elif previous is not None and previous.hash == record.hash:
            report.unchanged.append(speech.id)
        else:
            chunks = chunk_speech(speech, self.max_chars, generation=record.hash[:8])
            pending.append(PendingSpeech(speech, _with_count(record, len(chunks)), chunks))
            (report.updated if previous else report.added).append(speech.id)
            by_text[record.text_hash] = speech.id

    def _record(self, speech: Speech, path: str, collection: str = DEFAULT_COLLECTION) -> SpeechRecord:
        return SpeechRecord(
            id=speech.id, file=speech.source.split("#")[0], path=path, hash=content_hash(speech, self.chunker_key),
            text_hash=text_hash(speech.text), chunk_count=0, meta=speech.meta, outline_json=speech.outline.to_json(),
            collection=collection,
        )

    # -- writing -----------------------------------------------------------
    def _write(self, pending: list[PendingSpeech], report: IngestReport, progress: bool) -> None:
        total, done = sum(len(item.chunks) for item in pending), 0
        with _progress(total, "embedding", progress) as bar:
            def stop_if_asked() -> None:  # between batches and between the embedding slices of one
                self._stop_if_asked(f"after {done} of {len(pending)} speeches were indexed", save=done > 0)

            for batch in _batches(pending, _BATCH_CHUNKS):
                stop_if_asked()
                texts = [indexed_text(c.text, item.speech.title or item.speech.meeting, c.section)
                         for item in batch for c in item.chunks]
                vectors = self._embed(texts, bar, stop_if_asked)
                bounds = np.cumsum([0] + [len(item.chunks) for item in batch])
                with self._writing():
                    self.index.put_speeches([(item.speech, item.chunks, vectors[a:b], item.record)
                                             for item, a, b in zip(batch, bounds, bounds[1:])])
                report.chunks_embedded += len(texts)
                done += len(batch)

    def _embed(self, texts: list[str], bar, stop_if_asked=lambda: None) -> np.ndarray:
        """Vectors for ``texts``, a slice per turn at the compute gate. The texts of all the batch's
        speeches are sorted by length first, so a slice's texts are alike and little of it is padding.
        ``stop_if_asked`` runs before each slice (a stopping server leaves within one slice)."""
        order = np.argsort([-len(text) for text in texts], kind="stable")
        parts = []
        for start in range(0, len(texts), _EMBED_SLICE):
            stop_if_asked()
            piece = [texts[i] for i in order[start:start + _EMBED_SLICE]]
            with self.gate.background():
                parts.append(np.asarray(self.index.embeddings.embed_documents(piece), dtype=np.float32))
            bar.update(len(piece))
        if not parts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = np.empty_like(sorted_vectors := np.concatenate(parts))
        vectors[order] = sorted_vectors
        return vectors

    def _remove_vanished(self, indexed, loaded: set[str], given: set[str] | None, report: IngestReport) -> None:
        """Remove speeches a re-read file no longer has; with ``given``, those of files not given."""
        current = set(report.added + report.updated + report.unchanged)
        for speech_id, record in indexed.items():
            gone_from_file = record.file in loaded
            file_not_given = given is not None and record.file not in given
            if speech_id not in current and (gone_from_file or file_not_given):
                report.removed.append(speech_id)
        self.index.remove_speeches(report.removed)


def _with_count(record: SpeechRecord, count: int) -> SpeechRecord:
    from dataclasses import replace

    return replace(record, chunk_count=count)


def _batches(items: list[PendingSpeech], max_chunks: int):
    """Group speeches so each batch holds about ``max_chunks`` chunks (a speech is never split)."""
    batch: list[PendingSpeech] = []
    size = 0
    for item in items:
        if batch and size + len(item.chunks) > max_chunks:
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += len(item.chunks)
    if batch:
        yield batch


def _bar(items, label: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="file", disable=not enabled, leave=False)


def _progress(total: int, label: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="chunk", disable=not enabled or total == 0)

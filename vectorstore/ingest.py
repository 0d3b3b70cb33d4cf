"""Incremental ingestion: files → speeches → chunks → embeddings → index.

A speech whose content hash is already indexed is not embedded again; a
changed speech is replaced; speeches that vanished from a re-read file are
removed, and with ``prune`` so are speeches of files no longer given.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from vectorstore.chunking import chunk_speech
from vectorstore.errors import InputError
from vectorstore.loaders import discover, load_file
from vectorstore.speeches import content_hash, speeches_from_document
from vectorstore.store import SpeechIndex, SpeechRecord, indexed_text
from vectorstore.types import Chunk, Speech

log = logging.getLogger(__name__)
_BATCH_CHUNKS = 256


@dataclass
class IngestReport:
    """What one ingestion did, speech by speech."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, one-line reason)
    chunks_embedded: int = 0

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

    def __init__(self, index: SpeechIndex, *, max_chars: int, chunker_key: str, max_bytes: int):
        self.index = index
        self.max_chars = max_chars
        self.chunker_key = chunker_key
        self.max_bytes = max_bytes

    def ingest(self, paths: Iterable[str | Path], *, prune: bool = False, progress: bool = True) -> IngestReport:
        report = IngestReport()
        self.index.repair()
        indexed = self.index.speeches()
        files, not_files = discover(paths)
        report.skipped.extend(not_files)
        pending, loaded = self._read_all(files, indexed, report, progress)
        self._write(pending, report, progress)
        given = {path.name for path in files}
        self._remove_vanished(indexed, loaded, given if prune else None, report)
        self.index.save()
        return report

    # -- reading -----------------------------------------------------------
    def _read_all(self, files: list[Path], indexed: dict[str, SpeechRecord], report: IngestReport, progress: bool):
        pending: list[PendingSpeech] = []
        loaded: set[str] = set()
        by_text = {record.text_hash: record.id for record in indexed.values()}
        for path in _bar(files, "reading", progress):
            try:
                documents = load_file(path, max_bytes=self.max_bytes)
            except InputError as error:
                report.skipped.append((str(path), str(error)))
                continue
            loaded.add(path.name)
            for document in documents:
                for speech in self._speeches(document, report):
                    self._classify(speech, str(path), indexed, by_text, pending, report)
        return pending, loaded

    def _speeches(self, document, report: IngestReport) -> list[Speech]:
        speeches = speeches_from_document(document)
        if not speeches:
            report.skipped.append((document.source, "no speech text left after removing headers and boilerplate"))
        return speeches

    def _classify(self, speech: Speech, path: str, indexed, by_text, pending, report) -> None:
        record = self._record(speech, path)
        previous = indexed.get(speech.id)
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

    def _record(self, speech: Speech, path: str) -> SpeechRecord:
        return SpeechRecord(
            id=speech.id, source=speech.source, file=speech.source.split("#")[0], path=path,
            hash=content_hash(speech, self.chunker_key), text_hash=text_hash(speech.text), chunk_count=0,
            title=speech.title, speaker=speech.speaker, speaker_role=speech.speaker_role, date=speech.date,
            places=speech.places, meeting=speech.meeting, region=speech.region,
        )

    # -- writing -----------------------------------------------------------
    def _write(self, pending: list[PendingSpeech], report: IngestReport, progress: bool) -> None:
        total = sum(len(item.chunks) for item in pending)
        with _progress(total, "embedding", progress) as bar:
            for batch in _batches(pending, _BATCH_CHUNKS):
                texts = [indexed_text(c.text, item.speech.title or item.speech.meeting, c.section)
                         for item in batch for c in item.chunks]
                vectors = np.asarray(self.index.embeddings.embed_documents(texts), dtype=np.float32)
                bounds = np.cumsum([0] + [len(item.chunks) for item in batch])
                self.index.put_speeches([(item.speech, item.chunks, vectors[a:b], item.record)
                                         for item, a, b in zip(batch, bounds, bounds[1:])])
                report.chunks_embedded += len(texts)
                bar.update(len(texts))

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

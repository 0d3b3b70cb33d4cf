"""The chunk codec both stores share: a chunk's stored metadata, and the text that is indexed."""

from __future__ import annotations

import numpy as np

from vectorstore.speech.records import clean_metadata, date_number
from vectorstore.speech.types import Chunk, Speech


def indexed_text(text: str, title: str | None, section: str) -> str:
    """What is embedded and keyword-indexed for a chunk: its speech title (or meeting) and
    section path give it context; the stored text stays the exact span."""
    context = " ".join(part for part in (title, section) if part)
    return f"{context}\n{text}" if context else text


def chunk_metadata(chunk: Chunk, speech: Speech, speech_hash: str) -> dict:
    return clean_metadata({
        "speech_id": speech.id, "source": chunk.source, "file": chunk.source.split("#")[0],
        "title": speech.title, "section": chunk.section, "start": chunk.start, "end": chunk.end,
        "speech_hash": speech_hash, "speaker": speech.speaker, "speaker_role": speech.speaker_role,
        "date": speech.date, "date_num": date_number(speech.date),
        "places": list(speech.places) or None, "meeting": speech.meeting,
    })


def chunk_from_record(chunk_id: str, text: str, meta: dict) -> Chunk:
    return Chunk(id=chunk_id, speech_id=meta["speech_id"], source=meta["source"], title=meta.get("title"),
                 section=meta.get("section", ""), start=int(meta["start"]), end=int(meta["end"]), text=text)


def meta_indexed_text(text: str, meta: dict) -> str:
    """:func:`indexed_text` of a stored chunk, from its metadata."""
    return indexed_text(text, meta.get("title") or meta.get("meeting"), meta.get("section", ""))


def mean_vector(vectors: np.ndarray) -> np.ndarray:
    """A speech's vector: the unit-length mean of its chunks'."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)

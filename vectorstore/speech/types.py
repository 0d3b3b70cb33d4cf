"""Value types that cross module boundaries: raw documents, speeches, chunks.

The speech's own objects (Speech, SpeechMeta, Outline) live in vectorstore/speech/model.py
and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vectorstore.speech.model import Outline, OutlineNode, Speech, SpeechMeta

__all__ = ["RawDocument", "Speech", "SpeechMeta", "Outline", "OutlineNode", "Chunk", "Passage"]


@dataclass(frozen=True)
class RawDocument:
    """Text read from one file (or one JSONL record) before cleaning.

    ``source`` is the file name shown to users (for JSONL: ``file.jsonl#id``).
    ``meta`` holds metadata the file itself states (JSONL fields), never guesses.
    ``page_starts`` holds, for a paged file (PDF, scan), the offset in ``text`` where
    each page begins (page 1 at 0); empty for files without pages.
    """

    source: str
    text: str
    path: str = ""
    meta: dict = field(default_factory=dict)
    page_starts: tuple[int, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A retrievable span of a speech: ``text == speech.text[start:end]``."""

    id: str
    speech_id: str
    source: str
    title: str | None
    section: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """A search result: a chunk with its score and speech metadata, best first."""

    chunk_id: str
    speech_id: str
    source: str
    title: str | None
    section: str
    start: int
    end: int
    text: str
    score: float
    speaker: str | None = None
    date: str | None = None
    pages: tuple[int, ...] = ()  # pages of the file (a PDF or scan) the passage is on; empty for files without pages

    def to_dict(self) -> dict:
        return {
            "source": self.source, "title": self.title, "section": self.section,
            "start": self.start, "end": self.end, "text": self.text, "score": round(self.score, 6),
            "chunk_id": self.chunk_id, "speech_id": self.speech_id,
            "speaker": self.speaker, "date": self.date, "pages": list(self.pages),
        }

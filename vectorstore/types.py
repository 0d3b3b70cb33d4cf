"""Value types that cross module boundaries: raw documents, speeches, chunks."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawDocument:
    """Text read from one file (or one JSONL record) before cleaning.

    ``source`` is the file name shown to users (for JSONL: ``file.jsonl#id``).
    ``meta`` holds metadata the file itself states (JSONL fields), never guesses.
    """

    source: str
    text: str
    path: str = ""
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Speech:
    """One speech after cleaning and splitting; ``text`` is what citations quote."""

    id: str
    source: str
    text: str
    title: str | None = None
    speaker: str | None = None
    speaker_role: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd, or None when not stated
    places: tuple[str, ...] = ()
    meeting: str | None = None
    region: str | None = None


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

    def to_dict(self) -> dict:
        return {
            "source": self.source, "title": self.title, "section": self.section,
            "start": self.start, "end": self.end, "text": self.text, "score": round(self.score, 6),
            "chunk_id": self.chunk_id, "speech_id": self.speech_id,
            "speaker": self.speaker, "date": self.date,
        }

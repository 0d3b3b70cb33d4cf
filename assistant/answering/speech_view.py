"""One speech as a composer reads it: its record (SpeechMeta, outline) and its chunks, so that any
span of the cleaned text can be quoted as a verified citation."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.retrieval.evidence import Evidence
from assistant.answering.citations import make_citation
from vectorstore.text.sentences import Sentence, split_sentences
from assistant.types import Citation
from vectorstore.speech.types import Chunk, Passage


@dataclass(frozen=True)
class SpeechView:
    record: object  # SpeechRecord: .meta, .outline
    chunks: tuple[Chunk, ...]

    @classmethod
    def load(cls, index, speech_id: str) -> "SpeechView | None":
        record = index.speeches().get(speech_id)
        return cls(record, tuple(index.speech_chunks(speech_id))) if record is not None else None

    @property
    def outline(self):
        return self.record.outline

    def evidence_at(self, offset: int, n: int = 0) -> Evidence | None:
        """The passage (chunk) holding a text offset, as Evidence for a citation."""
        chunk = next((c for c in self.chunks if c.start <= offset < c.end), None)
        if chunk is None:
            return None
        passage = Passage(chunk_id=chunk.id, speech_id=chunk.speech_id, source=chunk.source, title=chunk.title,
                          section=chunk.section, start=chunk.start, end=chunk.end, text=chunk.text, score=1.0,
                          speaker=self.record.speaker, date=self.record.date)
        return Evidence(n=n, passage=passage, record=self.record)

    def sentences_from(self, offset: int, count: int = 1, end: int | None = None) -> list[tuple[Evidence, Sentence]]:
        """Up to ``count`` sentences starting with the one that holds ``offset`` (not past ``end``)."""
        found: list[tuple[Evidence, Sentence]] = []
        for chunk in self.chunks:
            if chunk.end <= offset or (end is not None and chunk.start >= end):
                continue
            evidence = self.evidence_at(chunk.start)
            for sentence in split_sentences(chunk.text, chunk.start):
                if sentence.end > offset and (end is None or sentence.start < end) and len(found) < count:
                    found.append((evidence, sentence))
        return found

    def cite(self, citations: list[Citation], evidence: Evidence, sentence: Sentence) -> int | None:
        """Add a citation for a sentence (once); its marker number, or None when it is not verbatim."""
        for citation in citations:
            if citation.speech_id == evidence.passage.speech_id and citation.quote_start == sentence.start:
                return citation.n
        citation = make_citation(len(citations) + 1, evidence, sentence)
        if citation is None:
            return None
        citations.append(citation)
        return citation.n


def text_between(chunks: tuple[Chunk, ...], start: int, end: int) -> str:
    """The speech text in [start, end) as far as the chunks hold it (they hold all but blank lines)."""
    parts = [c.text[max(start, c.start) - c.start:min(end, c.end) - c.start]
             for c in chunks if c.end > start and c.start < end]
    return "\n".join(part for part in parts if part)

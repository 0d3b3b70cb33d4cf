"""A numbered passage that retrieval hands to an answerer, with what is needed to cite it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from vectorstore.speech.records import SpeechRecord
from vectorstore.text.sentences import Sentence, split_sentences
from vectorstore.speech.types import Passage

PASSAGES_KEPT = 4096  # passages whose sentences are kept cut: the same passages come back question after question


@dataclass(frozen=True)
class Evidence:
    """A numbered passage given to an answerer, with what is needed to cite it."""

    n: int
    passage: Passage
    record: SpeechRecord | None
    similarity: float = 0.0  # cosine of the question to the passage

    def sentences(self) -> list[Sentence]:
        return list(_sentences(self.passage.text, self.passage.start))


@lru_cache(maxsize=PASSAGES_KEPT)
def _sentences(text: str, start: int) -> tuple[Sentence, ...]:
    """A passage's sentences, cut once."""
    return tuple(split_sentences(text, start))

"""A numbered passage that retrieval hands to an answerer, with what is needed to cite it."""

from __future__ import annotations

from dataclasses import dataclass

from vectorstore.speech.records import SpeechRecord
from vectorstore.text.sentences import Sentence, split_sentences
from vectorstore.speech.types import Passage


@dataclass(frozen=True)
class Evidence:
    """A numbered passage given to an answerer, with what is needed to cite it."""

    n: int
    passage: Passage
    record: SpeechRecord | None
    similarity: float = 0.0  # cosine of the question to the passage

    def sentences(self) -> list[Sentence]:
        return split_sentences(self.passage.text, self.passage.start)

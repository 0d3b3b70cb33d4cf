"""Sentences with exact offsets, and the text comparisons everything shares.

``split_sentences`` cuts at 。！？； and line breaks and keeps each sentence's offsets in
the text it was cut from (citations carry them); ``content_chars`` and ``bigrams`` give a
cheap character-bigram similarity; ``normalise`` is the NFKC, whitespace-free form in which
quotes are compared with their sources.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)]*|\n+")
_NOT_CONTENT = re.compile(r"[\s\W_]+", re.UNICODE)
_WHITESPACE = re.compile(r"\s+")
KEPT_TEXTS = 16384  # sentences whose comparison forms are kept: the same passages come back question after question


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets in the text the sentence was cut from
    end: int
    text: str


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of ``text`` (ending at 。！？； or a line break), offsets shifted by ``offset``."""
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(text):
        _append(sentences, text, start, match.end(), offset)
        start = match.end()
    _append(sentences, text, start, len(text), offset)
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int, offset: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(start + offset, end + offset, text[start:end]))


@lru_cache(maxsize=KEPT_TEXTS)
def content_chars(text: str) -> str:
    """NFKC text without whitespace and punctuation (for comparisons)."""
    return _NOT_CONTENT.sub("", unicodedata.normalize("NFKC", text))


def bigrams(text: str) -> set[str]:
    return set(_bigrams(text))


@lru_cache(maxsize=KEPT_TEXTS)
def _bigrams(text: str) -> frozenset[str]:
    chars = content_chars(text)
    return frozenset({chars[i:i + 2] for i in range(len(chars) - 1)} or ({chars} if chars else set()))


def overlap(claim: str, source: str) -> float:
    """Share of the claim's character bigrams found in the source (0..1)."""
    claim_grams = bigrams(claim)
    return len(claim_grams & bigrams(source)) / len(claim_grams) if claim_grams else 0.0


def normalise(text: str) -> str:
    """NFKC without any whitespace: how a quote is compared with its source."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))

"""Outline-aware chunking of a cleaned speech.

Blocks (text under one heading) are packed into chunks of at most
``max_chars`` characters; a chunk never spans two top-level sections; a block
too long for one chunk is cut at sentence ends (。！？； and half-width forms).
Every chunk satisfies ``chunk.text == speech.text[chunk.start:chunk.end]``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from vectorstore.speech.outline import Block, Heading, outline_blocks, section_path
from vectorstore.text.sentences import SENTENCE_END
from vectorstore.speech.types import Chunk, Speech

CHUNKER_VERSION = "outline-v3"  # v2: keyword index holds title and section too; v3: 「一、2024年…」 is a heading
DEFAULT_MAX_CHARS = 600  # measured: bench.retrieval --max-chars 250 400 600 800 1000
_CLAUSE_END = re.compile(r"[，,、：:]")


def chunker_key(max_chars: int) -> str:
    """What an index's chunks depend on: the chunker's version and its size (part of the index identity)."""
    return f"{CHUNKER_VERSION}/{max_chars}"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    path: tuple[Heading, ...]


def chunk_speech(speech: Speech, max_chars: int = DEFAULT_MAX_CHARS, generation: str = "") -> list[Chunk]:
    """Cut one speech into chunks with section paths and exact offsets.

    ``generation`` (a content hash) goes into chunk ids, so a changed speech's
    new chunks never overwrite the old ones before they are complete.
    """
    prefix = f"{speech.id}:{generation}" if generation else speech.id
    spans = pack_blocks(outline_blocks(speech.text), speech.text, max_chars)
    chunks = []
    for span in spans:
        start, end = _trim(speech.text, span.start, span.end)
        if start == end:
            continue
        number = len(chunks)
        chunks.append(Chunk(
            id=f"{prefix}:{number:04d}", speech_id=speech.id, source=speech.source,
            title=speech.title, section=section_path(span.path),
            start=start, end=end, text=speech.text[start:end],
        ))
    return chunks


def pack_blocks(blocks: list[Block], text: str, max_chars: int) -> list[Span]:
    """Greedily merge consecutive blocks of one top-level section up to max_chars."""
    spans: list[Span] = []
    for block in blocks:
        for piece in split_block(block, text, max_chars):
            last = spans[-1] if spans else None
            if last and _same_top(last.path, piece.path) and piece.end - last.start <= max_chars:
                spans[-1] = Span(last.start, piece.end, _common_path(last.path, piece.path))
            else:
                spans.append(piece)
    return spans


def split_block(block: Block, text: str, max_chars: int) -> list[Span]:
    """Cut a block into about-equal pieces of whole sentences, each ≤ max_chars if possible."""
    length = block.end - block.start
    if length <= max_chars:
        return [Span(block.start, block.end, block.path)]
    target = math.ceil(length / math.ceil(length / max_chars))
    cuts = _sentence_cuts(text, block.start, block.end, target, max_chars)
    bounds = [block.start, *cuts, block.end]
    return [Span(a, b, block.path) for a, b in zip(bounds, bounds[1:]) if b > a]


def _sentence_cuts(text: str, start: int, end: int, target: int, max_chars: int) -> list[int]:
    """Cut offsets at sentence ends so pieces are near ``target`` and never over max_chars."""
    ends = [m.end() for m in SENTENCE_END.finditer(text, start, end)] + [end]
    cuts, piece_start, previous = [], start, start
    for sentence_end in ends:
        if sentence_end - piece_start > max_chars and previous > piece_start:
            cuts.append(previous)
            piece_start = previous
        while sentence_end - piece_start > max_chars:  # one sentence longer than max_chars
            piece_start = _clause_cut(text, piece_start, max_chars)
            cuts.append(piece_start)
        if sentence_end - piece_start >= target and sentence_end < end:
            cuts.append(sentence_end)
            piece_start = sentence_end
        previous = sentence_end
    return cuts


def _clause_cut(text: str, start: int, max_chars: int) -> int:
    """Where to cut an over-long sentence: the last clause end in range, else a hard cut."""
    clause_ends = [m.end() for m in _CLAUSE_END.finditer(text, start + max_chars // 2, start + max_chars)]
    return clause_ends[-1] if clause_ends else start + max_chars


def _same_top(a: tuple[Heading, ...], b: tuple[Heading, ...]) -> bool:
    return (a[0] if a else None) == (b[0] if b else None)


def _common_path(a: tuple[Heading, ...], b: tuple[Heading, ...]) -> tuple[Heading, ...]:
    common = []
    for left, right in zip(a, b):
        if left != right:
            break
        common.append(left)
    return tuple(common)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end

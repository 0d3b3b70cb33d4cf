"""Retrieval for answering: hybrid search, exact-match priority, neighbour expansion.

``EvidenceRetriever`` is a langchain ``BaseRetriever`` (so it composes into
chains) whose documents carry our ``Evidence`` in their metadata.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieval.evidence import Evidence
from assistant.retrieval.shape import is_stuffed
from assistant.understanding.question import quoted_terms
from vectorstore.speech.outline import item_marker
from vectorstore.search import SearchFilters, spread_speeches
from vectorstore.stores.chroma import ChromaStore as SpeechIndex
from vectorstore.speech.types import Chunk, Passage

_LIST_INTRO = re.compile(r"[：:]\s*$")
EXACT_BOOST = 3  # exact matches are moved ahead of at most this many fused results
MAX_FOLLOW = 3  # chunks an enumeration may be followed into
STUFFED_DEMOTION = 4  # places a stuffed passage (questions, keyword runs, repeats) moves down
FORM_SLOT = 2  # chunks stating the asked form come after this many ranked passages…
FORM_PASSAGES = 2  # …at most this many
MAX_PER_SPEECH = 3  # of the passages an answer gets, at most this many from one speech, while others qualify


def _variants(term: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", term)
    return list(dict.fromkeys([term, folded]))


class EvidenceRetriever(BaseRetriever):
    """The passages an answer may cite, numbered 1..n."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any  # SpeechIndex
    searcher: Any  # Searcher
    k: int = 5
    depth: int = 30
    filters: SearchFilters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [Document(page_content=e.passage.text, metadata={"evidence": e}) for e in self.evidence(query)]

    def ranked(self, query: str, filters: SearchFilters | None = None, prefer: tuple[str, ...] = (),
               depth: int | None = None, per_speech: int = MAX_PER_SPEECH,
               stating: re.Pattern | None = None, part: tuple[int, int] | None = None) -> list[Passage]:
        """The one ranking that answers, search and the eval read: hybrid fusion, then the signals —
        the question's scope first, stuffed passages down, a cap per speech, exact quoted terms first,
        inside one speech the passages stating the form asked for (``stating``) when none read does,
        and only the passages of the part ``[start, end)`` of it the question names, when it names one."""
        filters = filters or self.filters
        fused = self.searcher.search(query, k=max(depth or 0, self.depth), mode="hybrid", filters=filters)
        fused = spread_speeches(demote_stuffed(preferring(fused, prefer)), per_speech)
        ranked = prioritise_exact(fused, self._exact_matches(query, filters))
        ranked = self._in_part(ranked, filters, part) if part is not None else ranked
        return self._with_form(ranked, filters, stating) if stating is not None else ranked

    def _in_part(self, ranked: list[Passage], filters: SearchFilters | None, part: tuple[int, int]) -> list[Passage]:
        """The passages of one part of the one speech searched (「讲“凭平台招商”时…」), cut to it:
        those ranked, in their order, then the part's other chunks in text order."""
        if filters is None or len(filters.speech_ids or ()) != 1 or not ranked:
            return ranked
        inside = [p for p in ranked if overlapping(p, part)]
        seen = {p.chunk_id for p in inside}
        rest = [chunk_passage(c, 0.0, ranked[0]) for c in self.index.speech_chunks(filters.speech_ids[0])
                if overlapping(c, part) and c.id not in seen]
        return [cut_to(p, *part) for p in inside + rest] or ranked

    def _with_form(self, ranked: list[Passage], filters: SearchFilters | None, stating: re.Pattern) -> list[Passage]:
        """Inside the one speech a question names, the chunks that state the form it asks for (a
        zodiac year, a time) come among the first read, when no passage read states it."""
        one_speech = filters is not None and len(filters.speech_ids or ()) == 1
        if not one_speech or not ranked or any(stating.search(p.text) for p in ranked[:self.k]):
            return ranked
        top = {p.chunk_id for p in ranked[:self.k]}
        stated = [chunk_passage(c, 0.0, ranked[0]) for c in self.index.speech_chunks(filters.speech_ids[0])
                  if c.id not in top and stating.search(c.text)][:FORM_PASSAGES]
        added = {p.chunk_id for p in stated}
        return ranked[:FORM_SLOT] + stated + [p for p in ranked[FORM_SLOT:] if p.chunk_id not in added]

    def evidence(self, query: str, filters: SearchFilters | None = None, prefer: tuple[str, ...] = (),
                 k: int | None = None, per_speech: int = MAX_PER_SPEECH, stating: re.Pattern | None = None,
                 part: tuple[int, int] | None = None) -> list[Evidence]:
        ranked = self.ranked(query, filters, prefer, per_speech=per_speech, stating=stating, part=part)
        expanded = expand_neighbours(self.index, ranked[: k or self.k])
        if part is not None and any(overlapping(p, part) for p in ranked[: k or self.k]):
            expanded = [cut_to(p, *part) for p in expanded if overlapping(p, part)]  # not into the next part
        records = self.index.speeches()
        similarity = self.index.similarities(query, [p.chunk_id for p in expanded])
        return [Evidence(n, p, records.get(p.speech_id), similarity.get(p.chunk_id, 0.0))
                for n, p in enumerate(expanded, start=1)]

    def _exact_matches(self, query: str, filters: SearchFilters | None) -> list[Chunk]:
        where = filters.where() if filters else None
        matches: list[Chunk] = []
        for term in quoted_terms(query):
            for variant in _variants(term):
                matches += self.index.chunks_containing(variant, where=where)
        return matches


def preferring(passages: list[Passage], speech_ids: tuple[str, ...]) -> list[Passage]:
    """Passages of the speeches a question seems to mean first (in fused order), then the rest."""
    if not speech_ids:
        return passages
    wanted = set(speech_ids)
    return [p for p in passages if p.speech_id in wanted] + [p for p in passages if p.speech_id not in wanted]


def demote_stuffed(passages: list[Passage]) -> list[Passage]:
    """Passages made mostly of questions, keyword runs and repeated sentences move STUFFED_DEMOTION
    places down: keyword stuffing must not push the passages that answer out of the top k."""
    stuffed = [is_stuffed(p.text) for p in passages]
    keys = sorted((rank + STUFFED_DEMOTION * bad, bad, rank) for rank, bad in enumerate(stuffed))
    return [passages[rank] for *_, rank in keys]


def prioritise_exact(fused: list[Passage], exact: list[Chunk]) -> list[Passage]:
    """Chunks holding a quoted term verbatim come first (fused order among them)."""
    if not exact:
        return fused
    exact_ids = {c.id for c in exact}
    fused_ids = {p.chunk_id for p in fused}
    in_fused = [p for p in fused if p.chunk_id in exact_ids]
    missing = [chunk_passage(c, 0.0) for c in exact if c.id not in fused_ids]
    first = list({p.chunk_id: p for p in in_fused + missing}.values())[:EXACT_BOOST]
    chosen = {p.chunk_id for p in first}
    return first + [p for p in fused if p.chunk_id not in chosen]


def expand_neighbours(index: SpeechIndex, passages: list[Passage]) -> list[Passage]:
    """Add the chunks an enumeration runs on into (up to MAX_FOLLOW after a passage), and the
    chunk before a passage that starts mid-list."""
    seen = {p.chunk_id for p in passages}
    wanted = {i for p in passages for i in _neighbour_ids(p.chunk_id) if i and i not in seen}
    fetched = {chunk.id: chunk for chunk in index.get_chunks(sorted(wanted))} if wanted else {}
    index = _Prefetched(index, fetched, wanted)  # one read for every passage's neighbours
    result: list[Passage] = []
    for passage in passages:
        before = _unseen_chunk(index, _neighbour_ids(passage.chunk_id)[0], seen)
        if before is not None and _continues_list(before.text, passage.text):
            result.append(chunk_passage(before, passage.score * 0.99, passage))
        result.append(passage)
        last, text = passage.chunk_id, passage.text
        for _ in range(MAX_FOLLOW):
            after = _unseen_chunk(index, _neighbour_ids(last)[1], seen)
            if after is None or not _continues_list(text, after.text):
                break
            result.append(chunk_passage(after, passage.score * 0.99, passage))
            last, text = after.id, after.text
    return result


class _Prefetched:
    """An index whose chunks read ahead are served from memory."""

    def __init__(self, index, chunks: dict, asked: set[str]):
        self.index, self.chunks, self.asked = index, chunks, asked

    def get_chunks(self, ids: list[str]) -> list[Chunk]:
        if all(i in self.asked for i in ids):  # asked already: there or not there
            return [self.chunks[i] for i in ids if i in self.chunks]
        return self.index.get_chunks(ids)


def _unseen_chunk(index: SpeechIndex, chunk_id: str | None, seen: set[str]) -> Chunk | None:
    """The chunk with this id, unless it is already taken (then None); marks it taken."""
    if not chunk_id or chunk_id in seen:
        return None
    chunks = index.get_chunks([chunk_id])
    if chunks:
        seen.add(chunk_id)
    return chunks[0] if chunks else None


def _neighbour_ids(chunk_id: str) -> tuple[str | None, str | None]:
    prefix, _, number = chunk_id.rpartition(":")
    if not number.isdigit():
        return None, None
    n = int(number)
    width = len(number)
    return (f"{prefix}:{n - 1:0{width}d}" if n > 0 else None), f"{prefix}:{n + 1:0{width}d}"


def _continues_list(first: str, second: str) -> bool:
    """True when ``second`` carries on an enumeration that ``first`` started."""
    last_line = first.rstrip().split("\n")[-1]
    next_kind = item_marker(second.lstrip().split("\n")[0])
    if _LIST_INTRO.search(last_line):
        return True
    kinds = {item_marker(line) for line in first.split("\n")} - {None}
    return next_kind is not None and next_kind in kinds


def overlapping(piece: Passage | Chunk, span: tuple[int, int]) -> bool:
    return piece.start < span[1] and piece.end > span[0]


def cut_to(passage: Passage, start: int, end: int) -> Passage:
    """The passage without what lies outside ``[start, end)`` (its text is the speech's text at its offsets)."""
    first, last = max(start, passage.start), min(end, passage.end)
    if (first, last) == (passage.start, passage.end):
        return passage
    text = passage.text[first - passage.start:last - passage.start]
    return replace(passage, start=first, end=last, text=text)


def chunk_passage(chunk: Chunk, score: float, like: Passage | None = None) -> Passage:
    """A chunk as a Passage; ``like`` lends its speech metadata (same speech)."""
    return Passage(chunk_id=chunk.id, speech_id=chunk.speech_id, source=chunk.source, title=chunk.title,
                   section=chunk.section, start=chunk.start, end=chunk.end, text=chunk.text, score=score,
                   speaker=like.speaker if like else None, date=like.date if like else None)

"""Citations that can be checked.

Every citation quotes a sentence that is verbatim in the cleaned speech text
(offsets included); a quote that is not is never built. For generated
answers, markers pointing nowhere are dropped, and sentences without markers
get one when a passage sentence clearly supports them.
"""

from __future__ import annotations

import re

from vectorstore.text.sentences import Sentence, content_chars, overlap, split_sentences
from assistant.retrieval.evidence import Evidence
from assistant.types import Citation

_MARKER = re.compile(r"\s*[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
MIN_SUPPORT = 0.5  # share of an unmarked answer sentence's bigrams a passage sentence must hold


def make_citation(n: int, evidence: Evidence, quote: Sentence) -> Citation | None:
    """A Citation, or None when the quote is not verbatim in the passage at its offsets.

    The passage itself is an exact span of the cleaned speech (checked at
    ingestion), so a quote verified against it is verbatim in the speech.
    """
    passage, record = evidence.passage, evidence.record
    if not (passage.start <= quote.start < quote.end <= passage.end) or not quote.text.strip():
        return None
    if passage.text[quote.start - passage.start:quote.end - passage.start] != quote.text:
        return None
    return Citation(
        n=n, source=passage.source, title=passage.title, section=passage.section,
        speaker=record.speaker if record else None, speaker_role=record.speaker_role if record else None,
        date=record.date if record else None, meeting=record.meeting if record else None,
        speech_id=passage.speech_id, chunk_id=passage.chunk_id, score=passage.score, text=passage.text,
        start=passage.start, end=passage.end, quote=quote.text, quote_start=quote.start, quote_end=quote.end,
        pages=record.meta.pages_of(quote.start, quote.end) if record else (),
    )


def best_sentence(claim: str, evidence: Evidence) -> tuple[Sentence | None, float]:
    """The sentence of a passage that best supports a claim, with its support share."""
    scored = [(overlap(claim, s.text), s) for s in evidence.sentences()]
    if not scored:
        return None, 0.0
    support, sentence = max(scored, key=lambda item: item[0])
    return sentence, support


def cite_generated(answer: str, evidences: list[Evidence]) -> tuple[str, list[Citation]]:
    """Check and renumber a generated answer's [n] markers; returns (text, citations)."""
    by_n = {e.n: e for e in evidences}
    citations: list[Citation] = []
    keys: dict[tuple[str, int], int] = {}
    parts = []
    for sentence in split_sentences(answer):
        claim = _MARKER.sub("", sentence.text)
        if not content_chars(claim):  # a bare marker says nothing: drop it
            continue
        numbers = [int(n) for group in _MARKER.findall(sentence.text) for n in re.split(r"\D+", group) if n]
        targets = [by_n[n] for n in numbers if n in by_n] or _supporting(claim, evidences)
        markers = [_cite(claim, e, citations, keys) for e in targets]
        parts.append(claim + "".join(f"[{m}]" for m in dict.fromkeys(m for m in markers if m)))
    return _rejoin(answer, parts), citations


def _supporting(claim: str, evidences: list[Evidence]) -> list[Evidence]:
    """For an unmarked sentence: the passage whose best sentence supports it, if any."""
    scored = [(best_sentence(claim, e)[1], e) for e in evidences]
    best = max(scored, key=lambda item: item[0], default=(0.0, None))
    return [best[1]] if best[1] is not None and best[0] >= MIN_SUPPORT else []


def _cite(claim: str, evidence: Evidence, citations: list[Citation], keys: dict) -> int | None:
    sentence, _ = best_sentence(claim, evidence)
    if sentence is None:
        return None
    key = (evidence.passage.speech_id, sentence.start)
    if key not in keys:
        citation = make_citation(len(citations) + 1, evidence, sentence)
        if citation is None:
            return None
        citations.append(citation)
        keys[key] = citation.n
    return keys[key]


def _rejoin(original: str, parts: list[str]) -> str:
    """Join answer sentences back, keeping line breaks where the original had them."""
    separator = "\n" if "\n" in original.strip() else ""
    return separator.join(parts).strip()

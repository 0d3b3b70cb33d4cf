"""Questions across speeches (「哪几篇讲话提到…？各自怎么说的？」): one line per speech, naming it,
with its best sentence."""

from __future__ import annotations

from assistant.answering.composers import Draft
from assistant.answering.speech_view import SpeechView
from assistant.retrieval.evidence import Evidence
from assistant.answering.citations import make_citation
from vectorstore.text.sentences import normalise
from assistant.understanding.question import quoted_terms
from vectorstore.text.sentences import Sentence, content_chars
from assistant.types import Citation

MAX_SPEECHES = 5
SHARE_OF_BEST = 0.5  # a speech's best sentence must cover this share of what the best one covers…
MIN_TOPIC_COVERAGE = 0.1  # …and this share of the topic's idf-weighted words
SECOND_SHARE = 0.7  # a speech's second sentence holds this share of what its best one holds
CLAUSE_REACH = 120
SHORT_HEADING = 12


def speech_label(record) -> str:
    """How a user recognises a speech: its title or meeting, speaker and date."""
    meta = record.meta
    name = f"《{meta.title}》" if meta.title else (f"在{meta.meeting}上的讲话" if meta.meeting else meta.source)
    who = "".join(filter(None, (meta.speaker_role, meta.speaker)))
    extra = "，".join(filter(None, (who, meta.date)))
    return f"{name}（{extra}）" if extra else name


def compose_cross(topic: str, evidences: list[Evidence], scorer, min_coverage: float = MIN_TOPIC_COVERAGE) -> Draft | None:
    """The best sentence of each speech on ``topic`` (the question without its 「哪几篇…各自…」
    form), one line each, naming the speech; None when no speech's sentence is on the topic."""
    by_speech: dict[str, list] = {}
    for item in scorer(topic, evidences):
        by_speech.setdefault(item.evidence.passage.speech_id, []).append(item)
    quoted = [normalise(term) for term in quoted_terms(topic)]
    by_speech = quoting_speeches(by_speech, quoted)
    ranked = sorted(by_speech.values(), key=lambda items: -items[0].score)
    top = ranked[0][0].coverage if ranked else 0.0
    floor = max(min_coverage, SHARE_OF_BEST * top)
    chosen = [speech_lines(items) for items in ranked if items[0].coverage >= floor][:MAX_SPEECHES]
    citations: list[Citation] = []
    lines = []
    for items in chosen:
        markers = []
        for item in items:
            citation = make_citation(len(citations) + 1, item.evidence, whole_sentence(item.evidence, item.sentence))
            if citation is not None and item.evidence.record is not None:
                citations.append(citation)
                markers.append(f"{citation.quote}[{citation.n}]")
        if markers:
            lines.append(f"{speech_label(items[0].evidence.record)}：{''.join(markers)}")
    return Draft("\n".join(lines), tuple(citations)) if citations else None


def quoting_speeches(by_speech: dict[str, list], quoted: list[str]) -> dict[str, list]:
    """With a term the user quoted (「摆在“中心”位置」): the speeches that say it, each with only the
    sentences that say it (what the speech says about that term, not a sentence that merely
    shares more words); all speeches as they are when none says it."""
    if not quoted:
        return by_speech
    holding = {speech: [item for item in items if any(term in normalise(item.sentence.text) for term in quoted)]
               for speech, items in by_speech.items()}
    holding = {speech: items for speech, items in holding.items() if items}
    return holding or by_speech


def speech_lines(items: list) -> list:
    """A speech's best sentence, and its next best when that holds nearly as much of the topic."""
    best = items[0]
    second = next((item for item in items[1:] if item.coverage >= SECOND_SHARE * best.coverage > 0
                   and item.sentence.start != best.sentence.start), None)
    return sorted([best] + ([second] if second else []), key=lambda item: item.sentence.start)


def whole_sentence(evidence: Evidence, sentence: Sentence) -> Sentence:
    """A clause ending in 「；」 with the rest of its sentence (「…要进行约谈；…要实行责任倒查；…。」)
    up to 。 or the end of its line, and a short heading with the sentence after it, within the
    passage and CLAUSE_REACH characters."""
    passage = evidence.passage
    offset = sentence.end - passage.start
    short = len(content_chars(sentence.text)) < SHORT_HEADING
    if not (sentence.text.endswith(("；", ";")) or short):
        return sentence
    ends = [at + 1 for at in (passage.text.find("。", offset),) if at >= 0]
    line_end = passage.text.find("\n", offset + 1)
    ends.append(line_end if line_end >= 0 else len(passage.text))
    stop = min(ends)
    if stop - offset > CLAUSE_REACH or stop <= offset:
        return sentence
    text = passage.text[sentence.start - passage.start:stop].rstrip()
    return Sentence(sentence.start, sentence.start + len(text), text)


def with_sources_named(draft: Draft, records: dict) -> Draft:
    """An answer whose speech the question did not name says which speech(es) it comes from."""
    labels = list(dict.fromkeys(speech_label(records[c.speech_id]) for c in draft.citations if c.speech_id in records))
    if not labels:
        return draft
    return Draft(f"{draft.text}\n（出自{'；'.join(labels)}）", draft.citations, draft.grounded)


__all__ = ["SpeechView", "compose_cross", "speech_label", "with_sources_named"]

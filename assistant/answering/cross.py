"""Questions across speeches (「哪几篇讲话提到…？各自怎么说的？」): one line per speech, naming it,
with its best sentence."""

from __future__ import annotations

from assistant.answering.composers import Draft
from assistant.answering.speech_view import SpeechView
from assistant.citations import Evidence, make_citation
from assistant.types import Citation

MAX_SPEECHES = 5
SHARE_OF_BEST = 0.6  # a speech's best sentence must cover this share of what the best one covers


def speech_label(record) -> str:
    """How a user recognises a speech: its title or meeting, speaker and date."""
    meta = record.meta
    name = f"《{meta.title}》" if meta.title else (f"在{meta.meeting}上的讲话" if meta.meeting else meta.source)
    who = "".join(filter(None, (meta.speaker_role, meta.speaker)))
    extra = "，".join(filter(None, (who, meta.date)))
    return f"{name}（{extra}）" if extra else name


def compose_cross(question: str, evidences: list[Evidence], scorer, min_coverage: float) -> Draft | None:
    """The best sentence of each speech that answers, one line each; None when fewer than one does."""
    best: dict[str, object] = {}
    for item in scorer(question, evidences):
        best.setdefault(item.evidence.passage.speech_id, item)
    ranked = sorted(best.values(), key=lambda item: -item.score)
    top = ranked[0].coverage if ranked else 0.0
    chosen = [item for item in ranked if item.coverage >= max(min_coverage, SHARE_OF_BEST * top)][:MAX_SPEECHES]
    citations: list[Citation] = []
    lines = []
    for item in chosen:
        citation = make_citation(len(citations) + 1, item.evidence, item.sentence)
        if citation is not None and item.evidence.record is not None:
            citations.append(citation)
            lines.append(f"{speech_label(item.evidence.record)}：{item.sentence.text}[{citation.n}]")
    return Draft("\n".join(lines), tuple(citations)) if citations else None


def with_sources_named(draft: Draft, records: dict) -> Draft:
    """An answer whose speech the question did not name says which speech(es) it comes from."""
    labels = list(dict.fromkeys(speech_label(records[c.speech_id]) for c in draft.citations if c.speech_id in records))
    if not labels:
        return draft
    return Draft(f"{draft.text}\n（出自{'；'.join(labels)}）", draft.citations, draft.grounded)


__all__ = ["SpeechView", "compose_cross", "speech_label", "with_sources_named"]

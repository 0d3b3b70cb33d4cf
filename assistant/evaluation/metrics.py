"""The fixed-question metrics of ``shared/eval/README.md``.

A retrieved chunk *supports* a question when its source file is an evidence
source and it contains that evidence quote, both compared after NFKC
normalisation with all whitespace removed.

A conversation line (``{id, turns, must_include, evidence}``) is a Question
whose ``question`` is its last turn; the earlier turns are replayed first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from vectorstore.errors import InputError
from vectorstore.text.sentences import normalise

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Evidence:
    source: str
    quote: str


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    kind: str
    answerable: bool
    evidence: tuple[Evidence, ...] = ()
    must_include: tuple[str, ...] = ()
    history: tuple[dict, ...] = field(default=())
    turns: tuple[str, ...] = ()  # a conversation: every user turn, the last one is ``question``



def load_questions(path: Path) -> list[Question]:
    """Read a questions.jsonl file; a malformed line is an InputError naming it."""
    questions = []
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(_question(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(f"{path}: line {number} is not a valid question ({error})") from None
    return questions


def _question(raw: dict) -> Question:
    if "turns" in raw:
        return _conversation(raw)
    return Question(
        id=str(raw["id"]), question=raw["question"], kind=raw.get("kind", ""),
        answerable=bool(raw.get("answerable", True)),
        evidence=tuple(Evidence(e["source"], e["quote"]) for e in raw.get("evidence") or ()),
        must_include=tuple(raw.get("must_include") or ()), history=tuple(raw.get("history") or ()),
    )


def _conversation(raw: dict) -> Question:
    turns = tuple(str(turn) for turn in raw["turns"])
    if not turns:
        raise ValueError("a conversation needs at least one turn")
    return Question(
        id=str(raw["id"]), question=turns[-1], kind=raw.get("kind") or "conversation",
        answerable=bool(raw.get("answerable", True)),
        evidence=tuple(Evidence(e["source"], e["quote"]) for e in raw.get("evidence") or ()),
        must_include=tuple(raw.get("must_include") or ()), turns=turns,
    )


ID_HALVES = {"all": "all questions", "odd": "tuning (odd ids)", "even": "held-out (even ids)"}
_ID_NUMBER = re.compile(r"(\d+)\D*$")


def id_number(question_id: str) -> int | None:
    """``d01`` → 1, ``p12`` → 12; None when the id holds no number."""
    match = _ID_NUMBER.search(question_id)
    return int(match.group(1)) if match else None


def select_ids(questions: Sequence[Question], half: str) -> list[Question]:
    """The questions of one half: ``odd`` or ``even`` id numbers, or ``all``."""
    if half not in ID_HALVES:
        raise InputError(f"--ids must be one of {', '.join(ID_HALVES)} (got {half!r})")
    if half == "all":
        return list(questions)
    wanted = 1 if half == "odd" else 0
    chosen = [q for q in questions if (n := id_number(q.id)) is not None and n % 2 == wanted]
    if not chosen:
        raise InputError(f"no question has an {half} id number; use --ids all")
    return chosen


def file_of(source: str) -> str:
    """``004_x.txt#5`` → ``004_x.txt`` (speech ids and JSONL sources carry a ``#`` part)."""
    return source.split("#")[0]


def same_source(source: str, wanted: str) -> bool:
    """A seed file name matches its speeches (``x.txt#2``); ``a.jsonl#ref`` matches that record only."""
    return file_of(source) == wanted or source == wanted or source.startswith(wanted + "#")


def supports(source: str, text: str, evidence: Evidence) -> bool:
    return same_source(source, evidence.source) and normalise(evidence.quote) in normalise(text)


def first_supporting_rank(hits: Sequence, question: Question) -> int | None:
    """1-based rank of the first hit (with .source and .text) supporting any evidence."""
    for rank, hit in enumerate(hits, start=1):
        if any(supports(hit.source, hit.text, evidence) for evidence in question.evidence):
            return rank
    return None


@dataclass(frozen=True)
class RetrievalScores:
    hit_at_1: float
    hit_at_5: float
    mrr_at_10: float
    per_question: dict[str, int | None]

    def as_dict(self) -> dict:
        return {"hit@1": round(self.hit_at_1, 4), "hit@5": round(self.hit_at_5, 4),
                "mrr@10": round(self.mrr_at_10, 4)}


def retrieval_scores(questions: Sequence[Question], search: Callable[[str], Sequence]) -> RetrievalScores:
    """hit@1, hit@5 and MRR@10 over the answerable questions; ``search`` returns ≥10 hits best first."""
    ranks = {q.id: first_supporting_rank(list(search(q.question))[:10], q)
             for q in questions if q.answerable and q.evidence}
    count = max(len(ranks), 1)
    return RetrievalScores(
        hit_at_1=sum(1 for r in ranks.values() if r == 1) / count,
        hit_at_5=sum(1 for r in ranks.values() if r and r <= 5) / count,
        mrr_at_10=sum(1 / r for r in ranks.values() if r) / count,
        per_question=ranks,
    )


# -- answers -------------------------------------------------------------------
THRESHOLD_NAMES = {
    "hit@5": "min_hit5", "mrr@10": "min_mrr", "answer_term_coverage": "min_coverage",
    "citation_support": "min_support", "citation_exactness": "min_exactness", "refusal_accuracy": "min_refusal",
}


@dataclass(frozen=True)
class QuestionResult:
    id: str
    kind: str
    question: str
    answerable: bool
    has_evidence: bool
    rank: int | None
    grounded: bool
    coverage: float | None
    supported: bool | None
    quotes: int
    exact_quotes: int
    answer: str
    seconds: float
    query: str = ""  # what was searched: the resolved last turn of a conversation

    @property
    def refusal_correct(self) -> bool:
        return self.grounded == self.answerable

    @property
    def fully_right(self) -> bool:
        """Grounded as expected (answered or refused) and, when answered, every must_include term present."""
        return self.refusal_correct and (self.coverage is None or self.coverage >= 1.0 - 1e-9)

    def as_dict(self) -> dict:
        return {**self.__dict__, "fully_right": self.fully_right}


def term_coverage(answer_text: str, terms: Sequence[str]) -> float:
    text = normalise(answer_text)
    return sum(1 for term in terms if normalise(term) in text) / len(terms) if terms else 1.0


def citation_supports(citations: Sequence, question: Question) -> bool:
    return any(supports(c.source, c.text, e) or supports(c.source, c.quote, e)
               for c in citations for e in question.evidence)


def summarise(results: Sequence[QuestionResult]) -> dict[str, float]:
    answerable = [r for r in results if r.answerable]
    ranked = [r for r in answerable if r.has_evidence]
    quotes = sum(r.quotes for r in results)
    count = max(len(ranked), 1)
    return {
        "questions": len(results),
        "hit@1": sum(1 for r in ranked if r.rank == 1) / count,
        "hit@5": sum(1 for r in ranked if r.rank and r.rank <= 5) / count,
        "mrr@10": sum(1 / r.rank for r in ranked if r.rank) / count,
        "answer_term_coverage": _mean([r.coverage for r in answerable if r.coverage is not None]),
        "citation_support": _mean([1.0 if r.supported else 0.0 for r in answerable if r.supported is not None]),
        "citation_exactness": sum(r.exact_quotes for r in results) / quotes if quotes else 1.0,
        "refusal_accuracy": _mean([1.0 if r.refusal_correct else 0.0 for r in results]),
        "fully_right": _mean([1.0 if r.fully_right else 0.0 for r in results]),
        "answered": _mean([1.0 if r.grounded else 0.0 for r in results]),
        "precision": precision(results),
        "p50_seconds": percentile([r.seconds for r in results], 50),
        "p95_seconds": percentile([r.seconds for r in results], 95),
    }


def precision(results: Sequence[QuestionResult]) -> float:
    """Right among the answers given: a refusal lowers coverage, not this; a wrong answer lowers both."""
    given = [r for r in results if r.grounded]
    return sum(1 for r in given if r.fully_right) / len(given) if given else 1.0


def per_kind(results: Sequence[QuestionResult]) -> list[dict]:
    """One row per kind (in order of first appearance), then ``all``: counts and answer-side shares.

    coverage and support are over the kind's answerable questions (None when it has none)."""
    kinds = list(dict.fromkeys(r.kind or "-" for r in results))
    rows = [_kind_row(kind, [r for r in results if (r.kind or "-") == kind]) for kind in kinds]
    return rows + [_kind_row("all", list(results))] if len(kinds) > 1 else rows


def _kind_row(kind: str, results: Sequence[QuestionResult]) -> dict:
    answerable = [r for r in results if r.answerable]
    return {
        "kind": kind, "questions": len(results), "fully_right": sum(1 for r in results if r.fully_right),
        "coverage": _mean_or_none([r.coverage for r in answerable if r.coverage is not None]),
        "support": _mean_or_none([1.0 if r.supported else 0.0 for r in answerable if r.supported is not None]),
        "refusal": _mean([1.0 if r.refusal_correct else 0.0 for r in results]),
        "answered": sum(1 for r in results if r.grounded),
        "precision": precision(results) if any(r.grounded for r in results) else None,
        "accuracy": _mean([1.0 if r.fully_right else 0.0 for r in results]),
    }


def _mean_or_none(values: Sequence[float]) -> float | None:
    """None where a kind has nothing to measure (coverage of unanswerable questions)."""
    return _mean(values) if values else None


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 1.0


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def below_thresholds(summary: dict[str, float], thresholds: dict[str, float | None]) -> list[str]:
    """Metrics under their minimum, as readable lines."""
    return [f"{metric} {summary[metric]:.3f} < {minimum:.3f}" for metric, minimum in thresholds.items()
            if minimum is not None and summary[metric] + 1e-9 < minimum]

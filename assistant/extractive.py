"""The extractive answerer: no model, instant, deterministic.

It scores the sentences of the retrieved passages by how much of the
question's (idf-weighted) vocabulary they hold, takes the best one, keeps an
enumeration whole when the best sentence introduces or belongs to one, adds
other strong sentences (from other speeches too, for "which speeches…"
questions), and cites each with [n]. Below a calibrated score it refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from assistant.citations import Evidence, make_citation
from assistant.evaluation import normalise
from assistant.retrieval import quoted_terms
from assistant.sentences import Sentence
from assistant.types import Citation
from vectorstore.keyword import tokenize
from vectorstore.outline import heading_kind

# Words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset(
    "什么 哪些 哪几个 几个 多少 怎样 怎么 如何 是否 分别 具体 指 指的是 讲话 讲话人 提出 提到 强调 要求 "
    "完整 表述 提法 叫 叫什么 为什么 比例 内容 哪 哪里 哪个 谁 哪天 主要 有 应该 需要".split()
)
_NUMBER = re.compile(r"\d")
_WANTS_NUMBER = re.compile(r"多少|几|比例|百分之|率")
_LIST_INTRO = re.compile(r"[：:]$|(?:以下|如下|下面)|[一二三四五六七八九十两几\d]+(?:个|条|点|方面|项|种|句)")
QUOTED_BONUS = 0.3  # the sentence holds a term the user quoted
NUMBER_BONUS = 0.05  # a number, when the question asks for one
RANK_PENALTY = 0.01  # per rank of the passage the sentence is in
MAX_SENTENCES = 4
MAX_LIST_ITEMS = 10
ALSO_SHARE = 0.8  # a further sentence must score this share of the best one


@dataclass(frozen=True)
class ScoredSentence:
    evidence: Evidence
    sentence: Sentence
    score: float


class ExtractiveAnswerer:
    """Selects and cites the sentences that answer a question."""

    name = "extractive"

    def __init__(self, idf: Callable[[list[str]], dict[str, float]], min_score: float):
        self.idf = idf
        self.min_score = min_score

    def stream(self, question: str, evidences: list[Evidence]):
        """The answer text as one delta, then (text, citations) or None."""
        result = self.answer(question, evidences)
        if result:
            yield result[0]
        yield result

    def answer(self, question: str, evidences: list[Evidence]) -> tuple[str, list[Citation]] | None:
        """(text with [n] markers, citations), or None when nothing answers the question."""
        scored = self.score_sentences(question, evidences)
        if not scored or scored[0].score < self.min_score:
            return None
        chosen = self._choose(scored)
        return _compose(chosen)

    def best_score(self, question: str, evidences: list[Evidence]) -> float:
        scored = self.score_sentences(question, evidences)
        return scored[0].score if scored else 0.0

    def score_sentences(self, question: str, evidences: list[Evidence]) -> list[ScoredSentence]:
        """Every candidate sentence, best first: weighted coverage of the question's words, plus bonuses."""
        focus = [t for t in dict.fromkeys(tokenize(question)) if t not in QUESTION_WORDS]
        weights = self.idf(focus)
        total = sum(weights.values()) or 1.0
        wants_number = bool(_WANTS_NUMBER.search(question))
        quoted = [normalise(term) for term in quoted_terms(question)]
        scored = []
        for rank, evidence in enumerate(evidences):
            for sentence in evidence.sentences():
                if _is_title(sentence, evidence):
                    continue
                tokens = set(tokenize(sentence.text))
                coverage = sum(w for t, w in weights.items() if t in tokens) / total
                bonus = QUOTED_BONUS * any(term in normalise(sentence.text) for term in quoted)
                bonus += NUMBER_BONUS if wants_number and _NUMBER.search(sentence.text) else 0.0
                scored.append(ScoredSentence(evidence, sentence, coverage + bonus - RANK_PENALTY * rank))
        return sorted(scored, key=lambda s: -s.score)

    def _choose(self, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        best = scored[0]
        chosen = [best] + list_items(best)
        for candidate in scored[1:]:
            if len(chosen) >= MAX_SENTENCES + len(list_items(best)) or candidate.score < ALSO_SHARE * best.score:
                break
            if not _overlaps(candidate, chosen):
                chosen.append(candidate)
        return chosen


def _is_title(sentence: Sentence, evidence: Evidence) -> bool:
    """The speech's title line is not an answer."""
    title = evidence.passage.title or (evidence.record.title if evidence.record else None)
    return bool(title) and sentence.text.strip() == title


def list_items(intro: ScoredSentence) -> list[ScoredSentence]:
    """When a sentence introduces an enumeration, the first sentence of each item after it."""
    if not _LIST_INTRO.search(intro.sentence.text):
        return []
    following = [s for s in intro.evidence.sentences() if s.start >= intro.sentence.end]
    items, kind = [], None
    for sentence in following:
        sentence_kind = heading_kind(sentence.text)
        if sentence_kind is None:
            if items and _starts_line(intro.evidence, sentence):
                break
            continue
        kind = kind or sentence_kind
        if sentence_kind != kind:
            break
        items.append(ScoredSentence(intro.evidence, sentence, intro.score))
        if len(items) >= MAX_LIST_ITEMS:
            break
    return items if len(items) >= 2 else []


def _starts_line(evidence: Evidence, sentence: Sentence) -> bool:
    offset = sentence.start - evidence.passage.start
    return offset == 0 or evidence.passage.text[offset - 1] == "\n"


def _overlaps(candidate: ScoredSentence, chosen: list[ScoredSentence]) -> bool:
    return any(c.evidence.passage.speech_id == candidate.evidence.passage.speech_id
               and c.sentence.start < candidate.sentence.end and candidate.sentence.start < c.sentence.end
               for c in chosen)


def _compose(chosen: list[ScoredSentence]) -> tuple[str, list[Citation]] | None:
    """One line per sentence, in speech order within each speech, each with its [n]."""
    ordered = sorted(chosen, key=lambda s: (_speech_rank(s, chosen), s.sentence.start))
    citations: list[Citation] = []
    lines = []
    for item in ordered:
        citation = make_citation(len(citations) + 1, item.evidence, item.sentence)
        if citation is None:  # never show a quote that is not verbatim
            continue
        citations.append(citation)
        lines.append(f"{item.sentence.text}[{citation.n}]")
    return ("\n".join(lines), citations) if citations else None


def _speech_rank(item: ScoredSentence, chosen: list[ScoredSentence]) -> int:
    speeches = list(dict.fromkeys(c.evidence.passage.speech_id for c in chosen))
    return speeches.index(item.evidence.passage.speech_id)

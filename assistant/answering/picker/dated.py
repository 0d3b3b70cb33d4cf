"""Sentences of differently dated documents that answer alike (a 2014 page and a 2023 page naming
the principal): the one of the asked time answers — as of the year asked (「截至2020年」), else the
latest — and the other is named after it with its date, so an older statement is never passed off
as the current one, nor a disagreement hidden."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.picker.enumerations import ScoredSentence
from assistant.understanding.lexicon.forms import NUMBER
from assistant.understanding.lexicon.time import as_of_year

__all__ = ["Alternative", "dated_best", "of_one_time", "other_dated"]

ALIKE = 0.9  # a sentence of another document covering this share of the best one's coverage answers alike
_YEAR = re.compile(r"(?:1[89]|20)\d{2}\s*年")
_WORDS = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")  # what is not a word character, ignored when comparing


@dataclass(frozen=True)
class Alternative(ScoredSentence):
    """A sentence of another date that answers alike, shown after the answer with its date."""

    differs: bool = False  # it says otherwise than the answer (other figures, other words)
    later: bool = False  # its document is later than the answer's (which answers as of a year asked)


def year_of(item: ScoredSentence) -> int | None:
    record = item.evidence.record
    date = record.date if record is not None else None
    return int(date[:4]) if date and date[:4].isdigit() else None


def dated_best(question: str, best: ScoredSentence, candidates: list[ScoredSentence]) -> ScoredSentence:
    """The best sentence, or an alike one of a later document (not later than the year asked as of);
    a question naming a year without 「截至」 picks by its words, as before."""
    as_of = as_of_year(question)
    if year_of(best) is None or (_YEAR.search(question) and as_of is None):
        return best
    alike = [c for c in candidates if c.coverage >= ALIKE * best.coverage and year_of(c) is not None
             and c.evidence.passage.speech_id != best.evidence.passage.speech_id]
    fitting = [c for c in [best] + alike if as_of is None or year_of(c) <= as_of]
    return max(fitting, key=lambda c: (year_of(c), c.score)) if fitting else best


def of_one_time(best: ScoredSentence, chosen: list[ScoredSentence]) -> list[ScoredSentence]:
    """The chosen sentences without those of documents of another date than the best one's
    (they are named as an alternative, with their date, or not at all)."""
    year = year_of(best)
    return [c for c in chosen if year is None or year_of(c) in (None, year)]


def says_otherwise(one: ScoredSentence, other: ScoredSentence) -> bool:
    """Two sentences state different figures, or, stating none, say different things."""
    figures = set(NUMBER.findall(one.sentence.text)), set(NUMBER.findall(other.sentence.text))
    if figures[0] or figures[1]:
        return figures[0] != figures[1]
    return _WORDS.sub("", one.sentence.text) != _WORDS.sub("", other.sentence.text)


def other_dated(question: str, chosen: list[ScoredSentence], candidates: list[ScoredSentence]) -> Alternative | None:
    """The best sentence of another document of another date that answers alike, if any."""
    best = chosen[0]
    year = year_of(best)
    if year is None or (_YEAR.search(question) and as_of_year(question) is None):
        return None
    speeches = {c.evidence.passage.speech_id for c in chosen}
    for c in candidates:
        if c.coverage >= ALIKE * best.coverage and year_of(c) not in (None, year) and c.evidence.passage.speech_id not in speeches:
            return Alternative(c.evidence, c.sentence, c.score, c.coverage, says_otherwise(c, best), year_of(c) > year)
    return None

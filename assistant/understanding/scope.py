"""Which speeches a question means, from the catalogue of indexed speeches.

Each speech is scored by what the question shares with it: the substrings of its names (title,
meeting) weighted by how few speeches share them, its speaker's name, its role, its places, its
year, its 第N篇 in a compilation, a quoted phrase only it contains. A clear winner is a certain
scope (retrieval is narrowed to it); close runners-up make a partial one (they rank first).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.understanding.catalogue import MIN_NAME_GRAM, SpeechCatalogue, SpeechEntry
from vectorstore.text.numerals import numeral_value

# Weights are in characters of a name only one speech has (「推介会」 = 3).
MAX_NAME_PIECES = 3
MIN_PIECE_WEIGHT = 1.5
SPEAKER_WEIGHT = 8.0
PLACE_WEIGHT = 5.0
ROLE_WEIGHT = 1.0
PART_WEIGHT = 6.0
PHRASE_WEIGHT = 6.0
WHOLE_NAME_WEIGHT = 5.0  # the question holds a name whole (「企业所得税法」, not only a part of 「企业所得税法实施条例」)
MIN_WHOLE_NAME = 4
NATIONAL_PREFIX = "中华人民共和国"  # said or not: 「公司法」 is 中华人民共和国公司法
OTHER_YEAR_FACTOR = 0.3  # a speech of another year than the one asked about
MIN_SCORE = 3.0  # below this, nothing in the question names a speech
CERTAIN_SCORE = 5.0  # a certain scope needs more than one short name piece (「一季度」 may be the topic)
CERTAIN_MARGIN = 1.4  # the best speech must score this many times the next one to be certain
PARTIAL_SHARE = 0.6  # runners-up within this share of the best are in a partial scope
_YEAR = re.compile(r"(1[89]\d{2}|20\d{2})\s*年")
_PART = re.compile(r"第([一二三四五六七八九十\d]{1,3})篇")
_DANGLING = frozenset("的")  # a name piece neither starts nor ends with 的


@dataclass(frozen=True)
class Scope:
    """The speeches a question means, best first; ``certain`` when one clearly stands out."""

    speech_ids: tuple[str, ...] = ()
    certain: bool = False
    reasons: tuple[str, ...] = ()
    weak: bool = False  # only a short name piece points at them (「一季度」 may be the topic): no reranking
    terms: tuple[str, ...] = ()  # the words of the question that named the best speech (not what it asks)
    named_by: tuple[str, ...] = ()  # the words that named any of the speeches (all of them, for a comparison)

    @property
    def best(self) -> str | None:
        return self.speech_ids[0] if self.speech_ids else None


def scope_of(text: str, catalogue: SpeechCatalogue, places: tuple[str, ...],
             speeches_with: Callable[[str], set[str]] | None = None, quoted: tuple[str, ...] = ()) -> Scope:
    years = tuple(int(y) for y in _YEAR.findall(text))
    phrase_owners = _phrase_owners(quoted, speeches_with)
    pieces = _within_year(_name_pieces(text, catalogue), text, catalogue, years)
    scored = []
    for entry in _named_at_all(text, catalogue, pieces, places, phrase_owners):
        chosen = _chosen_pieces(pieces.get(entry.id, []))
        score, reasons = _score(text, entry, sum(weight for weight, _, _ in chosen), places, years, phrase_owners)
        if score > 0:
            terms = tuple(text[a:b] for _, a, b in chosen) + _named(text, entry, places)
            scored.append((score, entry.id, reasons, terms))
    return _decide(sorted(scored, key=lambda item: (-item[0], item[1])))


def _named_at_all(text: str, catalogue: SpeechCatalogue, pieces: dict, places: tuple[str, ...],
                  phrase_owners: set[str]) -> list[SpeechEntry]:
    """The speeches something in the question points at (the others score 0: not scored at all)."""
    asked_part = _part_asked(text)
    return [entry for entry in catalogue.entries.values()
            if entry.id in pieces or entry.id in phrase_owners or (entry.speaker and entry.speaker in text)
            or names_whole(text, entry)
            or (entry.role and entry.role in text) or (places and _place_share(entry, places))
            or (asked_part is not None and entry.part == asked_part)]


def _named(text: str, entry: SpeechEntry, places: tuple[str, ...]) -> tuple[str, ...]:
    """The speaker, role and places of a speech that the question names."""
    said = [entry.speaker, entry.role] + [place for place in places if place in entry.places + entry.region_parts]
    return tuple(word for word in said if word and word in text)


def _score(text, entry: SpeechEntry, name_weight: float, places, years, phrase_owners) -> tuple[float, tuple[str, ...]]:
    parts = [(name_weight, "名称"),
             (SPEAKER_WEIGHT if entry.speaker and entry.speaker in text else 0.0, "讲话人"),
             (ROLE_WEIGHT if entry.role and entry.role in text else 0.0, "职务"),
             (PLACE_WEIGHT * _place_share(entry, places), "地点"),
             (PART_WEIGHT if entry.part is not None and entry.part == _part_asked(text) else 0.0, "第N篇"),
             (PHRASE_WEIGHT if entry.id in phrase_owners else 0.0, "原文短语"),
             (WHOLE_NAME_WEIGHT if names_whole(text, entry) else 0.0, "全称")]
    score = sum(weight for weight, _ in parts)
    if years and entry.years and not set(years) & set(entry.years):
        score *= OTHER_YEAR_FACTOR
    return score, tuple(reason for weight, reason in parts if weight > 0)


def names_whole(text: str, entry: SpeechEntry) -> bool:
    """The question holds one of the speech's names whole, 中华人民共和国 said or not."""
    return any(len(short) >= MIN_WHOLE_NAME and short in text
               for short in (name.removeprefix(NATIONAL_PREFIX) for name in entry.names))


def _name_pieces(text: str, catalogue: SpeechCatalogue) -> dict[str, list[tuple[float, int, int]]]:
    """For each speech, the substrings of the question its names contain: (weight, start, end)."""
    pieces: dict[str, list[tuple[float, int, int]]] = {}
    for start in range(len(text)):
        for end in range(start + MIN_NAME_GRAM, len(text) + 1):
            owners = catalogue.grams.get(text[start:end])
            if owners is None:
                break  # a longer substring cannot be in a name either
            if text[end - 1] in _DANGLING or text[start] in _DANGLING:
                continue  # 「政府工作报告的」 is not a name piece: the name ends before 的
            weight = (end - start) * catalogue.rarity(text[start:end])
            if weight >= MIN_PIECE_WEIGHT:
                for owner in owners:
                    pieces.setdefault(owner, []).append((weight, start, end))
    return pieces


def _within_year(pieces: dict, text: str, catalogue: SpeechCatalogue, years: tuple[int, ...]) -> dict:
    """A name piece many speeches share can still single one out among the speeches of the year
    asked about (「2024年…政府工作报告」): such a piece weighs by its rarity within that year."""
    dated = {entry.id for entry in catalogue.entries.values() if set(years) & set(entry.years)}
    if not dated:
        return pieces
    total = len(dated) + 1
    local = {}
    for owner, found in pieces.items():
        if owner not in dated:
            local[owner] = found
            continue
        local[owner] = [(max(weight, (end - start) * _rarity(len(catalogue.grams[text[start:end]] & dated), total)), start, end)
                        for weight, start, end in found]
    return local


def _rarity(count: int, total: int) -> float:
    return max(0.0, math.log(total / (count + 0.5)) / math.log(total / 1.5)) if count and total > 1.5 else 0.0


def _chosen_pieces(pieces: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """The best pieces that do not overlap, at most MAX_NAME_PIECES of them."""
    chosen: list[tuple[float, int, int]] = []
    for weight, start, end in sorted(pieces, reverse=True):
        if len(chosen) < MAX_NAME_PIECES and all(end <= a or start >= b for _, a, b in chosen):
            chosen.append((weight, start, end))
    return chosen


def _place_share(entry: SpeechEntry, places: tuple[str, ...]) -> float:
    named = set(entry.places) | set(entry.region_parts)
    return 1.0 if any(place in named for place in places) else 0.0


def _part_asked(text: str) -> int | None:
    match = _PART.search(text)
    return numeral_value(match.group(1)) if match else None


def _phrase_owners(quoted: tuple[str, ...], speeches_with) -> set[str]:
    """Speeches holding a quoted phrase, when few do (a phrase every speech has names none)."""
    owners: set[str] = set()
    for phrase in quoted if speeches_with else ():
        holders = speeches_with(phrase)
        if 0 < len(holders) <= 2:
            owners |= holders
    return owners


def _decide(scored: list[tuple[float, str, tuple[str, ...], tuple[str, ...]]]) -> Scope:
    if not scored or scored[0][0] < MIN_SCORE:
        return Scope()
    best, speech_id, reasons, terms = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best >= CERTAIN_SCORE and best >= CERTAIN_MARGIN * runner_up:
        return Scope((speech_id,), certain=True, reasons=reasons, terms=terms, named_by=terms)
    close = [item for item in scored if item[0] >= PARTIAL_SHARE * best]
    named_by = tuple(dict.fromkeys(term for item in close for term in item[3]))
    return Scope(tuple(item[1] for item in close), certain=False, reasons=reasons, terms=terms,
                 weak=best < CERTAIN_SCORE, named_by=named_by)

"""What the question analysis knows of the indexed speeches: their names, places, speakers, years.

Names (title, meeting, the heading of a compilation part) are indexed by their substrings, with
the number of speeches each substring occurs in, so a phrase that names one speech
(「招商引资工作动员会」) weighs far more than one that many share (「政府工作报告」, 「讲话」).
Everything comes from the indexed speeches' metadata, nothing from lists of known phrases.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

MIN_NAME_GRAM = 2
MAX_NAME_GRAM = 24
_PLACEHOLDER = re.compile(r"^[XxＸ×*＊]+$|[XxＸ×]{2,}")
_NAME_NOISE = re.compile(r"^在|上的(?:讲话|发言|致辞|报告|主持词)$|的讲话$|讲话$")
_YEAR = re.compile(r"(1[89]\d{2}|20\d{2})年")


@dataclass(frozen=True)
class SpeechEntry:
    """One speech as the analysis sees it."""

    id: str
    names: tuple[str, ...]
    speaker: str | None
    role: str | None
    places: tuple[str, ...]
    region_parts: tuple[str, ...]
    years: tuple[int, ...]
    part: int | None


class SpeechCatalogue:
    """The indexed speeches' names, speakers, roles, places and years, for scoping questions."""

    def __init__(self, records):
        self.entries = {record.id: _entry(record) for record in records}
        self.grams: dict[str, set[str]] = defaultdict(set)
        for entry in self.entries.values():
            for name in entry.names:
                for gram in _grams(name):
                    self.grams[gram].add(entry.id)
        self.speakers = {e.speaker for e in self.entries.values() if e.speaker}
        self.roles = {e.role for e in self.entries.values() if e.role}
        places = {place for e in self.entries.values() for place in (*e.places, *e.region_parts)}
        self.names_heard = tuple(sorted(self.speakers | places))  # what a misspelling is read back to

    def __len__(self) -> int:
        return len(self.entries)

    def rarity(self, gram: str) -> float:
        """How much a name substring singles speeches out: 1 for one speech's own, near 0 for one all share."""
        count = len(self.grams.get(gram, ()))
        if not count:
            return 0.0
        total = len(self.entries) + 1
        return max(0.0, math.log(total / (count + 0.5)) / math.log(total / 1.5))


def _entry(record) -> SpeechEntry:
    names = tuple(_clean_name(name) for name in _names(record) if _usable(name))
    region = tuple(part.removesuffix("市") for part in (record.region or "").split("/") if part and part != "全国")
    text_years = [int(y) for name in names for y in _YEAR.findall(name)]
    date_year = [int(record.date[:4])] if record.date and record.date[:4].isdigit() else []
    return SpeechEntry(id=record.id, names=names, speaker=record.speaker, role=record.speaker_role,
                       places=tuple(record.places[:3]), region_parts=region,
                       years=tuple(dict.fromkeys(date_year + text_years)), part=_part(record.id))


def _names(record) -> tuple[str, ...]:
    """The meeting, the title and the document number name a speech (「在X上的讲话」 adds nothing to X)."""
    meeting, title, number = record.meeting, record.title, record.number
    if _usable(meeting) and (not title or meeting in title):
        return (meeting,)  # 「县委书记在X上的讲话」 names X
    return tuple(name for name in (meeting, title, number) if _usable(name))


def _usable(name: str | None) -> bool:
    return bool(name) and not _PLACEHOLDER.fullmatch(name)


def _clean_name(name: str) -> str:
    return _NAME_NOISE.sub("", name.strip())


def _part(speech_id: str) -> int | None:
    tail = speech_id.rpartition("#")[2]
    return int(tail) if "#" in speech_id and tail.isdigit() else None


def _grams(name: str) -> set[str]:
    return {name[i:j] for i in range(len(name))
            for j in range(i + MIN_NAME_GRAM, min(len(name), i + MAX_NAME_GRAM) + 1)
            if not _PLACEHOLDER.search(name[i:j])}


_CACHE: dict[tuple, SpeechCatalogue] = {}


def catalogue_of(records: dict) -> SpeechCatalogue:
    """The catalogue of these speech records, built once per set of (id, content hash)."""
    key = tuple(sorted((record.id, record.hash) for record in records.values()))
    if key not in _CACHE:
        _CACHE.clear()  # one index at a time is the common case; keep memory flat
        _CACHE[key] = SpeechCatalogue(records.values())
    return _CACHE[key]

"""When a question asks about: as of a year (「截至2023年」「到2020年底为止」「2019年时」), or as things
stand now (「现行」「最新」「目前」). Read by the constraints (which documents may answer) and the
picker (which dated document's sentence answers)."""

from __future__ import annotations

import re

__all__ = ["as_of_year", "asks_latest", "without_time"]

_YEAR = r"((?:1[89]|20)\d{2})\s*年"
AS_OF = re.compile(rf"(?:截至|截止(?:到)?){_YEAR}|到{_YEAR}(?:底|末)?为止|{_YEAR}(?:时|那时|当时)")
LATEST = re.compile(r"最新|现行|目前|现在|当前|如今|眼下|现阶段")


def as_of_year(question: str) -> int | None:
    """The year a question asks as of (「截至2023年，…」 → 2023), or None."""
    match = AS_OF.search(question)
    if match is None:
        return None
    return int(next(group for group in match.groups() if group))


def asks_latest(question: str) -> bool:
    """The question asks how things stand now (「现行的规定」「最新的报告」)."""
    return bool(LATEST.search(question))


def without_time(question: str) -> str:
    """The question without the time it asks as of (「截至2020年，」), which the documents' dates meet, not their words."""
    return AS_OF.sub(" ", question)

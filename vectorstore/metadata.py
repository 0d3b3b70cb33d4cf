"""Speech metadata by explicit rules: title, speaker, date, places, meeting.

Nothing is guessed: a field the speech does not state is ``None``; a
placeholder such as 「XXX」 or 「20XX年X月X日」 counts as not stated.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from vectorstore.places import place_names

_HEADER_LINES = 6
_TITLE_WORDS = re.compile(r"(?:讲话|发言|致辞|报告|讲稿|主持词|动员)")
_SENTENCE_PUNCT = re.compile(r"[。！？，；,;!?：:]")
_ROLE = (
    r"(?:(?:中共)?[\u4e00-\u9fff]{0,6}?(?:省|市|县|区|州|旗|镇|乡)(?:委)?"
    r"(?:常委|副书记|书记|副省长|省长|副市长|市长|副县长|县长|副区长|区长|主席|主任)"
    r"|副书记|书记|副市长|市长|副县长|县长|局长|主任)"
)
_ROLE_LINE = re.compile(rf"^({_ROLE})\s*([\u4e00-\u9fff]{{2,4}}|[Xx×＊*]{{2,4}})?\s*(?:[（(].*[）)])?$")
_NAME_LINE = re.compile(r"^([\u4e00-\u9fff]{2,4}|[Xx×]{2,4})\s*[（(][^）)]*[）)]$")
_ROLE_IN_TITLE = re.compile(rf"^({_ROLE})(?:[\u4e00-\u9fff]{{2,3}})?在")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"^(\d{4})(?:[-./年](\d{1,2}))?(?:[-./月](\d{1,2}))?日?$")
_NOT_A_PLACE = re.compile(r"(?:吉祥|平安|健康|幸福|快乐|身体)安康")
_MEETING_IN_TITLE = re.compile(r"在(.{2,40}?)(?:上|上面)的(?:讲话|发言|致辞|报告|主持词)")
_MEETING_IN_TEXT = re.compile(r"(?:召开|举行|召开了|举行了)(?:的|这次|这个|本次)?([^，。,；;：:“”]{2,30}?(?:会议|大会|会))")


@dataclass(frozen=True)
class SpeechMetadata:
    title: str | None = None
    speaker: str | None = None
    speaker_role: str | None = None
    date: str | None = None
    places: tuple[str, ...] = ()
    meeting: str | None = None
    region: str | None = None


def extract_metadata(text: str, heading: str | None = None, stated: dict | None = None) -> SpeechMetadata:
    """Metadata of one cleaned speech; ``stated`` holds fields a JSONL record gives."""
    stated = stated or {}
    lines = text.split("\n")[:_HEADER_LINES]
    title = stated.get("title") or find_title(lines) or heading
    role, name = find_speaker(lines, title)
    return SpeechMetadata(
        title=title,
        speaker=stated.get("speaker") or name,
        speaker_role=role,
        date=normalise_date(stated.get("date")) or find_date(lines),
        places=find_places(text, stated.get("region")),
        meeting=find_meeting(title, text),
        region=stated.get("region"),
    )


def find_title(lines: list[str]) -> str | None:
    """The first line when it reads as a title: short, unpunctuated, 「…讲话」-like."""
    first = lines[0].strip() if lines else ""
    if 4 <= len(first) <= 60 and not _SENTENCE_PUNCT.search(first) and _TITLE_WORDS.search(first):
        return first
    return None


def find_speaker(lines: list[str], title: str | None) -> tuple[str | None, str | None]:
    """Speaker role and name from a by-line (「市委书记」/「张笑东（…）」) or the title."""
    role = name = None
    for index, line in enumerate(lines):
        match = _ROLE_LINE.match(line.strip())
        if match and line.strip() != title:
            role, name = match.group(1), match.group(2)
            if not name and index + 1 < len(lines):
                follow = _NAME_LINE.match(lines[index + 1].strip())
                name = follow.group(1) if follow else None
            break
    if role is None and title:
        in_title = _ROLE_IN_TITLE.match(title)
        role = in_title.group(1) if in_title else None
    return role, _real_name(name)


def _real_name(name: str | None) -> str | None:
    if not name or re.fullmatch(r"[Xx×＊*]+", name):
        return None
    return name


def find_date(lines: list[str]) -> str | None:
    """A full date stated in the header lines, as yyyy-mm-dd."""
    for line in lines:
        match = _DATE.search(line)
        if match:
            year, month, day = (int(group) for group in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def normalise_date(value) -> str | None:
    """A stated date as ISO text (``2024``, ``2024-03`` or ``2024-03-05``); junk → None."""
    match = _ISO_DATE.match(str(value).strip()) if value else None
    if not match:
        return None
    parts = [int(group) for group in match.groups() if group]
    return "-".join([f"{parts[0]:04d}"] + [f"{part:02d}" for part in parts[1:]])


def find_places(text: str, region: str | None = None) -> tuple[str, ...]:
    """Gazetteer places named in the text, most mentioned first."""
    counts = Counter(_place_pattern().findall(_NOT_A_PLACE.sub("", text)))
    places = [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], text.find(item[0])))]
    if region and region not in places and region != "全国":
        places.insert(0, region)
    return tuple(places)


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern:
    return re.compile("|".join(map(re.escape, place_names())))


def find_meeting(title: str | None, text: str) -> str | None:
    """The meeting named in the title (「在…会上的讲话」) or in the opening lines."""
    match = _MEETING_IN_TITLE.search(title or "")
    if match:
        return match.group(1)
    match = _MEETING_IN_TEXT.search(text[:400])
    return match.group(1) if match else None

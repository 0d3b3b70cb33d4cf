"""Speech metadata by explicit rules: title, speaker, date, places, meeting.

Nothing is guessed: a field the speech does not state is ``None``; a
placeholder such as 「XXX」 or 「20XX年X月X日」 counts as not stated. A value
found in the text keeps its span (``SpeechMeta.spans``); one a JSONL record or a
compilation heading states has none. A stated field wins over the text's.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from vectorstore.speech.document_fields import find_document_fields
from vectorstore.speech.places import place_names
from vectorstore.speech.model import SpeechMeta
from vectorstore.text.numerals import numeral_value

_HEADER_LINES = 6
_TITLE_WORDS = re.compile(r"(?:讲话|发言|致辞|报告|讲稿|主持词|动员|条例|办法|规定|细则|决定|意见|通知|方案|规划|纲要"
                          r"|法|法典|章程|准则|公约|决议|公报|通告|公告|批复|指引|指南|守则|纲要|清单)(?:[（(][^）)]{1,20}[）)])?$"
                          r"|讲话|发言|致辞|报告")
_BOOK_TITLE = re.compile(r"^《([^《》]{2,58})》$")  # a title line in 《》
_SENTENCE_PUNCT = re.compile(r"[。！？，；,;!?：:]")
_ROLE = (
    r"(?:(?:中共)?[\u4e00-\u9fff]{0,6}?(?:省|市|县|区|州|旗|镇|乡)(?:委)?"
    r"(?:常委|副书记|书记|副省长|省长|副市长|市长|副县长|县长|副区长|区长|主席|主任)"
    r"|副书记|书记|副市长|市长|副县长|县长|局长|主任)"
)
_ROLE_LINE = re.compile(rf"^({_ROLE})\s*([\u4e00-\u9fff]{{2,4}}|[Xx×＊*]{{2,4}})?\s*(?:[（(].*[）)])?$")
_NAME_LINE = re.compile(r"^([\u4e00-\u9fff]{2,4}|[Xx×]{2,4})\s*[（(][^）)]*[）)]$")
_ROLE_IN_TITLE = re.compile(rf"^({_ROLE})(?:[\u4e00-\u9fff]{{2,3}})?在")
_DATE = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
                   r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")  # 2024年5月4日 or 二〇二四年五月四日
_ISO_DATE = re.compile(r"^(\d{4})(?:[-./年](\d{1,2}))?(?:[-./月](\d{1,2}))?日?$")
_NOT_A_PLACE = re.compile(r"(?:吉祥|平安|健康|幸福|快乐|身体)安康")
_MEETING_IN_TITLE = re.compile(r"在(.{2,40}?)(?:上|上面)的(?:讲话|发言|致辞|报告|主持词)")
_NOT_A_NAME = re.compile(r"^(?:[一两几这那本此每]|多)(?:次|个|场|届)")
_MEETING_IN_TEXT = re.compile(r"(?:召开|举行|召开了|举行了)(?:的|这次|这个|本次)?([^，。,；;：:“”]{2,30}?(?:会议|大会|会))")


@dataclass(frozen=True)
class Found:
    """A value and where the text states it (``start`` None: stated outside the text)."""

    value: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Line:
    start: int
    text: str


NOT_FOUND = Found()


def extract_metadata(text: str, heading: str | None = None, stated: dict | None = None, *,
                     source: str = "", part: int | None = None) -> SpeechMeta:
    """Metadata of one cleaned speech; ``stated`` holds fields a JSONL record gives."""
    stated = stated or {}
    lines = header_lines(text)
    title = _first(_given(stated.get("title")), find_title(lines), _given(heading))
    role, name = find_speaker(lines, title)
    found = {
        "title": title, "meeting": find_meeting(title, text), "speaker": _first(_given(stated.get("speaker")), name),
        "speaker_role": role, "date": _first(_given(normalise_date(stated.get("date"))), find_date(lines)),
    }
    found.update({key: Found(*value) for key, value in find_document_fields(text, title.value, title.start).items()})
    return SpeechMeta(
        **{key: item.value for key, item in found.items()},
        places=find_places(text, stated.get("region")), region=stated.get("region"), source=source, part=part,
        spans=tuple((key, item.start, item.end) for key, item in found.items() if item.start is not None),
    )


def header_lines(text: str) -> list[Line]:
    """The first lines of a speech with their offsets, each stripped (offset moved along)."""
    lines, offset = [], 0
    for raw in text.split("\n")[:_HEADER_LINES]:
        lead = len(raw) - len(raw.lstrip())
        lines.append(Line(offset + lead, raw.strip()))
        offset += len(raw) + 1
    return lines


def _given(value) -> Found:
    return Found(value) if value else NOT_FOUND


def _first(*candidates: Found) -> Found:
    return next((item for item in candidates if item.value), NOT_FOUND)


def _at(line: Line, match: re.Match, group: int = 0) -> Found:
    return Found(match.group(group), line.start + match.start(group), line.start + match.end(group))


def find_title(lines: list[Line]) -> Found:
    """The first line when it reads as a title: in 《》, or short, unpunctuated and ending like the
    name of a document (「…讲话」, 「…报告」, 「中华人民共和国公司法」, 「…条例（2021年修订）」)."""
    first = lines[0] if lines else Line(0, "")
    book = _BOOK_TITLE.match(first.text)
    if book:
        return _at(first, book, 1)
    if 4 <= len(first.text) <= 60 and not _SENTENCE_PUNCT.search(first.text) and _TITLE_WORDS.search(first.text):
        return Found(first.text, first.start, first.start + len(first.text))
    return NOT_FOUND


def find_speaker(lines: list[Line], title: Found) -> tuple[Found, Found]:
    """Speaker role and name from a by-line (「市委书记」/「张笑东（…）」) or the title."""
    for index, line in enumerate(lines):
        match = _ROLE_LINE.match(line.text)
        if match and line.text != title.value:
            name = _at(line, match, 2) if match.group(2) else _name_below(lines[index + 1:index + 2])
            return _at(line, match, 1), _real_name(name)
    return _role_in_title(title), NOT_FOUND


def _name_below(lines: list[Line]) -> Found:
    """A name line (「张笑东（2024年5月4日）」) under a role line."""
    follow = _NAME_LINE.match(lines[0].text) if lines else None
    return _at(lines[0], follow, 1) if follow else NOT_FOUND


def _role_in_title(title: Found) -> Found:
    match = _ROLE_IN_TITLE.match(title.value or "")
    if not match:
        return NOT_FOUND
    if title.start is None:
        return Found(match.group(1))
    return Found(match.group(1), title.start + match.start(1), title.start + match.end(1))


def _real_name(name: Found) -> Found:
    """A placeholder (「XXX」) is no name."""
    if not name.value or re.fullmatch(r"[Xx×＊*]+", name.value):
        return NOT_FOUND
    return name


def find_date(lines: list[Line]) -> Found:
    """A full date stated in the header lines, as yyyy-mm-dd (its span: the date as written)."""
    for line in lines:
        match = _DATE.search(line.text)
        date = date_from_match(match) if match else None
        if date:
            where = _at(line, match)
            return Found(date, where.start, where.end)
    return NOT_FOUND


def date_from_match(match: re.Match) -> str | None:
    """yyyy-mm-dd from a match of year, month and day groups (digits or Chinese numerals); None when not a date."""
    year, month, day = (numeral_value(group) or 0 for group in match.groups()[:3])
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


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


def find_meeting(title: Found, text: str) -> Found:
    """The meeting named in the title (「在…会上的讲话」) or in the opening lines."""
    match = _MEETING_IN_TITLE.search(title.value or "")
    if match:
        if title.start is None:
            return Found(match.group(1))
        return Found(match.group(1), title.start + match.start(1), title.start + match.end(1))
    match = _MEETING_IN_TEXT.search(text[:400])
    if match is None or _NOT_A_NAME.match(match.group(1)):
        return NOT_FOUND  # 「召开一次十分重要的大会」 names no meeting
    return Found(match.group(1), match.start(1), match.end(1))

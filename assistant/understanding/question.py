"""A question as the assistant understands it: its scope, its intent and its constraints."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.understanding.catalogue import SpeechCatalogue
from assistant.understanding.lexicon.time import as_of_year, asks_latest
from assistant.understanding.intent import Intent, asks_top_level, cross_topic, intent_of, ordinal_of, part_and_item
from assistant.understanding.lexicon.forms import wants_number
from assistant.understanding.scope import Scope, scope_of

QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’]{2,24})[”\"」』’]")
# what retrieval and the picker take as quoted: also '…' and number slogans (「144520」)
_QUOTED_TERM = re.compile(r"[“\"「『‘']([^”\"」』’']{2,24})[”\"」』’']")
_NUMBER_SLOGAN = re.compile(r"(?<![\d.])\d{5,}(?![\d.%年万亿元])")
_YEAR = re.compile(r"(1[89]\d{2}|20\d{2})\s*年")
# 「2010到2012年」「2019、2020和2021年」: several years, one figure asked of each (「分别」「每年」)
_YEARS_RUN = re.compile(r"(?:19|20)\d{2}(?:\s*年)?(?:\s*(?:到|至|—|–|－|-|~|～|、|和|与|及|，|,)\s*(?:19|20)\d{2}(?:\s*年)?)+")
_RANGE_SIGN = re.compile(r"到|至|—|–|－|-|~|～")
# 「两篇讲话…分别…」「…有什么不同」: the speeches the question names are compared
_COMPARE = re.compile(r"分别|各自|两篇|几篇|有什么不同|有何不同|有什么区别|区别|异同|相比|对比")
_EACH = re.compile(r"分别|各自|各是|各为|每年|逐年|每一年|这几年|各年")
MAX_YEARS_ASKED = 12
_TOPIC_GAPS = re.compile(r"[\s，,、？?]+")
_TOPIC_EDGES = re.compile(r"^(?:的讲话|讲话|和|与|及|对|的)+|(?:的讲话|讲话|是什么|怎么讲|怎么说|的)+$")
_PART_END = re.compile(r"(?<=[？?])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_PART_CHARS = 5  # a part of a question has at least this many characters of its own
NAMING_GAP = 6  # characters (「那篇」「和资金争取」) between two pieces of one name, in one clause
_PUNCTUATION = re.compile(r"[，,。？?！!；;：:、]")
# 「那篇讲话说，」「这份报告里」: words pointing at the speech, which sentences of it do not hold
_POINTER = re.compile(r"[那这该此](?:一)?(?:篇|份|部(?!分)|次)(?:讲话|报告|文件|条例|会议)?(?:里|中|上)?(?:说|讲|提到|提出|指出)?[，,]?"
                      r"|^\s*(?:号)?(?:文件|文|通知)(?:里|中|上)?(?:对|就|关于)?")  # what is left of 「…〔2024〕9号文件对…」
MIN_FOCUS_TERM = 4  # shorter name pieces (「建设」) may be what the question is about

__all__ = ["Constraints", "Intent", "QuestionAnalysis", "Scope", "analyse", "per_year", "quoted_terms"]


@dataclass(frozen=True)
class Constraints:
    """What an answer must meet: the places, years and speaker named, the ordinal asked for."""

    places: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    speakers: tuple[str, ...] = ()
    ordinal: int | None = None  # 1-based; -1 = the last one
    top_level: bool = False  # the ordinal names a top-level part (第三部分, “二、”)
    part: int | None = None  # 「第二部分的第三条」: the top-level part the item (``ordinal``) is asked in
    as_of: int | None = None  # 「截至2023年」: documents of that year or before answer, the latest of them first
    latest: bool = False  # 「现行」「最新」: the latest document answers


@dataclass(frozen=True)
class QuestionAnalysis:
    text: str
    intent: Intent
    scope: Scope = field(default_factory=Scope)
    constraints: Constraints = field(default_factory=Constraints)
    quoted: tuple[str, ...] = ()
    compared: tuple[str, ...] = ()  # the speeches a question names to compare (「株洲和安阳两篇讲话…分别…」)

    @property
    def topic(self) -> str:
        """What a question across speeches is about: without its form (「哪几篇…各自…」) and, when it
        compares named speeches, without the words that named them."""
        text = self.text
        for term in sorted(self.scope.named_by if self.compared else (), key=len, reverse=True):
            text = text.replace(term, " ")
        return cross_topic(text)

    @property
    def topic_named(self) -> str:
        """The topic as an answer names it (「以商招商」): what the question quotes, else the topic
        without the connecting words left around it."""
        return self.quoted[0] if self.quoted else _TOPIC_EDGES.sub("", _TOPIC_GAPS.sub("", self.topic))

    @property
    def parts(self) -> list[str]:
        """The question's parts, each asked on its own (one part for most questions)."""
        return question_parts(self.text)

    @property
    def focus(self) -> str:
        """The question without the words that only named its speech (「王建国讲话里」, 「株洲那篇」):
        what sentences must hold, once retrieval is narrowed to that speech."""
        return self.focus_of(self.text)

    def focus_of(self, text: str) -> str:
        """``text`` (the question or a part of it) without the words that only named its speech."""
        if not self.scope.speech_ids or self.scope.weak:  # the words named speeches, if not which one
            return text
        named = set(self.constraints.speakers + self.constraints.places)
        pieces = [term for term in self.scope.terms if term not in named]
        span = naming_region(text, pieces)
        if span and any(len(term) >= MIN_FOCUS_TERM and term in text[span[0]:span[1]] for term in pieces):
            text = text[:span[0]] + " " + text[span[1]:]
        for term in sorted((t for t in self.scope.terms if t in named), key=len, reverse=True):
            text = text.replace(term, " ", 1)
        return _POINTER.sub(" ", text)


def per_year(text: str) -> list[tuple[int, str]]:
    """A figure asked for each of several years (「2010到2012年的赤字率分别是多少？」) as one question
    a year (「2010年的赤字率是多少？」…); [] when the question asks no such thing."""
    run = _YEARS_RUN.search(text)
    if run is None or not _EACH.search(text):
        return []
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", run.group())]
    if len(years) == 2 and _RANGE_SIGN.search(run.group()) and years[0] < years[1]:
        years = list(range(years[0], years[1] + 1))
    if not 2 <= len(set(years)) <= MAX_YEARS_ASKED:
        return []
    rest = _EACH.sub(lambda each: each.group()[1:] if each.group() in ("各是", "各为") else "",
                     text[:run.start()] + "{}年" + text[run.end():].lstrip("年"))
    rest = re.sub(r"[，,]\s*(?=的)", "", rest)
    return [(year, rest.format(year)) for year in dict.fromkeys(years)]


def naming_region(text: str, terms: list[str]) -> tuple[int, int] | None:
    """``[start, end)`` where the question names the speech: its first name piece and the pieces
    next to it (「重庆市…条例明令禁止…」); a title word met later (「二十大报告…的中国特色」) is
    what it asks about. Only a region holding a piece of MIN_FOCUS_TERM characters is dropped
    from the focus (a short piece alone, 「建设」, may be the topic)."""
    found = sorted((text.find(term), text.find(term) + len(term)) for term in terms if term in text)
    if not found:
        return None
    start, end = found[0]
    for piece_start, piece_end in found[1:]:
        between = text[end:piece_start]
        if piece_start <= end + NAMING_GAP and not _PUNCTUATION.search(between):
            end = max(end, piece_end)
    return start, end


def analyse(text: str, catalogue: SpeechCatalogue, *, places_in: Callable[[str], tuple[str, ...]],
            speeches_with: Callable[[str], set[str]] | None = None) -> QuestionAnalysis:
    """Scope, intent and constraints of one standalone question."""
    quoted = tuple(dict.fromkeys(m.group(1).strip() for m in QUOTED.finditer(text)))
    places = places_in(text)
    constraints = Constraints(
        places=places, years=tuple(dict.fromkeys([int(y) for y in _YEAR.findall(text)] + [y for y, _ in per_year(text)])),
        speakers=tuple(sorted(name for name in catalogue.speakers if name in text)),
        as_of=as_of_year(text), latest=asks_latest(text), **_ordinals(text))
    scope = scope_of(text, catalogue, places, speeches_with, quoted)
    compared = compared_speeches(text, scope)
    return QuestionAnalysis(text=text, intent=Intent.CROSS if compared else intent_of(text), scope=scope,
                            constraints=constraints, quoted=quoted, compared=compared)


def _ordinals(text: str) -> dict:
    """The ordinal a question asks for, and the part it is asked in when it names both."""
    both = part_and_item(text)
    if both:
        return {"ordinal": both[1], "top_level": False, "part": both[0]}
    return {"ordinal": ordinal_of(text), "top_level": asks_top_level(text)}


def compared_speeches(text: str, scope: Scope) -> tuple[str, ...]:
    """The speeches a question names and compares: two or more named (none standing out) and a
    comparing form; a figure asked for each of several years is not a comparison of speeches."""
    named = len(scope.speech_ids) >= 2 and not scope.certain and not scope.weak
    return scope.speech_ids if named and _COMPARE.search(text) and not per_year(text) else ()


def quoted_terms(question: str) -> list[str]:
    """Terms the user quoted (「四千精神」, “144520”) or number slogans, in order."""
    terms = [m.group(1).strip() for m in _QUOTED_TERM.finditer(question)] + _NUMBER_SLOGAN.findall(question)
    return list(dict.fromkeys(term for term in terms if term))


def question_parts(text: str) -> list[str]:
    """A question's parts, each ending in its question mark; one part when it has no others.

    A part too short to stand alone joins the next one, or the previous one when it is last;
    a short part asking only for a figure (「…为什么调低？定在多少？」) asks it of what the
    previous part is about, so it becomes that part's words plus its own."""
    pieces = [part.strip("，, ") for part in _PART_END.split(text) if part.strip("，, ")]
    parts: list[str] = []
    carried = ""
    for piece in pieces:
        if len(_HAN.findall(piece)) >= MIN_PART_CHARS:
            parts.append(carried + piece)
            carried = ""
        elif parts and wants_number(piece):
            parts.append(parts[-1].rstrip("？?") + "，" + piece)
        else:
            carried += piece
    if carried and parts:
        parts[-1] += carried
    return parts if len(parts) >= 2 else [text]

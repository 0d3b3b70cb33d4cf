"""Who, when, at which meeting: a sentence built from the speech's SpeechMeta, citing where the
speech states it; a field the speech does not state is said to be unstated, never guessed."""

from __future__ import annotations

import re

from assistant.answering.composers import Draft, label
from assistant.answering.speech_view import SpeechView
from assistant.understanding.question import quoted_terms
from assistant.types import REFUSAL, Citation
from vectorstore.speech.places import is_city, is_province, province_of

ASKS_SPEAKER = re.compile(r"(?:讲话人|讲话者|发言人)(?:是谁|是哪位|叫什么)|谁(?:讲|作|发表)的|出自哪位|哪位(?:领导|书记|县长|市长|省长)"
                          r"|姓甚名谁|叫什么名字|是谁(?:讲|作|发表)|谁的讲话|是谁$|是谁[？?]")
ASKS_DATE = re.compile(r"哪一?天|哪一年(?:讲|召开|开)|日期|什么时候(?:讲|作|召开|开)|何时(?:讲|召开|开)|几月份?(?:开|召开|讲)")
ASKS_MEETING = re.compile(r"哪次会议|什么会议上|哪个会|什么会上|在什么场合")
ASKS_ROLE = re.compile(r"什么职务|担任什么|什么身份")
ASKS_CITY = re.compile(r"哪座城市|哪个城市|哪一个城市|哪个市|什么城市|哪座城")
ASKS_PROVINCE = re.compile(r"哪个省|哪一个省|哪一省|什么省|哪个省份")
FIELD_NAMES = {"speaker": "讲话人的姓名", "date": "讲话日期", "meeting": "会议名称", "speaker_role": "讲话人的职务"}


def asked_fields(question: str) -> tuple[str, ...]:
    asked = [(ASKS_SPEAKER, "speaker"), (ASKS_DATE, "date"), (ASKS_MEETING, "meeting"), (ASKS_ROLE, "speaker_role")]
    return tuple(name for pattern, name in asked if pattern.search(question))


def answered_by_metadata(question: str) -> bool:
    """The question asks what the metadata line states: who, when, which meeting, which city or province."""
    return bool(asked_fields(question) or ASKS_CITY.search(question) or ASKS_PROVINCE.search(question))


def compose_meta(question: str, view: SpeechView) -> Draft | None:
    """「这是市委书记张笑东2024年5月4日在…上的讲话。」 with a citation of the by-line or title;
    a refusal naming the field when the question asks for one the speech does not state."""
    meta = view.record.meta
    asked = asked_fields(question)
    missing = [name for name in asked if not getattr(meta, name)]
    if missing and "speaker" in missing:
        return Draft(f"{REFUSAL}{label(view)}没有写明{FIELD_NAMES['speaker']}。", (), grounded=False)
    sentence = meta_sentence(meta)
    if sentence is None:
        return None
    citations: list[Citation] = []
    marker = cite_statement(view, citations)
    unstated = "；".join(f"讲话没有写明{FIELD_NAMES[name]}" for name in missing)
    text = sentence + (f"[{marker}]" if marker else "") + (f"（{unstated}）" if unstated else "")
    text += "".join(f"\n{line}" for line in place_lines(question, view, citations))
    return Draft(text, tuple(citations)) if citations else None


CITY_SELF = ("我市", "本市", "全市")  # a sentence naming the city as the speaker's own
PROVINCE_SELF = ("我省", "本省", "全省", "省委")
SELF_REACH = 20  # 「我市」 this near a city's name calls it the speech's own


def place_lines(question: str, view: SpeechView, citations: list[Citation]) -> list[str]:
    """「哪座城市」「哪个省」: the city / province the speech names most, citing where it first does."""
    places = view.record.meta.places
    city = own_city(view, [name for name in places if is_city(name)])
    province = next((name for name in places if is_province(name)), None)
    quoted = tuple(quoted_terms(question))
    lines = []
    if ASKS_CITY.search(question) and city:
        lines.append(f"讲话所说的城市是{city}" + marked(view, citations, city, (quoted, CITY_SELF)) + "。")
    if ASKS_PROVINCE.search(question):
        province = province_of(city) if city and province_of(city) else province
        if province:
            lines.append(f"所在的省是{province}" + marked(view, citations, province, (quoted, PROVINCE_SELF)) + "。")
    return lines


def own_city(view: SpeechView, cities: list[str]) -> str | None:
    """The city the speech names most; among those named as often, one it calls its own
    (「对我市来讲，…洛阳」) before one it only mentions (「我们去郑州学习」)."""
    def rank(item: tuple[int, str]) -> tuple:
        order, name = item
        holding = sentences_holding(view, name)
        gaps = [gap for _, sentence in holding if (gap := _gap(sentence.text, name, CITY_SELF)) is not None]
        return (-len(holding), not (gaps and min(gaps) <= SELF_REACH), order)
    return min(enumerate(cities), key=rank)[1] if cities else None


def marked(view: SpeechView, citations: list[Citation], name: str, prefer: tuple[tuple[str, ...], ...] = ()) -> str:
    """``[n]`` of the sentence of the speech that best shows ``name`` is its place: the one that holds
    it nearest a word of ``prefer`` (the question's quoted 「省委、省政府」, then 「我市」: 「对我市来讲，
    …安阳的前途命运」), else the first that holds it; nothing when none does."""
    holding = sentences_holding(view, name)
    best = holding[0] if holding else None
    for words in prefer:
        near = [(_gap(item[1].text, name, words), index) for index, item in enumerate(holding)]
        near = [pair for pair in near if pair[0] is not None]
        if near:
            best = holding[min(near)[1]]
            break
    number = view.cite(citations, *best) if best else None
    return f"[{number}]" if number else ""


def sentences_holding(view: SpeechView, name: str) -> list:
    """(evidence, sentence) of each place the speech names ``name``, in text order."""
    return [found for chunk in view.chunks for at in _occurrences(chunk.text, name)
            for found in view.sentences_from(chunk.start + at, 1)]


def _gap(text: str, name: str, words: tuple[str, ...]) -> int | None:
    """Characters between ``name`` and the nearest of ``words`` in ``text`` (None when either is missing)."""
    gaps = [abs(a - b) for a in _occurrences(text, name) for word in words for b in _occurrences(text, word)]
    return min(gaps) if gaps else None


def _occurrences(text: str, name: str) -> list[int]:
    found, at = [], text.find(name)
    while at >= 0:
        found.append(at)
        at = text.find(name, at + len(name))
    return found


def meta_sentence(meta) -> str | None:
    who = f"{meta.speaker_role or ''}{meta.speaker or ''}"
    when = chinese_date(meta.date)
    where = f"在{meta.meeting}上的讲话" if meta.meeting else (f"《{meta.title}》" if meta.title else None)
    if where is None or not (who or when or meta.meeting):
        return None
    return f"这是{who}{when}{where}。"


def chinese_date(date: str | None) -> str:
    if not date:
        return ""
    parts = [int(part) for part in date.split("-")]
    return "".join(f"{value}{unit}" for value, unit in zip(parts, "年月日"))


def cite_statement(view: SpeechView, citations: list[Citation]) -> int | None:
    """Cite the line that states the speech's by-line or title (its first span), else its first sentence."""
    meta = view.record.meta
    spans = [meta.span(name) for name in ("speaker", "date", "meeting", "title")]
    offset = next((span[0] for span in spans if span), view.chunks[0].start if view.chunks else None)
    if offset is None:
        return None
    found = view.sentences_from(offset, 1)
    return view.cite(citations, *found[0]) if found else None

"""Who, when, at which meeting: a sentence built from the speech's SpeechMeta, citing where the
speech states it; a field the speech does not state is said to be unstated, never guessed."""

from __future__ import annotations

import re


from assistant.answering.composers import Draft, label
from assistant.answering.speech_view import SpeechView
from assistant.understanding.lexicon.metadata import ASKS_CITY, ASKS_PROVINCE, FIELD_NAMES, asked_fields
from assistant.understanding.question import quoted_terms
from assistant.types import REFUSAL, Citation
from vectorstore.speech.places import is_city, is_province, province_of

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
    lines = place_lines(question, view, citations) + said_lines(question, view, citations)
    lines += year_lines(view, citations) if "date" in missing else []
    text += "".join(f"\n{line}" for line in lines)
    return Draft(text, tuple(citations)) if citations else None


def said_lines(question: str, view: SpeechView, citations: list[Citation]) -> list[str]:
    """A question that names its speech by what it says (「提出“归雁工程”的，是在哪次会议上…」): the
    sentence saying it, so the answer shows why this is the speech."""
    for term in quoted_terms(question):
        holding = sentences_holding(view, term)
        known = len(citations)
        number = view.cite(citations, *holding[0]) if holding else None
        if number:  # a sentence the answer cites already needs no line of its own
            return [f"讲话中说：{holding[0][1].text}[{number}]"] if number > known else []
    return []


_PRESENT = re.compile(r"今年|当前|目前|本年度")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def year_lines(view: SpeechView, citations: list[Citation]) -> list[str]:
    """No date stated: the year a sentence places the present in (「当前，各地都把2023年作为…」),
    said as an inference with that sentence; nothing when no sentence does, or they disagree."""
    found = [(evidence, sentence, years.pop()) for evidence, sentence in view.sentences_from(0, count=10**6)
             if _PRESENT.search(sentence.text) and len(years := set(_YEAR.findall(sentence.text))) == 1]
    if not found or len({year for _, _, year in found}) > 1:
        return []
    evidence, sentence, year = found[0]
    number = view.cite(citations, evidence, sentence)
    return [f"讲话没有写明日期，从内容看应在{year}年：{sentence.text}[{number}]"] if number else []


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

"""An answer must be about what the question names: a figure from a speech about another city,
year or speaker is not an answer to it, nor are passages that do not mention a phrase the question
quotes (they are offered as related reading instead)."""

from __future__ import annotations

import re

from assistant.answering.composers import Draft
from assistant.types import REFUSAL
from assistant.understanding import Intent, QuestionAnalysis

CHECKED_INTENTS = (Intent.NUMBER, Intent.FACT, Intent.LIST, Intent.DEFINITION, Intent.META)
_YEAR = re.compile(r"(1[89]\d{2}|20\d{2})\s*年")
_WORD_CHARS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]+")
QUOTED_PAIR_SHARE = 0.5  # a passage holds a quoted phrase loosely (「着手谋划项目本子」) with this share of its pairs


def unmet(analysis: QuestionAnalysis, draft: Draft, records: dict) -> str | None:
    """Why no citation of the draft meets the question's constraints, or None when one does."""
    if analysis.intent not in CHECKED_INTENTS or not draft.citations:
        return None
    reasons = [why_not(analysis, citation, records.get(citation.speech_id)) for citation in draft.citations]
    return None if any(reason is None for reason in reasons) else reasons[0]


def why_not(analysis: QuestionAnalysis, citation, record) -> str | None:
    meta = record.meta if record is not None else None
    wanted = analysis.constraints
    if wanted.places and not any(about_place(place, citation.quote, meta) for place in wanted.places):
        return f"找到的内容不是关于{'、'.join(wanted.places)}的"
    if wanted.as_of and not by_year(wanted.as_of, meta):
        return f"找到的内容出自{meta.date[:4]}年的文件，晚于所问的{wanted.as_of}年"
    if wanted.years and not wanted.as_of and not any(about_year(year, citation.quote, meta) for year in wanted.years):
        return f"找到的内容不是{'、'.join(str(y) for y in wanted.years)}年的"
    if wanted.speakers and (meta is None or meta.speaker not in wanted.speakers):
        return f"找到的内容不是{'、'.join(wanted.speakers)}讲的"
    missing = [phrase for phrase in analysis.quoted if not holds_phrase(citation.text, phrase)]
    if missing:
        return f"找到的内容没有提到“{missing[0]}”"
    return None


def holds_phrase(text: str, phrase: str) -> bool:
    """The text holds the quoted phrase, or most of its character pairs (a quote from memory:
    「着手谋划项目本子」 for 「着手谋划“十一五”项目本子」); a phrase of one character is held."""
    pairs = {word[i:i + 2] for word in _WORD_CHARS.findall(phrase) for i in range(len(word) - 1)}
    if phrase in text or not pairs:
        return True
    return sum(pair in text for pair in pairs) >= QUOTED_PAIR_SHARE * len(pairs)


def about_place(place: str, quote: str, meta) -> bool:
    named = (meta.places if meta else ()) + ((meta.region or "",) if meta else ())
    return place in quote or any(place in name for name in named)


def about_year(year: int, quote: str, meta) -> bool:
    years = {int(y) for y in _YEAR.findall(quote)}
    if meta is not None:
        years |= {int(y) for y in _YEAR.findall(meta.title or "")}
        years |= {int(meta.date[:4])} if meta.date and meta.date[:4].isdigit() else set()
    return year in years


def by_year(year: int, meta) -> bool:
    """The document is dated in or before ``year`` (or not dated: it cannot be said to be later)."""
    return meta is None or not meta.date or not meta.date[:4].isdigit() or int(meta.date[:4]) <= year


def refusal(reason: str) -> Draft:
    return Draft(f"{REFUSAL}（{reason}，下面的相关段落仅供参考。）", (), grounded=False)

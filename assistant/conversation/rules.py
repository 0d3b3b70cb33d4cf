"""Follow-up questions → standalone questions, by rules over the history.

「那五皮精神呢？」 after 「什么是“四千精神”？」 becomes 「什么是“五皮精神”？」;
「资金到位率呢？」 after 「…项目的开工率是多少？」 becomes 「…项目的资金到位率是多少？」.
A question that already stands alone is returned unchanged.
"""

from __future__ import annotations

import re

_FOLLOW_UP = re.compile(r"^(?:那么?|那个|还有|另外|再问一下|请问)?[，,\s]*(?P<topic>.{1,30}?)[呢嘞]?[？?。!！]*$")
_ELLIPTIC_END = re.compile(r"[呢嘞][？?。!！]*$")
_LEADING = re.compile(r"^(?:那么?|还有|另外)[，,\s]*")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{1,24})[”\"」』]")
_PRONOUN = re.compile(r"(?:它|这个|那个|这一|该|上述|这些|他们|其)")
_HEAD_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9%]+")
_YEAR = re.compile(r"(?:1[89]|20)\d{2}\s*年(?:度)?")
_QUESTION_TAIL = re.compile(r"(?:是多少|是什么|有哪些|是哪些|指什么|怎么样|如何|分别是多少)[？?]?$")


def last_user_question(history: list[dict]) -> str | None:
    for turn in reversed(history or []):
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            return str(turn["content"]).strip()
    return None


def is_follow_up(question: str) -> bool:
    """Short elliptic questions (「…呢？」, 「那…」) and ones leaning on a pronoun."""
    text = question.strip()
    if _ELLIPTIC_END.search(text) and len(text) <= 30:
        return True
    return len(text) <= 16 and bool(_LEADING.match(text) or _PRONOUN.search(text))


def rewrite_by_rules(question: str, history: list[dict]) -> str:
    """The standalone form of ``question`` given the conversation so far."""
    previous = last_user_question(history)
    if not previous or not is_follow_up(question):
        return question.strip()
    if _PRONOUN.search(question) and not _ELLIPTIC_END.search(question):
        return _PRONOUN.sub(_previous_subject(previous), question.strip(), count=1)
    topic = _topic(question)
    if not topic:
        return previous
    return _substitute(previous, topic) or f"{topic}（接上一问：{previous}）"


def _previous_subject(previous: str) -> str:
    """What the previous question was about: its quoted term, else its words before the question tail."""
    quoted = _QUOTED.search(previous)
    if quoted:
        return quoted.group(0)
    return _QUESTION_TAIL.sub("", previous).rstrip("？?的")


def _topic(question: str) -> str:
    match = _FOLLOW_UP.match(question.strip())
    topic = match.group("topic") if match else question.strip()
    topic = _LEADING.sub("", topic)
    quoted = _QUOTED.search(topic)
    return (quoted.group(1) if quoted else topic).strip("“”\"「」『』 ，,")


def _substitute(previous: str, topic: str) -> str | None:
    """Put the new topic where the old one stood: a quoted term, or a word with the same ending."""
    quoted = _QUOTED.search(previous)
    if quoted:
        return previous[: quoted.start(1)] + topic + previous[quoted.end(1):]
    old = _same_year(previous, topic) or _same_place(previous, topic) or _same_kind_word(previous, topic)
    return previous.replace(old, topic, 1) if old else None


def _same_year(previous: str, topic: str) -> str | None:
    """The year ``previous`` names, to swap for the year ``topic`` is (2017年 → 2016年)."""
    if not _YEAR.fullmatch(topic):
        return None
    found = _YEAR.search(previous)
    return found.group(0) if found else None


def _same_place(previous: str, topic: str) -> str | None:
    """A place in ``previous`` to swap for a place ``topic`` (安阳市 → 株洲)."""
    from vectorstore.speech.metadata import find_places

    if not find_places(topic):
        return None
    places = find_places(previous)
    return places[0] if places else None


def _same_kind_word(previous: str, topic: str) -> str | None:
    """The last word of ``previous`` ending like ``topic`` (开工率 ~ 资金到位率: both end in 率)."""
    from vectorstore.text.tokens import segment

    words = segment(_QUESTION_TAIL.sub("", previous))
    for size in (2, 1):
        tail = topic[-size:]
        if len(topic) <= size or not re.fullmatch(r"[\u4e00-\u9fff]+", tail):
            continue
        candidates = [w for w in words if w.endswith(tail) and len(w) > size and w != topic]
        if candidates:
            return candidates[-1]
    return None

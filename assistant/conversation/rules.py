"""Follow-up questions → standalone questions, by rules over the last question's text.

「那五皮精神呢？」 after 「什么是“四千精神”？」 becomes 「什么是“五皮精神”？」;
「资金到位率呢？」 after 「…项目的开工率是多少？」 becomes 「…项目的资金到位率是多少？」;
「那签约项目呢？」 after 「对意向项目要建立什么制度？」 becomes 「对签约项目要建立什么制度？」.
A question that already stands alone is returned unchanged. The words these rules read are the
pointer lexicon of ``assistant.understanding.lexicon.pointers``.
"""

from __future__ import annotations

import re

from assistant.understanding.lexicon.asking import ASKING
from assistant.understanding.lexicon.pointers import (ELLIPTIC_END, FOLLOW_UP, LEADING, PHRASE_BOUNDARY, PRONOUN,
                                                      QUESTION_TAIL, SUBJECT_END, YEAR)
from assistant.understanding.question import QUOTED

__all__ = ["is_follow_up", "last_user_question", "question_subject", "rewrite_by_rules", "substitute", "topic_of"]

SHORT = 16  # a question this short leaning on a pronoun or 「那」 is a follow-up
MAX_PHRASE_WORDS = 6  # the most words of the old phrase a substituted one replaces


def last_user_question(history: list[dict]) -> str | None:
    for turn in reversed(history or []):
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            return str(turn["content"]).strip()
    return None


def is_follow_up(question: str) -> bool:
    """Short elliptic questions (「…呢？」, 「那…」) and ones leaning on a pronoun."""
    text = question.strip()
    if ELLIPTIC_END.search(text) and len(text) <= 30:
        return True
    return len(text) <= SHORT and bool(LEADING.match(text) or PRONOUN.search(text))


def rewrite_by_rules(question: str, history: list[dict]) -> str:
    """The standalone form of ``question`` given the conversation so far."""
    previous = last_user_question(history)
    if not previous or not is_follow_up(question):
        return question.strip()
    if PRONOUN.search(question) and not ELLIPTIC_END.search(question):
        return PRONOUN.sub(_previous_subject(previous), question.strip(), count=1)
    topic = topic_of(question)
    if not topic:
        return previous
    return substitute(previous, topic) or f"{topic}（接上一问：{previous}）"


def question_subject(question: str) -> str:
    """What a question is about: its words before the first asking word, without the verbs that
    lead to it (「企业投资项目的核准机关应当在多少个工作日内…」 → 企业投资项目的核准机关)."""
    text = question.strip()
    asking = ASKING.search(text)
    subject = SUBJECT_END.sub("", text[:asking.start()]) if asking else QUESTION_TAIL.sub("", text)
    return subject.rstrip("？?。的，, ") or QUESTION_TAIL.sub("", text).rstrip("？?。的，, ")


def _previous_subject(previous: str) -> str:
    """What the previous question was about: its quoted term, else its words before the question tail."""
    quoted = QUOTED.search(previous)
    return quoted.group(0) if quoted else QUESTION_TAIL.sub("", previous).rstrip("？?的")


def topic_of(question: str) -> str:
    """The part an elliptic question names (「那株洲呢？」 → 株洲), its quotation marks dropped."""
    match = FOLLOW_UP.match(question.strip())
    topic = LEADING.sub("", match.group("topic") if match else question.strip())
    quoted = QUOTED.search(topic)
    return (quoted.group(1) if quoted else topic).strip("“”\"「」『』 ，,")


def substitute(previous: str, topic: str) -> str | None:
    """Put the new topic where its like stood: a quoted term, the year, the place, or the phrase
    ending in the same word (the last such, the question's focus rather than its meeting's name)."""
    quoted = QUOTED.search(previous)
    if quoted:
        return previous[: quoted.start(1)] + topic + previous[quoted.end(1):]
    old = _same_year(previous, topic) or _same_place(previous, topic)
    if old:
        return previous.replace(old, topic, 1)
    span = _same_kind_phrase(previous, topic)
    return previous[:span[0]] + topic + previous[span[1]:] if span else None


def _same_year(previous: str, topic: str) -> str | None:
    """The year ``previous`` names, to swap for the year ``topic`` is (2017年 → 2016年)."""
    if not YEAR.fullmatch(topic):
        return None
    found = YEAR.search(previous)
    return found.group(0) if found else None


def _same_place(previous: str, topic: str) -> str | None:
    """A place in ``previous`` to swap for a place ``topic`` (安阳市 → 株洲)."""
    from vectorstore.speech.metadata import find_places

    if not find_places(topic):
        return None
    places = find_places(previous)
    return places[0] if places else None


def _same_kind_phrase(previous: str, topic: str) -> tuple[int, int] | None:
    """Where in ``previous`` the phrase like ``topic`` stands: the last word ending as the topic
    does (开工率 ~ 资金到位率: both end in 率); when the topic is that very word under its own
    modifiers (签约项目 for 项目), the old word's modifiers go too (意向项目)."""
    from vectorstore.text.tokens import segment

    words = segment(QUESTION_TAIL.sub("", previous))
    ends = [sum(map(len, words[:i + 1])) for i in range(len(words))]
    for size in (2, 1):
        tail = topic[-size:]
        if len(topic) <= size or not re.fullmatch(r"[\u4e00-\u9fff]+", tail):
            continue
        found = [i for i, w in enumerate(words) if w.endswith(tail) and len(w) > size and w != topic]
        if found:
            last = found[-1]
            first = _modifiers_start(words, last, topic)
            return ends[last] - sum(map(len, words[first:last + 1])), ends[last]
    return None


def _modifiers_start(words: list[str], head: int, topic: str) -> int:
    """The first word of the old phrase: the head word alone, or with the words before it up to a
    boundary when the topic is the same head under other modifiers."""
    if not topic.endswith(words[head]) or topic == words[head]:
        return head
    first = head
    while first > 0 and head - first < MAX_PHRASE_WORDS and _inside_phrase(words[first - 1]):
        first -= 1
    return first


def _inside_phrase(word: str) -> bool:
    return word not in PHRASE_BOUNDARY and bool(re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", word))

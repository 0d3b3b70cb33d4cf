"""Sentences as the extractive answerer scores them, and the enumerations a best sentence opens
or belongs to: marked items (一、 （一） 1、 一是 第一是 首先…), dash-led paragraphs (「——…」),
「四个必须，…；…；…」 clauses, and the sentence after a short topic sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.retrieval.evidence import Evidence
from assistant.understanding.lexicon.asking import asks_list
from vectorstore.text.numerals import numeral_value
from vectorstore.text.sentences import Sentence, content_chars
from vectorstore.speech.outline import item_marker

_INLINE_ITEM = re.compile(r"^(?:(?P<di_shi>第[一二三四五六七八九十]+是)|(?P<qi>其[一二三四五六])|(?P<shouxian>首先|其次|再次))")
_INLINE_FIRST = re.compile(r"[，,：:]\s*(第一是|一是|首先|其一)")
_COUNT = re.compile(r"([零〇一二三四五六七八九十两百]+|\d+)(?:个|条|点|项|种|句)")
LIST_REACH = 2500  # list items are looked for this many characters after the intro
SHORT_SENTENCE = 16
_LIST_INTRO = re.compile(r"[：:]$|(?:以下|如下|下面)|[一二三四五六七八九十两几\d]+(?:个|条|点|方面|项|种|句)")
MAX_LIST_ITEMS = 10
MAX_ITEM_BODY = 4  # sentences of an item's body quoted after its heading


@dataclass(frozen=True)
class ScoredSentence:
    evidence: Evidence
    sentence: Sentence
    score: float  # coverage plus bonuses, for ranking
    coverage: float  # share of the question's idf-weighted words the sentence holds


def following(anchor: ScoredSentence, evidences: list[Evidence]) -> list[ScoredSentence]:
    """Sentences after ``anchor`` in the same speech, across adjacent passages, in text order."""
    seen: dict[int, ScoredSentence] = {}
    for evidence in evidences:
        if evidence.passage.speech_id != anchor.evidence.passage.speech_id:
            continue
        for sentence in evidence.sentences():
            if sentence.start >= anchor.sentence.end and sentence.start not in seen:
                seen[sentence.start] = ScoredSentence(evidence, sentence, anchor.score, anchor.coverage)
    return [seen[start] for start in sorted(seen) if start - anchor.sentence.end <= LIST_REACH]


def continuation(best: ScoredSentence, evidences: list[Evidence], question: str = "") -> list[ScoredSentence]:
    """What must follow the best sentence: the items of a list it opens or belongs to, or the
    sentence after a short topic sentence (「要鼓励全民招商。」 is followed by how)."""
    after = following(best, evidences)
    body = item_body(best, after) if not asks_list(question) else []
    if body:
        return body
    items = list_items(best, after, asks_list=asks_list(question))
    if items:
        return items
    if len(content_chars(best.sentence.text)) < SHORT_SENTENCE and after:
        return after[:1]
    return []


def item_body(heading: ScoredSentence, after: list[ScoredSentence]) -> list[ScoredSentence]:
    """What an item heading says under it (「2、抓土地申报。」 then how): the sentences after it up to
    the next item of its kind, when its own paragraph goes on. A question that does not ask for a
    list is answered by the item's body, not by the items after it."""
    kind = item_kind(heading.sentence.text)
    if kind is None or not after or paragraph_of(after[0]) != paragraph_of(heading):
        return []
    body = []
    for item in after:
        if item_kind(item.sentence.text) == kind or (item_kind(item.sentence.text) and _starts_line(item)):
            break
        body.append(item)
    return body[:MAX_ITEM_BODY]


def with_clause_runs(chosen: list[ScoredSentence], evidences: list[Evidence], question: str) -> list[ScoredSentence]:
    """For a question asking what a list holds, each chosen clause that ends in ； followed by the rest of its sentence."""
    if not asks_list(question):
        return chosen
    taken = {item.sentence.start for item in chosen}
    result = []
    for item in chosen:
        result.append(item)
        for clause in clause_run(item, following(item, evidences)):
            if clause.sentence.start not in taken:
                taken.add(clause.sentence.start)
                result.append(clause)
    return result


def clause_run(best: ScoredSentence, after: list[ScoredSentence]) -> list[ScoredSentence]:
    """A list said in one sentence of ；-clauses (「还存在A，…；B，…；C，…等问题。」): the best clause
    ends in ；, so the clauses after it belong to it, up to the one that ends the sentence."""
    run, previous = [], best
    for item in after:
        if not previous.sentence.text.rstrip().endswith(("；", ";")) or paragraph_of(item) != paragraph_of(best):
            break
        run.append(item)
        previous = item
    return run[:MAX_LIST_ITEMS]


def list_items(intro: ScoredSentence, after: list[ScoredSentence], asks_list: bool = False) -> list[ScoredSentence]:
    """When a sentence opens (or is the first item of) an enumeration, the first sentence of each item;
    for a question asking what a list holds, a sentence whose next paragraph starts one opens it."""
    first_kind = first_item_kind(intro.sentence.text)
    if first_kind and after and _opens_other_list(intro.sentence.text, first_kind, after[0].sentence.text):
        first_kind = None  # 「第三十二条…禁止下列行为：」 opens 「（一）…」, not the next article
    if item_kind(intro.sentence.text) == "第条" and not intro.sentence.text.rstrip().endswith(("：", ":")):
        return []  # an article opens no list of the articles after it: each says something else
    count = _stated_count(intro.sentence.text)
    opens_items = asks_list and bool(after) and paragraph_of(after[0]) != paragraph_of(intro) and item_kind(after[0].sentence.text)
    if not (first_kind or count or opens_items or _LIST_INTRO.search(intro.sentence.text)):
        return []
    clauses = [s for s in after if paragraph_of(s) == paragraph_of(intro)]
    if count and not first_kind and len(clauses) >= count - 1:  # 「四个必须，…；…；…」
        return clauses[: count - 1]
    starts = [i for i, s in enumerate(after[:3]) if item_kind(s.sentence.text)]
    if not starts and not first_kind:
        return []
    kind = first_kind or item_kind(after[starts[0]].sentence.text)
    items = [s for s in (_dash_run(after) if kind == "dash" else after) if item_kind(s.sentence.text)]
    same = []
    for item in items:
        if item_kind(item.sentence.text) != kind:
            break
        same.append(item)
    return same[:MAX_LIST_ITEMS] if len(same) >= (1 if first_kind else 2) else []


def _opens_other_list(intro: str, kind: str, following_text: str) -> bool:
    """A heading that ends in a colon and is followed by items of another kind introduces them."""
    next_kind = item_kind(following_text)
    return intro.rstrip().endswith(("：", ":")) and next_kind is not None and next_kind != kind


def _dash_run(after: list[ScoredSentence]) -> list[ScoredSentence]:
    """The sentences up to the first paragraph that does not start with a dash (dash items are
    paragraphs in a row; the next dash list further on is another list)."""
    run = []
    for item in after:
        if _starts_line(item) and item_kind(item.sentence.text) != "dash":
            break
        run.append(item)
    return run


def item_kind(text: str) -> str | None:
    """The enumeration marker a sentence starts with (一、 1、 一是 第一是 首先…, a leading dash)."""
    kind = item_marker(text)
    if kind:
        return kind
    match = _INLINE_ITEM.match(text.lstrip())
    return match.lastgroup if match else None


def first_item_kind(text: str) -> str | None:
    """The kind of list a sentence starts: it opens with 一、/1、/一是…, or says 「…，第一是…」."""
    kind = item_kind(text)
    if kind:
        return kind
    match = _INLINE_FIRST.search(text)
    return item_kind(match.group(1)) if match else None


def _stated_count(text: str) -> int:
    match = _COUNT.search(text)
    if not match:
        return 0
    return numeral_value(match.group(1)) or 0


def _starts_line(item: ScoredSentence) -> bool:
    """The sentence starts a paragraph (one at the start of a passage may be mid-paragraph)."""
    offset = item.sentence.start - item.evidence.passage.start
    return offset > 0 and item.evidence.passage.text[:offset].rstrip(" \t\u3000").endswith("\n")


def paragraph_of(item: ScoredSentence) -> int | None:
    """Offset of the line a sentence is on (sentences of one paragraph share it)."""
    text, offset = item.evidence.passage.text, item.sentence.start - item.evidence.passage.start
    return item.evidence.passage.start + text.rfind("\n", 0, offset) + 1

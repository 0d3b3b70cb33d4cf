"""The occasion of a speech: its opening, before the first heading (「今天召开…会议…刚才，…下面，
我讲三点意见」), where a speech says which meeting it is, who convened it, what came before and
who speaks after. Questions about the meeting (「会上由谁传达了…」「开会前刚闭幕的是什么会」)
and questions that point at the opening (「开场时说…」) are answered from its sentences.

Two rankings of the opening's sentences, by the question's words and by meaning; the top of
each answers (an opening holds a handful of sentences, so its best ones are the answer or none is).
"""

from __future__ import annotations

import re

import numpy as np

from assistant.answering.speech_view import SpeechView
from assistant.understanding.lexicon.asking import asks_when
from assistant.retrieval.evidence import Evidence
from assistant.answering.picker.extractive import SIMILARITY_CHARS
from vectorstore.text.sentences import Sentence, content_chars

DATED = re.compile(r"(?:19|20)\d{2}年|[元正一二三四五六七八九十\d]{1,2}月|[一二三四]季度|春节|年初|年底|伊始")
YEAR = re.compile(r"(?:19|20)\d{2}年")
WHEN_REACH = 3000  # an undated opening: a year named this soon after it dates the speech
OPENING_MAX = 1500  # characters of a speech without headings read as its opening
OPENING_MIN = 120  # an opening shorter than this (a heading right after the title) is none
MIN_SENTENCE = 8


def opening_span(view: SpeechView) -> tuple[int, int] | None:
    """``[start, end)`` of the speech's opening: up to its first heading, at most OPENING_MAX."""
    if not view.chunks:
        return None
    start = view.chunks[0].start
    first = view.outline.nodes[0].heading_start if view.outline else start + OPENING_MAX
    end = min(first, start + OPENING_MAX)
    return (start, end) if end - start >= OPENING_MIN else None


def opening_sentences(view: SpeechView) -> list[tuple[Evidence, Sentence]]:
    span = opening_span(view)
    if span is None:
        return []
    found = view.sentences_from(span[0], 40, end=span[1])
    title = view.record.meta.title or ""
    return [(e, s) for e, s in found if len(content_chars(s.text)) >= MIN_SENTENCE and s.text.strip() != title]


def from_opening(focus: str, view: SpeechView, picker) -> list[tuple[Evidence, Sentence]]:
    """The opening's sentences that best answer ``focus``: the best by words and the best by meaning."""
    found = opening_sentences(view)
    if not found:
        return []
    starts = {sentence.start for _, sentence in found}
    evidences = list(dict.fromkeys(evidence for evidence, _ in found))
    by_words = [s for s in picker.score_sentences(focus, evidences) if s.sentence.start in starts]
    dated = first_dated(view, found) if asks_when(focus) else None
    chosen = [dated] if dated else []  # 「哪一年的事」: the first words about a time answer
    if not chosen and by_words and by_words[0].coverage > 0:
        chosen = [(by_words[0].evidence, by_words[0].sentence)]
    closest = nearest_in_meaning(focus, found, picker)
    if closest is not None and all(closest[1].start != s.start for _, s in chosen):
        chosen.append(closest)
    return sorted(chosen, key=lambda pair: pair[1].start)


def first_dated(view: SpeechView, opening: list[tuple[Evidence, Sentence]]):
    """The opening's first sentence that dates the meeting, else the first naming a year soon after."""
    dated = next(((e, s) for e, s in opening if DATED.search(s.text)), None)
    if dated or not opening:
        return dated
    after = view.sentences_from(opening[-1][1].end, 60, end=opening[-1][1].end + WHEN_REACH)
    return next(((e, s) for e, s in after if YEAR.search(s.text)), None)


def nearest_in_meaning(focus: str, found: list[tuple[Evidence, Sentence]], picker):
    if picker.embeddings is None:
        return None
    query = np.asarray(picker.embeddings.embed_query(focus), dtype=np.float32)
    vectors = picker.sentence_vectors([s.text[:SIMILARITY_CHARS] for _, s in found])
    return found[int((vectors @ query).argmax())]

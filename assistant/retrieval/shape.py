"""Text-shape measures: telling prose from keyword stuffing without looking at what the words are.

A sentence whose bigrams mostly recur, a run of short items with no grammar, a
short question, or a sentence that recurs in the same text is filler.
``stuffing`` is the share of a passage made of such sentences, and
``SentenceQuality`` says how much of its match with a question a sentence
keeps: a sentence that holds the question's words but only restates the
question, lists keywords or repeats itself is not an answer.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from assistant.understanding.lexicon.asking import interrogatives
from vectorstore.text.sentences import KEPT_TEXTS, Sentence, bigrams, content_chars, split_sentences

_QUESTION_END = re.compile(r"[？?][”’」』）)\s]*$")
_ITEM_SEPARATORS = re.compile(r"[、，,；;：:\s/|·]+")
# Characters of grammar, not of names: a keyword-list item has none (a clause of prose usually has one).
FUNCTION_CHARS = frozenset("的了是在和与及或就也都要把被对这那我们你他它以为而之其所则等着过从向将并已让使得地")
MIN_SHAPE_CHARS = 8  # shorter sentences are too short to judge by shape
REPEATED_SHARE = 0.5  # bigrams recurring this much is repetition (prose: 99th percentile 0.47)
LIST_ITEM_CHARS = 6  # a keyword-list item is at most this long…
LIST_MIN_ITEMS = 6  # …there are at least this many…
LIST_SHARE = 0.65  # …and they make up this share of the sentence
SHORT_QUESTION_CHARS = 30  # a question this short is filler; longer ones are a speaker's rhetoric
MIN_DUPLICATE_CHARS = 4  # a repeated sentence this long is a duplicate, not a short formula
STUFFED_SHARE = 0.35  # a passage with more filler than this is stuffed (seed speeches: at most 0.35)
# What a sentence keeps of its match with the question when it only looks like an answer:
ECHO_FACTOR = 0.2  # it restates the question (asks it again, in its words)
FILLER_FACTOR = 0.3  # it is a repetitive run or a keyword list, not a statement
DUPLICATE_FACTOR = 0.5  # it occurs more than once among the passages
STUFFING_FLOOR = 0.2  # a stuffed passage's sentences keep (1 - stuffing), at least this
MIN_NOVELTY = 0.3  # a question in a speech with less than this share of bigrams new to the user's asks it again
ECHO_CONTEXT = 3  # characters beside a question word that make up the question's wording
RECUR_OK = 2  # sentences of one speech that may match the question about as well as its best one…
RECUR_SHARE = 0.9  # …"about as well": this share of the best match…
RECUR_MIN = 0.25  # …and at least this match; more are stuffing when they are also…
RECUR_DENSITY = 0.25  # …more than this share of the speech's sentences among the passages


def is_question(text: str) -> bool:
    """The sentence asks (ends with a question mark)."""
    return bool(_QUESTION_END.search(text))


@lru_cache(maxsize=KEPT_TEXTS)
def repetition(text: str) -> float:
    """Share of the text's bigram positions whose bigram occurs more than once in it (0..1)."""
    chars = content_chars(text)
    if len(chars) < MIN_SHAPE_CHARS:
        return 0.0
    grams = [chars[i:i + 2] for i in range(len(chars) - 1)]
    counts = Counter(grams)
    return sum(1 for gram in grams if counts[gram] > 1) / len(grams)


@lru_cache(maxsize=KEPT_TEXTS)
def is_keyword_list(text: str) -> bool:
    """Many short items without grammar (「五皮精神、四千精神、招商引资、…」), little prose around them."""
    items = [content_chars(item) for item in _ITEM_SEPARATORS.split(text)]
    short = [item for item in items if 0 < len(item) <= LIST_ITEM_CHARS and not FUNCTION_CHARS & set(item)]
    total = sum(len(item) for item in items)
    return len(short) >= LIST_MIN_ITEMS and sum(len(item) for item in short) >= LIST_SHARE * total


def is_repetitive(text: str) -> bool:
    return repetition(text) >= REPEATED_SHARE


def duplicated(sentences: list[Sentence]) -> set[str]:
    """Normalised texts of the sentences that occur more than once among ``sentences``."""
    counts = Counter(content_chars(s.text) for s in sentences)
    return {text for text, n in counts.items() if n > 1 and len(text) >= MIN_DUPLICATE_CHARS}


def stuffing(text: str) -> float:
    """Share of ``text``'s content in short questions, repetitive sentences, keyword lists and duplicates."""
    sentences = split_sentences(text)
    repeated = duplicated(sentences)
    sizes = [(len(content_chars(s.text)), _is_filler(s.text, repeated)) for s in sentences]
    total = sum(size for size, _ in sizes)
    return sum(size for size, filler in sizes if filler) / total if total else 0.0


@lru_cache(maxsize=4096)
def is_stuffed(text: str) -> bool:
    return stuffing(text) > STUFFED_SHARE


def _is_filler(text: str, repeated: set[str]) -> bool:
    short_question = is_question(text) and len(content_chars(text)) <= SHORT_QUESTION_CHARS
    return (short_question or is_repetitive(text) or is_keyword_list(text)
            or content_chars(text) in repeated)


class SentenceQuality:
    """How much of its match with a question a sentence keeps (0..1); 1 for a plain statement."""

    def __init__(self, question: str, sentences: list[Sentence], matches: list[tuple[str, float]]):
        """``sentences``: every sentence of the passages once; ``matches``: (speech id, share of
        the question a sentence holds) for each candidate sentence."""
        self.question_grams = bigrams(question)
        self.phrases = question_phrases(content_chars(question))
        self.duplicates = duplicated(sentences)
        self.speech_factors = recurrence(matches)

    def __call__(self, speech_id: str, passage: str, text: str) -> float:
        factor = passage_factor(passage) * self.speech_factors.get(speech_id, 1.0)
        if self.echoes(text):
            factor *= ECHO_FACTOR
        if is_repetitive(text) or is_keyword_list(text):
            factor *= FILLER_FACTOR
        if content_chars(text) in self.duplicates:
            factor *= DUPLICATE_FACTOR
        return factor

    def echoes(self, text: str) -> bool:
        """The sentence restates the question: it holds the question's own wording around a
        question word (「什么是五皮精神」), or asks with hardly a bigram the question lacks."""
        chars = content_chars(text)
        if any(phrase in chars for phrase in self.phrases):
            return True
        grams = bigrams(text)
        return is_question(text) and len(grams - self.question_grams) < MIN_NOVELTY * len(grams)


def question_phrases(question: str) -> list[str]:
    """The question's wording around each question word: ECHO_CONTEXT content characters before
    or after it, with it (「什么是五皮」, 「分别是多少」)."""
    phrases = []
    for match in interrogatives(question):
        before = question[max(0, match.start() - ECHO_CONTEXT):match.end()]
        after = question[match.start():match.end() + ECHO_CONTEXT]
        phrases += [p for p in (before, after) if len(p) > len(match.group())]
    return phrases


def recurrence(matches: list[tuple[str, float]]) -> dict[str, float]:
    """Per speech, the share of its match a sentence keeps when the question's words recur in
    sentence after sentence of it: a few such sentences, or a small share of its sentences,
    are emphasis; more are stuffing."""
    by_speech: dict[str, list[float]] = {}
    for speech_id, match in matches:
        by_speech.setdefault(speech_id, []).append(match)
    factors = {}
    for speech_id, shares in by_speech.items():
        best = max(shares)
        strong = sum(1 for share in shares if share >= RECUR_MIN and share >= RECUR_SHARE * best)
        stuffed = strong > RECUR_OK and strong > RECUR_DENSITY * len(shares)
        factors[speech_id] = RECUR_OK / strong if stuffed else 1.0
    return factors


@lru_cache(maxsize=4096)
def passage_factor(text: str) -> float:
    """1 for a passage of prose; less for one stuffed with questions, keyword runs and repeats."""
    share = stuffing(text)
    return 1.0 if share <= STUFFED_SHARE else max(STUFFING_FLOOR, 1.0 - share)

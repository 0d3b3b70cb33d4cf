"""A question as people type it → the one text the analysis, retrieval and the answerers read.

Done once, at the door of the core: 繁體 becomes 简体 (OpenCC ``t2s``, word by word, so 「發展」
「臺灣」 come out right); full-width letters and digits become half-width (punctuation stays, the
rules read both widths), and years written digit by digit (「二〇二四年」) Arabic; the noise of typed questions goes (【…】 tags, runs of ？？ or !!, spaces
inside Chinese, openers such as 「请问」「您好，」); and a misspelt name is read as the speaker or
place of the indexed speeches it sounds like (安杨 → 安阳, 张晓冬 → 张笑东: the same pinyin, a
shared character, and not itself a name the speeches hold).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

from assistant.understanding.lexicon.courtesy import OPENERS
from vectorstore.text.numerals import arabic_years
from vectorstore.text.tokens import is_word, segment

_TAG = re.compile(r"【[^【】]{0,12}】")
_REPEATED_MARK = re.compile(r"([?？!！。.])[?？!！。.]+")
_CJK = r"[\u3400-\u9fff]"
_INNER_SPACE = re.compile(rf"(?<={_CJK})[ \t\u3000]+(?={_CJK})")
_SPACES = re.compile(r"[ \t\u3000]+")
_EDGE = re.compile(r"^[\s,，。.;；:：!！?？—\-~～…]+|[\s,，;；:：—\-~～…]+$")
_OPENER = re.compile("^(?:" + "|".join(map(re.escape, OPENERS)) + r")[\s,，。.!！:：~～]*")
_FULL_WIDTH_ALNUM = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
MIN_REST = 4  # an opener is stripped only when a question of this many characters remains

_converter_lock = threading.Lock()
_converter = None


def to_simplified(text: str) -> str:
    """繁體 → 简体 with OpenCC's phrase tables (a text already simplified comes back unchanged)."""
    global _converter
    with _converter_lock:
        if _converter is None:
            import opencc

            _converter = opencc.OpenCC("t2s")
        return _converter.convert(text)


def tidy(text: str) -> str:
    """Width, noise and openers: what a person typed around the question."""
    text = arabic_years(text.translate(_FULL_WIDTH_ALNUM).strip())
    text = _TAG.sub(" ", text)
    text = _REPEATED_MARK.sub(r"\1", text)
    text = _INNER_SPACE.sub("", text)
    text = _SPACES.sub(" ", _EDGE.sub("", text))
    while True:
        rest = _OPENER.sub("", text, count=1)
        if rest == text or len(rest) < MIN_REST:
            return text
        text = rest


def read_question(text: str, names: Iterable[str] = ()) -> str:
    """The question as the assistant reads it: simplified, tidied, names as the speeches spell them."""
    text = tidy(to_simplified(text))
    return respelt(text, NameSounds.of(tuple(sorted(set(names)))))


class NameSounds:
    """The names of the indexed speeches (speakers, places) by their toneless pinyin."""

    def __init__(self, names: tuple[str, ...]):
        self.names = frozenset(names)
        self.by_sound: dict[tuple[str, ...], list[str]] = {}
        for name in names:
            if 2 <= len(name) <= 6 and all("\u3400" <= ch <= "\u9fff" for ch in name):
                self.by_sound.setdefault(sound_of(name), []).append(name)
        self.lengths = sorted({len(name) for sounds in self.by_sound.values() for name in sounds}, reverse=True)

    @classmethod
    @lru_cache(maxsize=8)
    def of(cls, names: tuple[str, ...]) -> NameSounds:
        return cls(names)

    def spelling(self, piece: str) -> str | None:
        """The one name that sounds like ``piece`` and shares a character with it (None when none or several)."""
        if piece in self.names:
            return None
        matches = [name for name in self.by_sound.get(sound_of(piece), ()) if set(name) & set(piece)]
        return matches[0] if len(matches) == 1 else None


@lru_cache(maxsize=50_000)
def sound_of(text: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(text))


def respelt(text: str, sounds: NameSounds) -> str:
    """``text`` with each run of whole words that sounds like a name, and is neither a name nor a word,
    spelt as that name (a run across a word boundary, 「政府建立」's 「府建」, is never a name)."""
    if not sounds.by_sound:
        return text
    taken = [False] * len(text)  # characters of names spelt right (or already respelt)
    for name in sounds.names:
        for match in re.finditer(re.escape(name), text):
            taken[match.start():match.end()] = [True] * len(name)
    bounds = word_bounds(text)
    for length in sounds.lengths:
        for start in sorted(bounds):
            piece = text[start:start + length]
            if len(piece) < length or start + length not in bounds or any(taken[start:start + length]):
                continue
            name = None if is_word(piece) else sounds.spelling(piece)
            if name is not None:
                text = text[:start] + name + text[start + length:]
                taken[start:start + length] = [True] * length
    return text


def word_bounds(text: str) -> set[int]:
    """Offsets where jieba starts or ends a word of ``text``."""
    bounds, offset = {0}, 0
    for word in segment(text):
        offset += len(word)
        bounds.add(offset)
    return bounds

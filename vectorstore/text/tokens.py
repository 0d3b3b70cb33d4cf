"""The one tokeniser of the keyword side: what the keyword indexes store and what queries search with.

Tokens are jieba search-mode words plus the character bigrams of every CJK
run, after NFKC normalisation and lower-casing, without punctuation and a
short list of function words.  Bigrams make quoted slogans (四千精神,
五皮精神) and words jieba does not know match however jieba cuts them.
Both stores (the Chroma store's BM25 file and Milvus's BM25 over our tokens)
and the answer path read words through this module.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
import threading
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

# Change whenever tokenize() changes: stored tokens must match query tokens.
TOKENIZER_ID = "jieba0.42-search+cjk2gram+stop-v1"

# Function words and question words only; content words (招商, 项目...) stay.
STOP_WORDS = frozenset(
    "的 地 得 了 着 过 和 与 及 或 是 在 要 有 我 我们 你 你们 他 他们 它 这 那 "
    "这个 那个 这些 那些 也 都 就 还 又 而 并 把 被 对 从 向 以 为 之 其 所 则 等 "
    "吗 呢 吧 啊 呀 么 什么 哪 哪些 哪里 怎么 怎样 如何 多少 是否 一个".split()
)

_WORD_RE = re.compile(r"\w+(?:\.\w+)*")  # 44.2% -> 44.2, a_b stays one word
_CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
# Question words cut out of a query before it is tokenised (the stop words drop them as words,
# but the bigrams around them would stay).
_QUESTION_FORM_RE = re.compile(r"为什么|什么|哪些|哪里|哪个|哪|怎么|怎样|如何|多少|是否|吗|呢")

# What jieba's HMM step does with a run that is not Chinese: numbers (with a decimal part and a
# percent sign) and letters stay whole, anything between them is its own piece.
_NON_CHINESE_PIECES_RE = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_CHINESE_RE = re.compile(r"[\u4e00-\u9fd5]")

_segmenter_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None


def normalize(text: str) -> str:
    """NFKC-normalise and lower-case ``text`` (full-width ``，％１`` become ``,%1``)."""
    return unicodedata.normalize("NFKC", text).lower()


def _jieba() -> jieba.Tokenizer:
    """Return this module's own jieba tokenizer, built quietly on first use.

    A private instance, so that words other modules add to ``jieba.dt`` cannot
    change how stored chunks and queries are cut.
    """
    global _segmenter
    with _segmenter_lock:
        if _segmenter is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            segmenter = jieba.Tokenizer()
            segmenter.tmp_dir = tempfile.gettempdir()  # where its dictionary cache goes
            segmenter.cache_file = _jieba_cache_name()
            segmenter.initialize()
            _segmenter = segmenter
        return _segmenter


def _jieba_cache_name() -> str:
    """One cache file per user: another user's file in a sticky /tmp cannot be replaced."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return f"jieba.policyqa-{uid}.cache"


def segment(text: str) -> list[str]:
    """Plain jieba words of ``text`` (no normalisation), e.g. for rewriting questions."""
    return _jieba().lcut(text)


def tagged(text: str) -> list[tuple[str, str]]:
    """Jieba words of ``text`` with their part-of-speech flags (「城镇」 ns, 「登记」 v, 「失业率」 n)."""
    return [(pair.word, pair.flag) for pair in _tagger().lcut(text)]


@functools.lru_cache(maxsize=1)
def _tagger():
    """One part-of-speech tagger over this module's tokenizer (building one reads the whole dictionary)."""
    from jieba.posseg import POSTokenizer

    return POSTokenizer(_jieba())


def is_word(text: str) -> bool:
    """``text`` is a word of jieba's dictionary (「安养」 is; the misspelt name 「安杨」 is not)."""
    return _jieba().FREQ.get(text, 0) > 0


def _accurate_words(text: str, frequencies: dict[str, int]):
    """Jieba's accurate-mode words of ``text`` (HMM on), cut by rjieba (the Rust port: the same
    dictionary and model, 20x faster). rjieba keeps an unknown run like 「2011-2020」 whole where
    jieba splits it into 2011 / - / 2020; that run is split here as jieba does."""
    import rjieba

    for word in rjieba.cut(text, True):
        if len(word) > 1 and not frequencies.get(word) and not _CHINESE_RE.search(word):
            yield from (piece for piece in _NON_CHINESE_PIECES_RE.split(word) if piece)
        else:
            yield word


def search_mode_words(text: str):
    """Jieba's search-mode words of ``text``: each accurate-mode word, preceded by the dictionary
    words among its 2- and 3-character windows (jieba's ``cut_for_search``, word for word)."""
    frequencies = _jieba().FREQ
    for word in _accurate_words(text, frequencies):
        if len(word) > 2:
            yield from (gram for gram in _windows(word, 2) if frequencies.get(gram))
            if len(word) > 3:
                yield from (gram for gram in _windows(word, 3) if frequencies.get(gram))
        yield word


def _windows(word: str, size: int):
    return (word[i:i + size] for i in range(len(word) - size + 1))


def _words(text: str, stop_words: bool) -> list[str]:
    """Jieba search-mode words of normalised ``text``, punctuation removed."""
    words: list[str] = []
    for token in search_mode_words(text):
        # A token of letters and digits only is one word as it stands (\w is exactly those and "_").
        for word in ((token,) if token.isalnum() else _WORD_RE.findall(token)):
            if not (stop_words and word in STOP_WORDS):
                words.append(word)
    return words


def search_words(text: str) -> list[str]:
    """Jieba search-mode words of ``text`` (normalised, stop words and punctuation removed), no bigrams."""
    return _words(normalize(text), True)


def _cjk_bigrams(text: str) -> list[str]:
    """Every two-character window of every run of CJK characters."""
    return [run[i : i + 2] for run in _CJK_RUN_RE.findall(text) for i in range(len(run) - 1)]


def _tokens(text: str, *, bigrams: bool = True, stop_words: bool = True) -> list[str]:
    """Tokenise with the variant switches used for measurement."""
    text = normalize(text)
    tokens = _words(text, stop_words)
    if bigrams:
        tokens.extend(g for g in _cjk_bigrams(text) if not (stop_words and g in STOP_WORDS))
    return tokens


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` as the index stores them and searches with them.

    >>> tokenize("什么是“四千精神”？")
    ['四千', '精神', '么是', '四千', '千精', '精神']
    """
    return _tokens(text)


def query_terms(query: str) -> dict[str, None]:
    """Distinct tokens of a query, in order, without those that straddle a question word.

    「什么是五皮精神」 searches 五皮/精神/皮精/是五, not 「么是」: a chunk that merely
    asks 「什么是…？」 (keyword stuffing does) gains nothing from the question's form.
    """
    return dict.fromkeys(tokenize(_QUESTION_FORM_RE.sub(" ", normalize(query))))


def keyword_query(query: str) -> str:
    """A query as a text for a server-side analyzer (Milvus's jieba BM25): normalised, its
    question words cut out as :func:`query_terms` cuts them."""
    return _QUESTION_FORM_RE.sub(" ", normalize(query)).strip()

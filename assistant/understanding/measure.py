"""The measure a "how much" question asks about, and sentences that name a sibling measure.

「城镇登记失业率控制目标是多少」 asks about 城镇登记失业率; a sentence stating 「城镇调查失业率5.5%」
gives a figure of another measure: the same head (失业率) under another modifier (调查 for 登记),
and the asked modifier nowhere in the sentence. Such a sentence is a near miss, not an answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.understanding.lexicon.forms import WANTS_NUMBER
from vectorstore.text.tokens import tagged

__all__ = ["measure_pairs", "names_another_measure"]

# Where the words naming the measure begin: after the last of these before the asking word.
MEASURE_START = re.compile(r"[的，,、；;：:把将对在于]|提出|规定|要求")
HAN = re.compile(r"[\u4e00-\u9fff]")
NAME_FLAGS = ("ns", "nr", "nt")  # a place, person or organisation is the scope, not the measure
MIN_HEAD = 3  # a head this long names a measure (失业率, 预期目标), shorter ones are too common (目标)
MIN_MODIFIER = 2


def measure_words(question: str) -> list[tuple[str, str]]:
    """The tagged words naming the measure: from the last boundary before the asking word to it,
    without the verbs after its final noun (「…目标是」)."""
    asking = WANTS_NUMBER.search(question)
    if asking is None:
        return []
    before = question[:asking.start()]
    starts = [m.end() for m in MEASURE_START.finditer(before)]
    words = [(w, flag) for w, flag in tagged(before[starts[-1] if starts else 0:]) if HAN.match(w)]
    while words and not words[-1][1].startswith("n"):
        words.pop()
    return words


@lru_cache(maxsize=2048)
def measure_pairs(question: str) -> tuple[tuple[str, str], ...]:
    """(modifier, head) pairs of the asked measure: each noun or verb word that is not a name,
    with each run of the words after it that is long enough to name a measure."""
    words = measure_words(question)
    pairs = []
    for k in range(1, len(words)):
        modifier, flag = words[k - 1]
        if len(modifier) < MIN_MODIFIER or not flag.startswith(("n", "v")) or flag in NAME_FLAGS:
            continue
        for end in range(len(words), k, -1):
            head = "".join(w for w, _ in words[k:end])
            if len(head) >= MIN_HEAD:
                pairs.append((modifier, head))
    return tuple(pairs)


def names_another_measure(question: str, text: str) -> bool:
    """The sentence states a measure with the asked head under another modifier, and never
    the asked modifier: 「城镇调查失业率」 for 「城镇登记失业率」, 「经济增长预期目标」 for
    「进出口增长预期目标」."""
    for modifier, head in measure_pairs(question):
        if modifier in text:
            continue
        if any(m.start() > 0 and HAN.match(text[m.start() - 1]) for m in re.finditer(re.escape(head), text)):
            return True
    return False

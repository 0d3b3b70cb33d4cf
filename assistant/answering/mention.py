"""Yes or no: does the speech the question names mention X (「…有没有提到新能源汽车？」)?

"Yes" quotes the sentences of that speech that hold X, or all of X's words in one sentence (at most
MAX_QUOTES). "No" is said only after the whole speech was read, and it is a grounded answer: when
some of X's words stand in the speech (「汽车」 of 「新能源汽车」), it says so and cites one such
sentence; when none do, it cites the speech's first line, so the reader sees which speech was searched.
"""

from __future__ import annotations

from assistant.answering.answerer import Draft
from assistant.answering.composers import label
from assistant.answering.speech_view import SpeechView
from assistant.understanding import QuestionAnalysis
from assistant.understanding.intent import mention_topic
from vectorstore.text.sentences import normalise
from vectorstore.text.tokens import search_words

MAX_QUOTES = 3


def compose_mention(analysis: QuestionAnalysis, view: SpeechView) -> Draft | None:
    """有 with the sentences that mention the topic, 没有 after the whole speech was searched, or None."""
    topic = analysis.quoted[0] if analysis.quoted else mention_topic(analysis.focus)
    words = [word for word in search_words(topic) if len(word) >= 2] or [normalise(topic)]
    sentences = view.sentences_from(0, count=10**6)
    verbatim = [(e, s) for e, s in sentences if normalise(topic) in normalise(s.text)]
    together = verbatim or [(e, s) for e, s in sentences if all(w in normalise(s.text).lower() for w in words)]
    if together:
        return _yes(view, topic, together[:MAX_QUOTES])
    present = [w for w in words if any(w in normalise(s.text).lower() for _, s in sentences)]
    partly = [(e, s) for e, s in sentences if any(w in normalise(s.text).lower() for w in present)]
    return _no(view, topic, present, partly[:1] or sentences[:1])


def _yes(view: SpeechView, topic: str, found) -> Draft | None:
    citations: list = []
    lines = [f"有。{label(view)}提到了“{topic}”："]
    lines += [f"{sentence.text}[{n}]" for evidence, sentence in found
              if (n := view.cite(citations, evidence, sentence)) is not None]
    return Draft("\n".join(lines), tuple(citations)) if citations else None


def _no(view: SpeechView, topic: str, present: list[str], shown) -> Draft | None:
    citations: list = []
    marks = "".join(f"[{n}]" for evidence, sentence in shown if (n := view.cite(citations, evidence, sentence)))
    if present:
        found = "、".join(f"“{word}”" for word in present)
        text = f"没有。{label(view)}全文中没有提到“{topic}”，只有{found}等词，例如：{shown[0][1].text}{marks}"
    else:
        text = f"没有。{label(view)}全文中没有提到“{topic}”（查找了整篇讲话{marks}）。"
    return Draft(text, tuple(citations)) if citations else None

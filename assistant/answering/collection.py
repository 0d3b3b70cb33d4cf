"""Which documents the collection holds (「收录了哪些省的优化营商环境条例？」「资料库里有几份政府工作报告？」).

Read from the indexed documents' own metadata, never from a list: a document is meant when its title
(or meeting) holds every word of the question's topic. The answer says how many, by region when the
question asks by place, and lists each document citing its first line, so each can be opened.
"""

from __future__ import annotations

from assistant.answering.answerer import Draft
from assistant.answering.speech_view import SpeechView
from assistant.understanding import QuestionAnalysis
from assistant.understanding.intent import asks_by_region, collection_topic
from vectorstore.text.sentences import normalise
from vectorstore.text.tokens import search_words

MAX_LISTED = 20
GENERIC = frozenset({"文件", "资料"})  # 「哪些文件」 names no kind of document


def compose_collection(analysis: QuestionAnalysis, index) -> Draft | None:
    """How many documents of the topic, by region when asked, each listed with a citation; None when none."""
    topic = collection_topic(analysis.text)
    words = [word for word in search_words(topic) if word not in GENERIC]
    records = sorted(index.speeches().values(), key=lambda r: (r.meta.date or "", r.id))
    found = [record for record in records if all(word in _name(record) for word in words)]
    if not found:
        return None
    citations: list = []
    lines = [f"资料库中收录了{len(found)}份“{topic}”：" + _by_region(found, analysis.text)]
    for record in found[:MAX_LISTED]:
        line = _listed(index, record, citations)
        if line:
            lines.append(line)
    if len(found) > MAX_LISTED:
        lines.append(f"（另有{len(found) - MAX_LISTED}份未列出。）")
    return Draft("\n".join(lines), tuple(citations)) if citations else None


def _name(record) -> str:
    """What a document is called; one given at a meeting is a 讲话 whether or not its title says so."""
    meta = record.meta
    return normalise(" ".join(filter(None, (meta.title, meta.meeting, meta.source, "讲话" if meta.meeting else None)))).lower()


def _by_region(found, question: str) -> str:
    if not asks_by_region(question):
        return ""
    regions = list(dict.fromkeys((record.meta.region or "未注明").split("/")[0] for record in found))
    return "来自" + "、".join(regions) + "。"


def _listed(index, record, citations: list) -> str | None:
    view = SpeechView.load(index, record.id)
    first = view.sentences_from(0, 1) if view else []
    number = view.cite(citations, *first[0]) if first else None
    if number is None:
        return None
    meta = record.meta
    about = "，".join(filter(None, (meta.region, meta.date)))
    name = f"《{meta.title}》" if meta.title else (f"在{meta.meeting}上的讲话" if meta.meeting else meta.source)
    return f"{len(citations)}. {name}" + (f"（{about}）" if about else "") + f"[{number}]"

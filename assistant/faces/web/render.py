"""An Answer as the chat shows it: the text, the rewritten query, and citation cards
whose quoted sentence is highlighted inside its passage."""

from __future__ import annotations

from html import escape

from assistant.types import Answer, Citation, RelatedPassage, reading_link

BACKEND_NAMES = {
    "extractive": "抽取式（不调用大模型，直接摘录原句）",
    "local": "本地模型 Qwen2.5-Coder-1.5B（llama.cpp，CPU）",
    "openai": "OpenAI 兼容接口",
}

CSS = """
.citation-card {border: 1px solid #d0d7de; border-left: 4px solid #c0392b; border-radius: 6px;
  padding: 8px 10px; margin: 8px 0; background: #fffdf8; font-size: 0.92em; line-height: 1.6;}
.citation-head {font-weight: 600; margin-bottom: 4px;}
.citation-passage mark {background: #ffe58f; padding: 0 1px;}
.citation-source {color: #6a737d; font-size: 0.85em; margin-top: 4px;}
.rewritten-query {color: #6a737d; font-size: 0.9em; margin-bottom: 6px;}
.related-title {font-weight: 600; margin-top: 8px;}
"""


def backend_label(backend: str, model: str | None = None) -> str:
    name = BACKEND_NAMES.get(backend, backend)
    return f"{name}：{model}" if backend == "openai" and model else name


def answer_html(answer: Answer) -> str:
    """The whole assistant message: rewritten query, answer text, then cards."""
    parts = []
    if answer.rewritten or answer.scope_names:
        scope = f"（范围：{'；'.join(answer.scope_names)}）" if answer.scope_names else ""
        parts.append(f'<div class="rewritten-query">理解为：{escape(answer.query + scope)}</div>')
    parts.append(text_html(answer.text))
    parts += [citation_card(c, quotes_of(answer, c.speech_id)) for c in answer.citations]
    if not answer.grounded and answer.related:
        parts.append('<div class="related-title">相关段落（供参考，未用于回答）</div>')
        parts += [related_card(r) for r in answer.related]
    return "\n\n".join(parts)


def quotes_of(answer: Answer, speech_id: str) -> tuple[tuple[int, int], ...]:
    """The spans an answer quotes from one speech (the reading view steps through them)."""
    return tuple((c.quote_start, c.quote_end) for c in answer.citations if c.speech_id == speech_id)


def question_html(question: str) -> str:
    """The user's question as the chat shows it: text, never markup."""
    return escape(question).replace("\n", "<br>")


def text_html(text: str) -> str:
    return "<div class=\"answer-text\">" + escape(text).replace("\n", "<br>") + "</div>"


def citation_card(citation: Citation, also: tuple[tuple[int, int], ...] = ()) -> str:
    head = " · ".join(escape(part) for part in (
        citation.label, _speaker(citation), citation.date, citation.section) if part)
    link = reading_link(citation.speech_id, (citation.quote_start, citation.quote_end), also)
    return (f'<div class="citation-card"><div class="citation-head">[{citation.n}] {head}</div>'
            f'<div class="citation-passage">{highlighted(citation)}</div>'
            f'<div class="citation-source">{escape(citation.source)}{_page(citation)} · 第 {citation.quote_start}–'
            f'{citation.quote_end} 字 · <a class="read-original" href="{escape(link)}" target="_blank">查看原文</a></div></div>')


def _page(citation: Citation) -> str:
    """「 · 第 3 页」 for a quote from a PDF or scan."""
    return f" · {escape(citation.page_label)}" if citation.pages else ""


def related_card(passage: RelatedPassage) -> str:
    head = " · ".join(escape(part) for part in (passage.title or passage.source, passage.section) if part)
    return (f'<div class="citation-card related"><div class="citation-head">{head}</div>'
            f'<div class="citation-passage">{escape(passage.text)}</div>'
            f'<div class="citation-source">{escape(passage.source)}</div></div>')


def highlighted(citation: Citation) -> str:
    """The passage with its quoted sentence marked (offsets are into the cleaned speech)."""
    start = citation.quote_start - citation.start
    end = citation.quote_end - citation.start
    text = citation.text
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"


def _speaker(citation: Citation) -> str | None:
    if citation.speaker and citation.speaker_role:
        return f"{citation.speaker_role}{citation.speaker}"
    return citation.speaker

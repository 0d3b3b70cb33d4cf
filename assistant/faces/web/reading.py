"""The reading view: one speech as a page, opened from a citation card (「查看原文」) or the 资料库.

``GET /read?speech=ID&at=START-END&also=S-E,S-E`` shows the header (title, speaker, role, date,
meeting, source), the outline as a table of contents, and the whole cleaned text in paragraphs with
the span ``at`` marked and scrolled into view (``#quote``), page marks for a PDF or scan, and links
to the answer's other quotes (``also``). The page is built from the index (no file is read); the
same guards as every route apply; the id is only looked up, never joined into a path.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from assistant.access import seen_by
from assistant.faces.web.http_api import principal_of
from assistant.types import READING_PATH, SpeechText, parse_span, reading_link, walk_outline

__all__ = ["reading_html", "reading_router"]

STYLE = """body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;display:flex;line-height:1.8}
nav{width:18rem;max-height:100vh;overflow:auto;position:sticky;top:0;padding:1rem;border-right:1px solid #ddd;font-size:.9rem}
main{max-width:46rem;padding:1rem 2rem}nav a{display:block;color:#234;text-decoration:none}
mark{background:#ffe066;scroll-margin:40vh}.page{color:#888;font-size:.8rem}.meta{color:#555}
.quotes a{margin-right:.6rem}"""


def reading_router(assistant) -> APIRouter:
    router = APIRouter()

    @router.get(READING_PATH, response_class=HTMLResponse, summary="A speech to read, with a quote marked")
    def read(request: Request, speech: str = Query(..., max_length=300), at: str | None = Query(None, max_length=40),
             also: str | None = Query(None, max_length=2000)) -> HTMLResponse:
        span = parse_span(at) if at else None
        others = tuple(parse_span(item) for item in also.split(",")[:50]) if also else ()
        view = seen_by(assistant, principal_of(request)).speech_text(speech, span)
        return HTMLResponse(reading_html(view, others))

    return router


def reading_html(view: SpeechText, also: tuple[tuple[int, int], ...] = ()) -> str:
    info = view.outline.speech
    title = escape(info.title or info.meeting or info.source)
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{STYLE}</style></head><body><nav>{contents(view)}</nav><main>{header(view)}"
            f"{quote_links(view, also)}{page_view(view)}{body(view)}</main></body></html>")


def page_view(view: SpeechText) -> str:
    """For a PDF or scan, the page the quote is on, as the file shows it, the quote marked."""
    if not view.pages or view.at is None:
        return ""
    page = view.page_of(view.at[0])
    source = f"/api/speeches/{quote(view.outline.speech.id, safe='')}/pages/{page}?highlight={view.at[0]}-{view.at[1]}"
    return (f'<details open class=original><summary>原件第 {page} 页</summary>'
            f'<img src="{escape(source)}" alt="原件第 {page} 页" style="max-width:100%;border:1px solid #ddd"></details>')


def header(view: SpeechText) -> str:
    info = view.outline.speech
    who = " ".join(filter(None, (info.speaker_role, info.speaker)))
    details = " · ".join(escape(part) for part in (who, info.date, info.meeting, info.number, info.source) if part)
    at = f" · 第 {view.page_of(view.at[0])} 页" if view.at and view.pages else ""
    return f"<h1>{escape(info.title or info.meeting or info.source)}</h1><p class=meta>{details}{at}</p>"


def contents(view: SpeechText) -> str:
    """The outline as links to where each heading stands in the text."""
    links = [f'<a href="#at{node.heading_start}" style="padding-left:{node.level - 1}rem">{escape(node.heading)}</a>'
             for node in walk_outline(view.outline.nodes)]
    return "<b>目录</b>" + ("".join(links) or "<p>（没有识别出分级标题）</p>")


def quote_links(view: SpeechText, also: tuple[tuple[int, int], ...]) -> str:
    """The answer's quotes of this speech, in order: the one shown, the previous and the next."""
    spans = sorted(set(also) | ({view.at} if view.at else set()))
    if len(spans) < 2 or view.at is None:
        return ""
    here = spans.index(view.at)
    info = view.outline.speech
    links = [(label, spans[i]) for label, i in (("上一处引文", here - 1), ("下一处引文", here + 1)) if 0 <= i < len(spans)]
    return "<p class=quotes>" + "".join(
        f'<a href="{escape(reading_link(info.id, span, tuple(also)))}">{label}</a>' for label, span in links) + "</p>"


def body(view: SpeechText) -> str:
    """The paragraphs, each heading anchored, the span marked, 「第 N 页」 before the paragraph a page begins in."""
    anchors = {node.heading_start for node in walk_outline(view.outline.nodes)}
    pages = sorted(view.pages, key=lambda page: page[1])
    parts = []
    for start, end in view.paragraphs:
        while pages and pages[0][1] < end:
            parts.append(f"<div class=page>— 第 {pages.pop(0)[0]} 页 —</div>")
        parts.append(f'<p id="p{start}">{marked(view.text, start, end, view.at, anchors)}</p>')
    return "".join(parts)


def marked(text: str, start: int, end: int, at: tuple[int, int] | None, anchors: set[int]) -> str:
    """One paragraph as HTML: anchors at headings, the span ``at`` (where it overlaps) in <mark>."""
    cuts = sorted({start, end} | {a for a in anchors if start <= a < end}
                  | ({max(start, at[0]), min(end, at[1])} if at and at[0] < end and at[1] > start else set()))
    html = []
    for left, right in zip(cuts, cuts[1:]):
        piece = escape(text[left:right])
        anchor = f'<a id="at{left}"></a>' if left in anchors else ""
        inside = at is not None and at[0] <= left and right <= at[1]
        first = inside and left == max(start, at[0]) and left == at[0]
        html.append(anchor + (f'<mark{" id=quote" if first else ""}>{piece}</mark>' if inside else piece))
    return "".join(html)

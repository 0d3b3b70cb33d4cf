"""Paged text (PDF pages, scanned frames) into one document text with the offsets where pages begin.

A paragraph that runs on over a page break is one line again. A page number
printed alone on the first or last line of a page (「- 3 -」, 「第3页」, 「3/20」)
is not text of the speech and is dropped.
"""

from __future__ import annotations

import re

from vectorstore.readers.decoding import normalise_text

_OPEN_END = re.compile(r"[\u3400-\u9fff，、“《（]$")  # a page that stops mid-sentence
_CONTINUED = re.compile(r"^[\u3400-\u9fff\d，、。；：！？”》）]")  # …and a page that goes on with it
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]"
                            r"|第[一二三四五六七八九十百零〇\d]+[章节条篇部分]|[一二三四五六七八九十]是|首先|其次|最后)")
_PAGE_NUMBER = re.compile(r"^[\s\-—–_·]*(?:第\s*\d+\s*页(?:\s*[/／共]\s*\d+\s*页?)?|\d+\s*(?:[/／]\s*\d+)?)[\s\-—–_·]*$")


def join_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    """The pages' text joined and the offset at which each page starts in it.

    Pages are joined by a line break, except that a paragraph running on over a
    page break (the page ends mid-sentence, the next one does not start with a
    heading) is joined back into one line.
    """
    text, starts = "", []
    for page in pages:
        page_text = drop_page_numbers(normalise_text(page)).strip()
        if text and page_text and not _runs_on(text, page_text):
            text += "\n"
        starts.append(len(text))
        text += page_text
    return text, tuple(starts)


def _runs_on(before: str, after: str) -> bool:
    """Whether the text after a page break continues the paragraph before it."""
    return bool(_OPEN_END.search(before) and _CONTINUED.match(after)) and not _HEADING_START.match(after)


def drop_page_numbers(text: str) -> str:
    """The page's text without a page number alone on its first or last non-blank line."""
    lines = text.split("\n")
    for index in (_first_line(lines), _last_line(lines)):
        if index is not None and _PAGE_NUMBER.match(lines[index]):
            lines[index] = ""
    return "\n".join(lines)


def _first_line(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if line.strip()), None)


def _last_line(lines: list[str]) -> int | None:
    return next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), None)

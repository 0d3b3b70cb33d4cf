"""Pages of a paged file (PDF, scan) carried from the raw text into the cleaned speech text.

A reader gives the offsets where pages start in the raw text
(``RawDocument.page_starts``); cleaning deletes lines, bookmarks and spaces but
never adds or reorders visible characters. So each cleaned line, its whitespace
removed, is found in the raw text with its whitespace removed, in order, and the
first cleaned character at or after a raw page start is where that page starts
in the cleaned text. A speech keeps ``(page, offset)`` pairs (SpeechMeta.pages):
the page of any offset, and so of any chunk or quote, follows from them.
"""

from __future__ import annotations

from bisect import bisect_right


def map_page_starts(raw: str, raw_starts: tuple[int, ...], cleaned: str) -> tuple[int, ...]:
    """Where each page starts in ``cleaned`` (page 1 at 0); empty for a file without pages."""
    if not raw_starts:
        return ()
    squeezed, page_starts = _squeeze(raw, raw_starts)
    found = [0] + [len(cleaned)] * (len(raw_starts) - 1)
    page, pointer, offset = 1, 0, 0
    for line in cleaned.split("\n"):
        chars = [index for index, ch in enumerate(line) if not ch.isspace()]
        key = "".join(line[index] for index in chars)
        at = squeezed.find(key, pointer) if key else -1
        if at >= 0:
            while page < len(page_starts) and page_starts[page] < at + len(key):
                found[page] = offset + chars[max(0, page_starts[page] - at)]
                page += 1
            pointer = at + len(key)
        offset += len(line) + 1
    return tuple(found)


def _squeeze(raw: str, raw_starts: tuple[int, ...]) -> tuple[str, list[int]]:
    """The raw text without whitespace, and where each page starts in it."""
    parts, starts, length = [], [], 0
    for start, end in zip(raw_starts, (*raw_starts[1:], len(raw))):
        part = "".join(raw[start:end].split())
        starts.append(length)
        parts.append(part)
        length += len(part)
    return "".join(parts), starts


def speech_pages(starts: tuple[int, ...], begin: int, end: int) -> tuple[tuple[int, int], ...]:
    """``(page, offset)`` pairs of the speech ``cleaned[begin:end]``, offsets into the speech text."""
    if not starts:
        return ()
    first = bisect_right(starts, begin)  # the page (1-based) holding ``begin``
    later = [(number, start - begin) for number, start in enumerate(starts, start=1) if begin < start < end]
    return ((first, 0), *later)


def pages_of(pages: tuple[tuple[int, int], ...], start: int, end: int) -> tuple[int, ...]:
    """The pages that the span ``[start, end)`` of a speech lies on (empty for a speech without pages)."""
    if not pages:
        return ()
    offsets = [offset for _, offset in pages]
    first = pages[max(0, bisect_right(offsets, start) - 1)][0]
    last = pages[max(0, bisect_right(offsets, max(start, end - 1)) - 1)][0]
    return tuple(range(first, last + 1))

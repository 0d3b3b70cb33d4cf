"""What opening a citation costs: the reading view of each seed speech, and a PDF page image.

    .venv/bin/python -m bench.reading

The seeds are indexed once under /tmp (hashing embedder: the view does not embed). For each seed
speech, the time to rebuild its text from the index and render the view's HTML, with the middle
sentence marked; then a PDF made from the longest seed's text (one page per 30 lines) is indexed
and its middle page rendered at 150 dpi with a quote marked. Printed: ms for each, and the
slowest against the targets (view < 1000 ms, page < 2000 ms).
"""

from __future__ import annotations

import logging
import statistics
import time

from bench.common import SEEDS, setup_logging, temporary_settings

log = logging.getLogger("bench.reading")
LINES_PER_PAGE = 30
CHARS_PER_LINE = 38


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def views(assistant) -> list[tuple[str, int, float]]:
    from assistant.faces.web.reading import reading_html

    rows = []
    for info in assistant.speeches():
        text = assistant.speech_text(info.id).text
        middle = len(text) // 2
        ms, _ = timed(lambda: reading_html(assistant.speech_text(info.id, (middle, middle + 20))))
        rows.append((info.id, len(text), ms))
    return rows


def pdf_of(text: str) -> bytes:
    from tests.readers_support import cjk_pdf, make_pdf

    lines = [line[i:i + CHARS_PER_LINE] for line in text.splitlines() for i in range(0, len(line), CHARS_PER_LINE)]
    font = [cjk_pdf(["字"]).split(b"%d 0 obj\n" % n)[1].split(b"\nendobj")[0] for n in (5, 6, 7)]
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    shows = [b"BT /F1 12 Tf 40 800 Td " + b" 0 -20 Td ".join(
        b"<%s> Tj" % line.encode("utf-16-be").hex().encode() for line in page) + b" ET" for page in pages]
    return make_pdf(shows, font)


def main() -> None:
    setup_logging()
    from assistant import factory
    from assistant.uploads import Upload

    settings = temporary_settings(embedding_model="hashing", data_dir=SEEDS)
    assistant = factory.build_assistant(settings)
    rows = views(assistant)
    for speech_id, length, ms in rows:
        print(f"view  {speech_id:32} {length:6} chars  {ms:7.1f} ms")
    longest = max(rows, key=lambda row: row[1])[0]
    assistant.add_files([Upload("longest.pdf", pdf_of(assistant.speech_text(longest).text))])
    paged = next(s.id for s in assistant.speeches() if s.source == "longest.pdf")
    record_pages = assistant.speech_text(paged).pages
    page, start = record_pages[len(record_pages) // 2]
    ms, image = timed(lambda: assistant.page_image(paged, page, (start + 5, start + 25)))
    print(f"page  {paged} page {page} of {len(record_pages)}: {image.size[0]}×{image.size[1]} px, "
          f"{len(image.boxes)} boxes marked, {ms:.1f} ms")
    slowest = max(ms for _, _, ms in rows)
    print(f"slowest view {slowest:.1f} ms (target < 1000, {1000 / max(slowest, 0.1):.1f}× under); "
          f"median {statistics.median(ms for _, _, ms in rows):.1f} ms; page {ms:.1f} ms (target < 2000)")


if __name__ == "__main__":
    main()

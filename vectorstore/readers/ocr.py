"""Chinese OCR of one page image by tesseract (``chi_sim``), back to paragraphs.

tesseract's TSV output gives every recognised word with its box; the words of a
layout line are joined (no spaces between Chinese characters) and layout lines
are joined into paragraphs: a line that starts indented (Chinese paragraphs
start two characters in) or follows a short line starts a new paragraph, so
headings such as 「一、…」 stay on their own line and wrapped lines do not.
ASCII punctuation next to Chinese text becomes the full-width form.

tesseract's Chinese model reads characters about 30-50 pixels high best (at
300 dpi, 16 pt text is 67 pixels and the error rate is ten times higher), so
the line height is reported with the text and a page read at another size is
read again at the size the model likes (vectorstore/readers/scan.py).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from vectorstore.readers.tools import OCR_LANGUAGE, run

INDENT = 0.8  # a line starting this many character widths right of the block's left edge is indented
SHORT = 1.5  # a line ending this many character widths before the right edge ends its paragraph
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
_HALF_TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})
_PUNCT_NEAR_CJK = re.compile(f"(?<=[{_CJK}]) *[,;:?!()]|[,;:?!()](?= *[{_CJK}])")
_SPACE_NEAR_CJK = re.compile(f"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
_STRAY_BAR = re.compile(f"(?<=[{_CJK}]) *[|｜] *|[|｜] *(?=[{_CJK}])")  # a table rule or a cursor read as 「|」
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class Line:
    """One layout line: the block it belongs to, its box, its text."""

    block: int
    left: int
    right: int
    height: int
    text: str


def ocr_page(image: Path, dpi: int, timeout: float, tesseract: str = "tesseract") -> tuple[str, float | None]:
    """The text of one page image, a paragraph a line, and the median height of its lines in pixels."""
    command = [tesseract, str(image), "stdout", "-l", OCR_LANGUAGE, "--psm", "3", "--dpi", str(dpi), "tsv"]
    lines = parse_tsv(run(command, timeout, "tesseract (OCR)").decode("utf-8", "replace"))
    height = statistics.median(line.height for line in lines) if lines else None
    return tidy("\n".join(paragraphs(lines))), height


def parse_tsv(tsv: str) -> list[Line]:
    """Layout lines of tesseract's TSV, in reading order."""
    words: dict[tuple[int, int, int], list[tuple[int, int, int, str]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, width, height = int(cells[6]), int(cells[8]), int(cells[9])
        words.setdefault((int(cells[2]), int(cells[3]), int(cells[4])), []).append(
            (left, left + width, height, cells[11].strip()))
    return [_line(block, items) for (block, _, _), items in words.items()]


def _line(block: int, items: list[tuple[int, int, int, str]]) -> Line:
    text = ""
    for _, _, _, word in items:
        text += (" " if text and _ASCII_WORD.match(text[-1]) and _ASCII_WORD.match(word[0]) else "") + word
    return Line(block, min(i[0] for i in items), max(i[1] for i in items), max(i[2] for i in items), text)


def paragraphs(lines: list[Line]) -> list[str]:
    """Layout lines joined into paragraphs (see the module docstring)."""
    if not lines:
        return []
    size = statistics.median(line.height for line in lines)
    left = {b: min(l.left for l in lines if l.block == b) for b in {l.block for l in lines}}
    right = {b: max(l.right for l in lines if l.block == b) for b in left}
    found: list[str] = []
    for previous, line in zip([None, *lines], lines):
        starts = (previous is None or line.block != previous.block or line.left > left[line.block] + INDENT * size
                  or previous.right < right[previous.block] - SHORT * size)
        if starts:
            found.append(line.text)
        else:
            found[-1] += (" " if _ASCII_WORD.match(found[-1][-1]) and _ASCII_WORD.match(line.text[0]) else "") + line.text
    return found


def tidy(text: str) -> str:
    """No spaces or stray 「|」 next to Chinese characters; full-width punctuation next to them."""
    text = _STRAY_BAR.sub("", text)
    text = _PUNCT_NEAR_CJK.sub(lambda match: match.group(0).translate(_HALF_TO_FULL), text)
    return _SPACE_NEAR_CJK.sub("", text)

"""PDF, page by page: the text layer where a page has one, Chinese OCR where it has none.

A page whose text layer holds fewer than a few visible characters (a scan), or
mostly private-use/replacement characters (fonts without a Unicode map), is
rendered by ``pdftoppm`` (poppler-utils) and read by tesseract. Without those
tools such pages are left out with a warning, or, when no page has a text
layer, the file is refused with a reason naming the package to install. The
document remembers where each page starts, so citations can name the page.
"""

from __future__ import annotations

import io
import logging
import math
import re
from pathlib import Path

from vectorstore.errors import InputError, MissingToolError
from vectorstore.runtime.limits import check_chars
from vectorstore.readers.base import ReadContext, document, nonblank, one_line
from vectorstore.readers.pages import join_pages
from vectorstore.readers.scan import ocr_pages, page_bar
from vectorstore.readers.tools import require, run
from vectorstore.speech.types import RawDocument

log = logging.getLogger(__name__)
OCR_DPI = 200  # 10.5-16 pt text is 29-44 pixels high: what tesseract's chi_sim reads best (scan.py rescales others)
MAX_PAGE_PIXELS = 40_000_000  # A3 at 300 dpi is 17 M; larger pages are rendered at a lower resolution
MIN_DPI = 40
MIN_LAYER_CHARS = 5
_UNMAPPED = re.compile("[\ue000-\uf8ff\ufffd]")
SCANNED = "a PDF page without a text layer (a scan)"
BLANK = ("PDF has no text: no text layer, and OCR found none on its pages; if it is a scan, check that "
         "the pages are legible (scan them again at 300 dpi), or add a version with text")


def read(data: bytes, path: Path, context: ReadContext) -> list[RawDocument]:
    if b"%PDF-" not in data[:1024]:
        raise InputError("not a PDF file (no %PDF header); check the file type")
    reader = open_pdf(data)
    count = len(reader.pages)
    context.check_pages(count, "the PDF")
    with page_bar(count, path.name, context.progress) as bar:
        pages = text_layer(reader, context, bar)
        scanned = [n for n, text in enumerate(pages, start=1) if needs_ocr(text)]
        if scanned:
            _fill_by_ocr(pages, scanned, reader, path, context, bar)
    text, starts = join_pages(pages)
    check_chars(len(text), context.max_chars)
    return [document(path, nonblank(text, BLANK), pages=starts)]


def text_layer(reader, context: ReadContext, bar) -> list[str]:
    """Each page's text layer ("" for a page that has none); stops once past the character limit."""
    pages, count = [], 0
    for number, page in enumerate(reader.pages, start=1):
        try:
            pages.append(page.extract_text() or "")
        except Exception as err:  # one broken page should not lose the others
            log.warning("PDF page %d: cannot extract text (%s); skipped", number, one_line(err))
            pages.append("")
        count += len(pages[-1]) + 1
        if count > context.max_chars:
            raise InputError(f"the PDF holds more than {context.max_chars:,} characters by page {number}, over "
                             "the limit (POLICYQA_MAX_TEXT_CHARS); split it")
        if not needs_ocr(pages[-1]):
            bar.update(1)
    return pages


def needs_ocr(text: str) -> bool:
    """A page without a usable text layer."""
    visible = [ch for ch in text if not ch.isspace()]
    return len(visible) < MIN_LAYER_CHARS or len(_UNMAPPED.findall(text)) > 0.3 * len(visible)


def _fill_by_ocr(pages: list[str], scanned: list[int], reader, path: Path, context: ReadContext, bar) -> None:
    """Put the OCR text of the scanned pages into ``pages``; without the tools, keep what the layer has."""
    try:
        pdftoppm = require("pdftoppm", SCANNED)
        sizes = {n: _page_inches(reader.pages[n - 1]) for n in scanned}
        render = lambda n, folder, scale: _render(pdftoppm, path, n, sizes[n], folder, context, scale)  # noqa: E731
        found = ocr_pages(scanned, render, context, len(pages), bar, SCANNED)
    except MissingToolError as err:
        if len(scanned) == len(pages):
            raise
        log.warning("%s: %d of %d pages have no text layer and are left out: %s",
                    path.name, len(scanned), len(pages), err)
        return
    for number, text in found.items():
        pages[number - 1] = text


def _page_inches(page) -> tuple[float, float]:
    box = page.mediabox
    return abs(float(box.width)) / 72, abs(float(box.height)) / 72


def render_dpi(number: int, inches: tuple[float, float], scale: float = 1.0) -> int:
    """``scale`` × OCR_DPI, or less for a page so large that it would be over MAX_PAGE_PIXELS."""
    area = max(inches[0] * inches[1], 1e-6)
    dpi = min(round(OCR_DPI * scale), int(math.sqrt(MAX_PAGE_PIXELS / area)))
    if dpi < MIN_DPI:
        raise InputError(f"page {number} is {inches[0] * 2.54:.0f} × {inches[1] * 2.54:.0f} cm, too large to OCR; "
                         "scan it at a normal paper size")
    return dpi


def _render(pdftoppm: str, path: Path, number: int, inches, folder: Path, context: ReadContext,
            scale: float) -> tuple[Path, int]:
    dpi = render_dpi(number, inches, scale)
    prefix = folder / f"page-{number}"
    command = [pdftoppm, "-r", str(dpi), "-gray", "-f", str(number), "-l", str(number), "-singlefile",
               str(path), str(prefix)]
    run(command, context.remaining(), f"pdftoppm (rendering page {number})")
    return prefix.with_suffix(".pgm"), dpi


def open_pdf(data: bytes):
    """A pypdf reader, decrypted if the PDF has an empty user password."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("PDF is password-protected; remove the password first")
        _ = len(reader.pages)
    except InputError:
        raise
    except DependencyError as err:
        raise InputError("PDF is AES-encrypted; remove the encryption (or install 'cryptography')") from err
    except Exception as err:  # pypdf raises PdfReadError, ValueError, KeyError...
        raise InputError(f"cannot read the PDF (corrupt?): {one_line(err)}; re-export it") from err
    return reader


def check(data: bytes, path: Path, context: ReadContext) -> None:
    """What :func:`read` would refuse, without OCR: pages, text, page sizes and tools of the scanned pages."""
    from vectorstore.readers.engines import ocr_engine

    if b"%PDF-" not in data[:1024]:
        raise InputError("not a PDF file (no %PDF header); check the file type")
    reader = open_pdf(data)
    context.check_pages(len(reader.pages), "the PDF")
    with page_bar(0, path.name, False) as bar:
        pages = text_layer(reader, context, bar)
    scanned = [n for n, text in enumerate(pages, start=1) if needs_ocr(text)]
    for number in scanned:
        render_dpi(number, _page_inches(reader.pages[number - 1]))
    if scanned and len(scanned) == len(pages):
        require("pdftoppm", SCANNED)
        ocr_engine(context.limits.ocr_engine, SCANNED)

"""Scans made in the tests: seed text rendered with a CJK font into page images, PDFs and TIFFs.

OCR tests need tesseract (chi_sim), pdftoppm and a CJK font; they skip without
them, except where ``POLICYQA_REQUIRE_OCR=1`` (CI installs the tools) makes a
missing tool a failure.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path

import pytest

from bench.ocr import find_cjk_font, image_pdf, render_pages

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "003_afb0ec9b2fd93498.txt"
DPI = 300


def require_ocr_tools() -> None:
    """Skip (or, with POLICYQA_REQUIRE_OCR=1, fail) when OCR cannot run here."""
    from vectorstore.errors import MissingToolError
    from vectorstore.readers.tools import find, require_ocr

    missing = None
    try:
        require_ocr()
    except MissingToolError as err:
        missing = str(err)
    if missing is None and find("pdftoppm") is None:
        missing = "pdftoppm is not installed (apt-get install poppler-utils)"
    if missing is None and find_cjk_font() is None:
        missing = "no CJK font to render test scans (apt-get install fonts-noto-cjk)"
    if missing and os.environ.get("POLICYQA_REQUIRE_OCR") == "1":
        pytest.fail(missing)
    if missing:
        pytest.skip(missing)


@lru_cache(maxsize=4)
def seed_pages(count: int = 2, dpi: int = DPI) -> tuple[tuple[object, str], ...]:
    """The first ``count`` pages of seed 003 rendered at ``dpi``: (image, text on the page)."""
    from vectorstore.readers import load_file

    text = load_file(SEED)[0].text
    return tuple(render_pages(text[:1500], dpi, find_cjk_font())[:count])


def scanned_pdf(count: int = 2, dpi: int = DPI) -> bytes:
    return image_pdf([image for image, _ in seed_pages(count, dpi)], dpi)


def png(page: int = 0) -> bytes:
    out = io.BytesIO()
    seed_pages()[page][0].save(out, "PNG", dpi=(DPI, DPI))
    return out.getvalue()


def tiff(count: int = 2) -> bytes:
    images = [image for image, _ in seed_pages(count)]
    out = io.BytesIO()
    images[0].save(out, "TIFF", save_all=True, append_images=images[1:], dpi=(DPI, DPI), compression="tiff_lzw")
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that states ``width`` × ``height`` pixels in a few bytes (a decompression bomb's header)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")

"""The suffix → reader registry: the one list of file types policy-qa reads (the faces show it).

A new format is one reader module (``read(data, path, context) -> list[RawDocument]``)
and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vectorstore.readers import docx, html, image, jsonl, pdf, text, word
from vectorstore.readers.base import ReadContext
from vectorstore.speech.types import RawDocument

Reader = Callable[[bytes, Path, ReadContext], list[RawDocument]]

READERS: dict[str, Reader] = {
    ".txt": text.read, ".md": text.read, ".markdown": text.read,
    ".docx": docx.read, ".doc": word.read, ".wps": word.read,
    ".pdf": pdf.read,
    ".png": image.read, ".jpg": image.read, ".jpeg": image.read, ".tif": image.read, ".tiff": image.read,
    ".html": html.read, ".htm": html.read,
    ".jsonl": jsonl.read,
}
PRECHECKS: dict[str, Callable[[bytes, Path, ReadContext], None]] = {  # cheap checks of what is slow to read
    ".pdf": pdf.check, **{suffix: image.check for suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff")},
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(READERS)
OCR_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})  # always read by OCR (so is a scanned .pdf)


def accepted() -> str:
    """The accepted suffixes as a user reads them: ``.txt .md … .jsonl``."""
    return " ".join(SUPPORTED_SUFFIXES)

"""Plain text and Markdown (``.txt .md .markdown``): decoded, line breaks normalised, nothing else."""

from __future__ import annotations

from pathlib import Path

from vectorstore.readers.base import ReadContext, document, nonblank
from vectorstore.readers.decoding import decode_text, normalise_text
from vectorstore.speech.types import RawDocument


def read(data: bytes, path: Path, context: ReadContext) -> list[RawDocument]:
    text = nonblank(normalise_text(decode_text(data)), "file contains only whitespace, no text")
    return [document(path, text)]

"""Word ``.docx``: paragraphs and table rows of the body in document order, one per line.

The package is checked for bombs (vectorstore/runtime/limits.py) before python-docx unpacks it.
"""

from __future__ import annotations

import io
from pathlib import Path

from vectorstore.errors import InputError
from vectorstore.runtime.limits import check_docx_package, count_docx_chars
from vectorstore.readers.base import ReadContext, document, nonblank, one_line
from vectorstore.readers.decoding import normalise_text
from vectorstore.speech.types import RawDocument

OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def read(data: bytes, path: Path, context: ReadContext) -> list[RawDocument]:
    return [document(path, docx_text(data, context.max_chars))]


def docx_text(data: bytes, max_chars: int) -> str:
    """Paragraphs and table rows of a .docx body in document order, one per line."""
    from docx import Document
    from docx.table import Table

    if data.startswith(OLE_MAGIC):
        raise InputError("this is an old Word .doc (or a password-protected .docx); rename it to .doc "
                         "or remove the password")
    if not data.startswith(b"PK"):
        raise InputError("not a .docx file (not a zip package); save it from Word as .docx")
    try:
        _check_size(data, max_chars)
        doc = Document(io.BytesIO(data))
        lines = []
        for block in doc.iter_inner_content():
            lines.extend(_table_lines(block) if isinstance(block, Table) else [block.text])
    except InputError:
        raise
    except Exception as err:  # python-docx raises many types for broken packages
        raise InputError(f"cannot read the .docx (corrupt?): {one_line(err)}; re-save it in Word") from err
    text = normalise_text("\n".join(line for line in lines if line.strip()))
    return nonblank(text, "document has no text")


def _check_size(data: bytes, max_chars: int) -> None:
    """Refuse a package that unpacks too far, or whose body text is over ``max_chars``."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_docx_package(archive, max_chars)
        if "word/document.xml" in archive.namelist():  # else python-docx says what is missing
            count_docx_chars(archive, max_chars)


def _table_lines(table) -> list[str]:
    """One line per table row, cells joined by a tab (merged cells once)."""
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(" ".join(cell.text.split("\n")))
        lines.append("\t".join(cells))
    return lines

"""Old Word files (``.doc``, and Kingsoft ``.wps``, which WPS Office writes in the same OLE format).

The text comes from ``antiword`` (it keeps Chinese text intact across the
document's pieces); ``catdoc`` reads what antiword refuses (Word 6/95 files).
A ``.doc`` that is really a .docx or an HTML page (Word's "save as web page")
is read as one.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from vectorstore.errors import InputError
from vectorstore.runtime.limits import check_chars
from vectorstore.readers import docx, html, tools
from vectorstore.readers.base import ReadContext, document, nonblank
from vectorstore.readers.decoding import normalise_text
from vectorstore.readers.tools import require, run
from vectorstore.speech.types import RawDocument

log = logging.getLogger(__name__)
_HTML_START = re.compile(rb"^\s*(?:<!doctype html|<html|<\?xml[^>]*>\s*<html|MIME-Version:)", re.I)
_PICTURE = re.compile(r"\[pic\]")
UNREADABLE = ("cannot read this Word file: it is damaged, or not a Word 97–2003 document; "
              "open it in Word or WPS, save it as .docx and add that")


def read(data: bytes, path: Path, context: ReadContext) -> list[RawDocument]:
    if data.startswith(b"PK\x03\x04"):
        return docx.read(data, path, context)
    if _HTML_START.match(data[:512]):
        return html.read(data, path, context)
    if data.startswith(b"{\\rtf"):
        raise InputError("this is an RTF file, not a Word .doc; save it as .docx in Word or WPS")
    if not data.startswith(docx.OLE_MAGIC):
        raise InputError(f"not a Word {path.suffix.lower()} file (no OLE header); save it as .docx in Word or WPS")
    text = _lines(word_text(path, context))
    check_chars(len(text), context.max_chars)
    return [document(path, nonblank(text, "document has no text (or only pictures)"))]


def word_text(path: Path, context: ReadContext) -> str:
    """The document's text by antiword, else by catdoc; a file neither reads is :data:`UNREADABLE`
    (their own words, such as catdoc's "Try using -b switch", go to the log only)."""
    antiword = tools.find("antiword")
    if antiword is None and tools.find("catdoc") is None:
        require("antiword", f"a Word {path.suffix.lower()} file")
    if antiword is not None:
        try:
            return _run(antiword, ["-w", "0", "-m", "UTF-8.txt"], path, context)
        except _ToolFailed as err:
            if tools.find("catdoc") is None:
                raise InputError(UNREADABLE) from None
            log.info("%s: antiword cannot read it (%s); trying catdoc", path.name, err)
    try:
        return _run(require("catdoc", "this Word file"), ["-w", "-d", "utf-8"], path, context)
    except _ToolFailed as err:
        log.info("%s: catdoc cannot read it either (%s)", path.name, err)
        raise InputError(UNREADABLE) from None


class _ToolFailed(Exception):
    """antiword or catdoc ended with an error (its message, for the log)."""


def _run(tool: str, options: list[str], path: Path, context: ReadContext) -> str:
    name = Path(tool).name
    try:
        out = run([tool, *options, str(path)], context.remaining(), f"{name} (reading the Word file)")
    except TimeoutError as err:
        raise InputError(f"{err}; raise POLICYQA_MAX_READ_SECONDS or save the file as .docx") from None
    except InputError as err:
        raise _ToolFailed(str(err)) from None
    return out.decode("utf-8", "replace")


def _lines(text: str) -> str:
    """Normalised text, one stripped paragraph a line, without picture placeholders."""
    lines = (_PICTURE.sub("", line).strip() for line in normalise_text(text).split("\n"))
    return "\n".join(line for line in lines if line)

"""Read user files into :class:`~vectorstore.speech.types.RawDocument` objects: one reader a format.

This is the first step of ingestion and deliberately does *no* cleaning
(headers, footers, "仅供学习参考" banners... are left for the cleaning module).
It only finds the files (:func:`discover`) and extracts their text
(:func:`load_file`) through the reader the registry names for the suffix:

=====================  ============================================================
``.txt .md .markdown``  text.py: encoding detection (BOM, UTF-8, GB18030, Big5, …)
``.html .htm``          html.py: visible text, a block a line
``.docx``               docx.py: python-docx, bomb-checked
``.doc .wps``           word.py: antiword (catdoc as a fallback)
``.pdf``                pdf.py: the text layer per page, OCR for pages without one
``.png .jpg .tif …``    image.py: OCR (tesseract ``chi_sim``)
``.jsonl``              jsonl.py: one document a record
=====================  ============================================================

Every problem a user can fix raises :class:`~vectorstore.errors.InputError`
whose message is a single-line reason (without the path; callers add it), e.g.
``"file is empty"``.  Heavy parsers are imported inside the readers that use them.
"""

from __future__ import annotations

from pathlib import Path

from vectorstore.errors import InputError
from vectorstore.runtime.limits import DEFAULT_MAX_TEXT_CHARS, check_chars
from vectorstore.readers.base import DEFAULT_MAX_BYTES, ReadContext, ReadLimits, mb
from vectorstore.readers.decoding import normalise_text
from vectorstore.readers.discover import discover, unsupported_reason
from vectorstore.readers.registry import OCR_SUFFIXES, PRECHECKS, READERS, SUPPORTED_SUFFIXES, accepted
from vectorstore.speech.types import RawDocument

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_TEXT_CHARS", "OCR_SUFFIXES", "READERS", "ReadLimits",
           "SUPPORTED_SUFFIXES", "accepted", "check_file", "discover", "load_file", "normalise_text",
           "unsupported_reason"]


def load_file(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int = DEFAULT_MAX_TEXT_CHARS,
              limits: ReadLimits | None = None, progress: bool = False,
              skipped: list[tuple[str, str]] | None = None) -> list[RawDocument]:
    """Read one file into RawDocuments: one per file, or one per record for ``.jsonl``.

    Raises InputError (single-line reason) for files that are missing, of an
    unsupported type, empty, larger than the byte limit, binary, undecodable,
    corrupt, over the page or time limit, needing a tool that is not installed,
    or whose text is over the character limit; a .docx or PDF is refused before
    all its text is extracted. ``limits`` (when given) replaces ``max_bytes`` and
    ``max_chars``; ``progress`` shows a bar over the pages of a PDF or scan. Parts of the file left out
    (a bad ``.jsonl`` line) are added to ``skipped`` as ``(what, reason)``, e.g. ``("讲话.jsonl line 3", …)``.
    """
    path = Path(path)
    limits = limits or ReadLimits(max_bytes=max_bytes, max_chars=max_chars)
    data = read_bytes(path, limits.max_bytes)
    context = ReadContext(limits, progress=progress)
    documents = READERS[path.suffix.lower()](data, path, context)
    if skipped is not None:
        skipped.extend(context.skipped)
    for doc in documents:  # the final check on any text (a JSONL record is checked on its own)
        check_chars(len(doc.text), limits.max_chars)
    return documents


def check_file(path: Path | str, limits: ReadLimits | None = None) -> None:
    """Raise what :func:`load_file` would, without its slow part: a scan is checked, not OCR'd.

    For a PDF the pages, their sizes and the text layer are checked and, when a
    page needs OCR, that the tools are installed; for an image its header (pixels,
    frames). Any other file is read whole and must hold text.
    """
    path = Path(path)
    limits = limits or ReadLimits()
    data = read_bytes(path, limits.max_bytes)
    suffix = path.suffix.lower()
    precheck = PRECHECKS.get(suffix)
    if precheck is not None:
        precheck(data, path, ReadContext(limits))
    elif not any(doc.text.strip() for doc in load_file(path, limits=limits)):
        raise InputError("no text could be read from the file")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, after checking existence, type, emptiness and size."""
    if not path.exists():
        raise InputError("no such file or directory")
    if path.is_dir():
        raise InputError("is a directory, not a file; pass directories to discover()")
    reason = unsupported_reason(path)
    if reason:
        raise InputError(reason)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is {mb(size)}, over the {mb(max_bytes, exact=True)} limit; "
                             "split it or raise POLICYQA_MAX_FILE_MB")
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror or err}") from err
    if not data:
        raise InputError("file is empty")
    return data

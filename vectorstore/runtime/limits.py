"""Bounds on what one input file may expand to (decompression bombs).

A file within the byte limit can still unpack to gigabytes: a ``.docx`` is a
zip archive, and a short file of millions of tiny paragraphs becomes millions
of chunks.  The checks here refuse such files with a one-line reason before
the whole content is materialised:

* :func:`check_docx_package` reads only the zip central directory.  Python's
  :mod:`zipfile` never yields more than a member's declared size, so the
  declared sizes are a safe bound on what python-docx will unpack.
* :func:`count_docx_chars` streams ``word/document.xml`` through
  ``lxml.etree.iterparse`` (clearing elements as it goes) and stops as soon
  as the text passes the character limit.
* :func:`check_chars` is the final check on any extracted text.
"""

from __future__ import annotations

import zipfile

from vectorstore.errors import InputError

DEFAULT_MAX_TEXT_CHARS = 3_000_000
XML_BYTES_PER_CHAR = 40  # generous for Word markup (runs, styles) around each character
MIN_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_RATIO = 200  # deflate of real Word XML is 5-20:1; bombs are 1000:1
RATIO_FLOOR = 8 * 1024 * 1024  # small members may be as repetitive as they like
DOCUMENT_XML = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LIMIT_HINT = "POLICYQA_MAX_TEXT_CHARS"


def check_chars(count: int, max_chars: int, what: str = "the file") -> None:
    """Raise InputError when ``count`` characters are over ``max_chars``."""
    if count > max_chars:
        raise InputError(f"{what} holds {count:,} characters, over the {max_chars:,} limit "
                         f"({_LIMIT_HINT}); split it")


def unpacked_limit(max_chars: int) -> int:
    """Bytes a .docx package may unpack to, in all, for a text limit of ``max_chars``."""
    return max(MIN_UNPACKED_BYTES, XML_BYTES_PER_CHAR * max_chars)


def check_docx_package(archive: zipfile.ZipFile, max_chars: int) -> None:
    """Refuse a package whose members (by the central directory) unpack too far."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise InputError(f"the .docx holds {len(members):,} parts, over the {MAX_ZIP_MEMBERS:,} limit; "
                         "re-save it in Word")
    limit = unpacked_limit(max_chars)
    total = sum(member.file_size for member in members)
    if total > limit:
        raise InputError(f"the .docx expands to {_size(total)} of XML and media, over the {_size(limit)} "
                         f"limit ({_LIMIT_HINT}); split the document")
    for member in members:
        _check_ratio(member)


def _check_ratio(member: zipfile.ZipInfo) -> None:
    if member.file_size <= RATIO_FLOOR:
        return
    ratio = member.file_size / max(member.compress_size, 1)
    if ratio > MAX_RATIO:
        raise InputError(f"the .docx part {member.filename} is compressed {ratio:,.0f}:1 "
                         f"({_size(member.file_size)} unpacked), which looks like a zip bomb; "
                         "re-save the document in Word")


def count_docx_chars(archive: zipfile.ZipFile, max_chars: int) -> int:
    """Characters of text in the body (a newline a paragraph), streaming; stops past ``max_chars``."""
    from lxml import etree

    count = 0
    with archive.open(DOCUMENT_XML) as stream:
        for _, element in etree.iterparse(stream, events=("end",), tag=(f"{_W}t", f"{_W}p"),
                                          resolve_entities=False, no_network=True):
            count += len(element.text or "") if element.tag == f"{_W}t" else 1
            if count > max_chars:
                raise InputError(f"the .docx holds more than {max_chars:,} characters of text, over the "
                                 f"limit ({_LIMIT_HINT}); split the document")
            if element.tag == f"{_W}p":
                _forget(element)
    return count


def _forget(element) -> None:
    """Free a parsed paragraph and its finished siblings (iterparse keeps the tree)."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _size(n: int) -> str:
    """``1.0 GB``, ``114 MB``."""
    if n >= 1024 ** 3:
        return f"{n / 1024 ** 3:.1f} GB"
    return f"{n / 1024 ** 2:.0f} MB"

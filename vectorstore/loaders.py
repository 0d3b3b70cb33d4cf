"""Read user files into :class:`~vectorstore.types.RawDocument` objects.

This is the first step of ingestion and deliberately does *no* cleaning
(headers, footers, "仅供学习参考" banners... are left for the cleaning module).
It only

* finds the files (:func:`discover`),
* decodes or extracts their text (:func:`load_file`): plain text / Markdown /
  HTML with encoding detection (BOM, UTF-8, GB18030, Big5, charset-normalizer),
  ``.docx`` via python-docx, ``.pdf`` via the pypdf text layer, ``.jsonl``
  records of the shape ``{id, title, date, region, speaker, source, text}``,
* normalises line endings to ``\\n``, drops a leading BOM and control
  characters other than ``\\n`` and ``\\t`` (form feeds and Unicode line /
  paragraph separators become ``\\n``).

Every problem a user can fix raises :class:`~vectorstore.errors.InputError`
whose message is a single-line reason (without the path; callers add it), e.g.
``"file is empty"``.  Heavy parsers (pypdf, python-docx, bs4, charset-normalizer)
are imported inside the functions that use them.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from vectorstore.errors import InputError
from vectorstore.limits import DEFAULT_MAX_TEXT_CHARS, check_chars, check_docx_package, count_docx_chars
from vectorstore.types import RawDocument

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".jsonl",
)
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
JSONL_META_FIELDS = ("id", "title", "date", "region", "speaker")

_ACCEPTED = " ".join(SUPPORTED_SUFFIXES)
_SUFFIX_HINTS = {
    ".doc": "save it as .docx in Word",
    ".wps": "save it as .docx",
    ".rtf": "save it as .docx or .txt",
    ".json": "convert it to JSON Lines (.jsonl), one object per line",
}
_BINARY_MAGIC = (
    (b"%PDF-", "it looks like a PDF; rename it to .pdf"),
    (b"PK\x03\x04", "it looks like a zip/Office file (.docx?); rename it accordingly"),
    (b"\xd0\xcf\x11\xe0", "it looks like an old Office file (.doc/.xls); save it as .docx or .txt"),
    (b"\x89PNG", "it looks like an image; run OCR first"),
    (b"\xff\xd8\xff", "it looks like an image; run OCR first"),
)
_BOMS = (  # UTF-32 before UTF-16: FF FE 00 00 also starts with the UTF-16 LE BOM
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_UNDECODABLE = "cannot decode the text; save it as UTF-8"
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Punctuation and symbol blocks normal in Chinese text (、。“” ·  ① ℃ ★ ■ ＡＢ...).
_CJK_SYMBOLS = re.compile(
    "[\u00a0-\u00ff\u2000-\u206f\u2100-\u218f\u2190-\u21ff\u2460-\u24ff"
    "\u25a0-\u26ff\u3000-\u303f\ufe30-\ufe4f\uff00-\uffef]"
)
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


# --------------------------------------------------------------------- discover
def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and directories into loadable files.

    Returns ``(files, skipped)``: ``files`` in a stable order without duplicates,
    ``skipped`` as ``(path, one-line reason)``.  Directories are searched
    recursively; hidden files/directories and ``README.md`` files inside them are
    skipped silently.  Files named explicitly are taken as given.
    """
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = _walk(path, skipped)
        elif path.exists():
            candidates = [path]
        else:
            skipped.append((str(raw), "no such file or directory"))
            continue
        for file in candidates:
            reason = unsupported_reason(file)
            if reason:
                skipped.append((str(file), reason))
            elif file.resolve() not in seen:
                seen.add(file.resolve())
                files.append(file)
    return files, skipped


def _walk(root: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    """All visible files below ``root`` (sorted), minus directory READMEs."""

    def on_error(err: OSError) -> None:
        skipped.append((str(err.filename), f"cannot read the directory: {err.strerror}"))

    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith(".") and name.lower() != "readme.md":
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.parts)


def unsupported_reason(path: Path) -> str | None:
    """Why ``path`` cannot be loaded (by its type and suffix), or None if it can."""
    if path.exists() and not path.is_file():
        return "not a regular file"
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return None
    if not suffix:
        return f"file has no extension (accepted: {_ACCEPTED}); rename it, e.g. to .txt"
    hint = _SUFFIX_HINTS.get(suffix)
    return f"unsupported file type {suffix} (accepted: {_ACCEPTED})" + (f"; {hint}" if hint else "")


# -------------------------------------------------------------------- load_file
def load_file(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES,
              max_chars: int = DEFAULT_MAX_TEXT_CHARS) -> list[RawDocument]:
    """Read one file into RawDocuments: one per file, or one per record for ``.jsonl``.

    Raises InputError (single-line reason) for files that are missing, of an
    unsupported type, empty, larger than ``max_bytes``, binary, undecodable,
    corrupt, scanned PDFs without text layer, JSONL files without any usable
    record, or text (of a file, of a JSONL record) over ``max_chars``
    characters; a .docx or PDF is refused before all its text is extracted.
    """
    path = Path(path)
    data = _read_bytes(path, max_bytes)
    suffix = path.suffix.lower()
    absolute = str(path.resolve())
    if suffix == ".jsonl":
        return _load_jsonl(data, path.name, absolute, max_chars)
    meta: dict = {}
    if suffix in TEXT_SUFFIXES:
        text = _nonblank(normalise_text(_decode_text(data)), "file contains only whitespace, no text")
    elif suffix in HTML_SUFFIXES:
        text, meta = _html_text(data)
    elif suffix == ".docx":
        text = _docx_text(data, max_chars)
    else:
        text = _pdf_text(data, max_chars)
    check_chars(len(text), max_chars)
    return [RawDocument(source=path.name, text=text, path=absolute, meta=meta)]


def _read_bytes(path: Path, max_bytes: int) -> bytes:
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
            raise InputError(
                f"file is {_mb(size)}, over the {_mb(max_bytes, exact=True)} limit; "
                "split it or raise POLICYQA_MAX_FILE_MB"
            )
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror or err}") from err
    if not data:
        raise InputError("file is empty")
    return data


def _mb(n: int, *, exact: bool = False) -> str:
    """``52.4 MB``; with ``exact`` a round limit prints as ``20 MB``."""
    value = n / (1024 * 1024)
    if exact and value >= 1 and value == int(value):
        return f"{int(value)} MB"
    return f"{value:.1f} MB" if value >= 0.1 else f"{n} bytes"


def _nonblank(text: str, reason: str) -> str:
    if not text.strip():
        raise InputError(reason)
    return text


def normalise_text(text: str) -> str:
    """Drop a leading BOM, make every line break ``\\n``, drop other control chars."""
    text = text.removeprefix("\ufeff")
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROL.sub("", text)


def _one_line(err: BaseException) -> str:
    """A short single-line summary of an exception from a third-party parser."""
    msg = " ".join(str(err).split()) or type(err).__name__
    return msg[:160]


# --------------------------------------------------------------------- decoding
def _decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode text bytes (see :func:`_decode_guess`); the result is not yet normalised."""
    text = _decode_bom(data)
    if text is None:
        text = _decode_utf16_without_bom(data)
    if text is None:
        _reject_binary(data)
        text = _decode_guess(data, declared)
    if len(_CONTROL.findall(text)) > 0.1 * len(text):
        raise InputError("file looks binary (many control characters), not text; convert it to UTF-8 text")
    return text


def _decode_bom(data: bytes) -> str | None:
    """Text of a file that starts with a Unicode BOM, else None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as err:
                label = codec.removesuffix("-sig").upper()
                raise InputError(f"invalid {label} although the file starts with a {label} BOM; "
                                 "save it as UTF-8") from err
    return None


def _decode_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM (it has NUL bytes), if a byte order gives real text."""
    if len(data) % 2 or b"\x00" not in data:
        return None
    little_first = data[1::2].count(0) >= data[0::2].count(0)  # ASCII "A" is 41 00 in LE
    for codec in ("utf-16-le", "utf-16-be") if little_first else ("utf-16-be", "utf-16-le"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        ascii_text = sum(1 for ch in text if " " <= ch < "\x7f" or ch in "\t\n\r")
        if ascii_text >= 0.95 * len(text) or _plausible_chinese(text, _is_common_han):
            return text
    return None


def _reject_binary(data: bytes) -> None:
    """Raise for binary content (NUL bytes or a known binary file signature)."""
    for magic, hint in _BINARY_MAGIC:
        if data.startswith(magic):
            raise InputError(f"file is binary, not text: {hint}")
    if b"\x00" in data:
        raise InputError("file looks binary (contains NUL bytes), not text; convert it to UTF-8 text")


def _decode_declared(data: bytes, declared: str | None) -> str | None:
    """Decode with a charset the file declares (HTML <meta>), if it decodes strictly.

    Tried only after UTF-8/GB18030/Big5: pages often declare a wrong charset,
    and a declared Latin-1 would decode any bytes into mojibake.
    """
    if not declared:
        return None
    try:
        return data.decode(declared)
    except (LookupError, UnicodeDecodeError):
        log.debug("declared charset %r does not fit; detecting", declared)
        return None


def _decode_guess(data: bytes, declared: str | None = None) -> str:
    """Strict UTF-8, GB18030, Big5 (if plausible), a declared charset, then charset-normalizer."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codec, is_common in (("gb18030", _is_gb2312), ("cp950", _is_big5_frequent)):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _plausible_chinese(text, is_common):
            log.debug("decoded as %s", codec)
            return text
    return _decode_declared(data, declared) or _decode_fallback(data)


def _is_gb2312(ch: str) -> bool:
    """Han character of GB2312, i.e. the common simplified characters."""
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _is_common_han(ch: str) -> bool:
    """Common simplified or traditional Han character."""
    return _is_gb2312(ch) or _is_big5_frequent(ch)


def _is_big5_frequent(ch: str) -> bool:
    """Han character of Big5's frequently-used section (lead bytes A4-C6)."""
    try:
        return 0xA4 <= ch.encode("cp950")[0] <= 0xC6
    except UnicodeEncodeError:
        return False


def _plausible_chinese(text: str, is_common: Callable[[str], bool]) -> bool:
    """Whether a decoding looks like real Chinese text rather than mojibake.

    Mis-decoded bytes (e.g. Big5 read as GBK) give kana, Greek, private-use
    and rare Han characters; real text is ASCII, common Han and punctuation.
    """
    han = rare = symbols = other = 0
    for ch, n in Counter(text).items():
        if ch < "\x80":
            continue
        if _CJK_SYMBOLS.match(ch):
            symbols += n
        elif _HAN.match(ch):
            han += n
            rare += 0 if is_common(ch) else n
        else:
            other += n
    cjk = han + symbols
    return cjk > 0 and rare <= max(2, 0.5 * han) and other <= 0.05 * (cjk + other)


def _decode_fallback(data: bytes) -> str:
    """charset-normalizer's guess, accepted only when the result looks like text."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(_UNDECODABLE)
    text = str(best)
    letters = sum(1 for ch in text if ch.isalpha())
    odd = sum(1 for ch in text if ch == "\ufffd" or not ch.isprintable() and ch not in "\t\n\r")
    visible = sum(1 for ch in text if not ch.isspace()) or 1
    if letters < 0.5 * visible or odd > 0.01 * visible:
        raise InputError(_UNDECODABLE)
    log.warning("encoding guessed as %s; check the text or save the file as UTF-8", best.encoding)
    return text


# ------------------------------------------------------------------------- HTML
_HTML_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "head", "title")
_HTML_BLOCKS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "table", "tr", "blockquote", "pre", "section", "article", "main", "aside", "address",
    "figure", "figcaption", "hr", "form", "fieldset", "center", "body",
)


def _html_text(data: bytes) -> tuple[str, dict]:
    """Visible text of an HTML page, one block per line, and its ``title_hint``."""
    match = _HTML_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "ignore") if match else None
    soup = _soup(normalise_text(_decode_text(data, declared)))
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    for tag in soup.find_all(_HTML_DROP):
        if not tag.decomposed:
            tag.decompose()
    _collapse_html_whitespace(soup)
    _mark_html_blocks(soup)
    lines = (line.strip(" ") for line in soup.get_text().split("\n"))
    text = "\n".join(line for line in lines if line.strip())
    meta = {"title_hint": title} if title else {}
    return _nonblank(text, "HTML page has no visible text"), meta


def _soup(markup: str):
    """BeautifulSoup with lxml when installed, else the stdlib parser."""
    from bs4 import BeautifulSoup

    try:
        return BeautifulSoup(markup, "lxml")
    except Exception:  # bs4.FeatureNotFound when lxml is missing
        return BeautifulSoup(markup, "html.parser")


def _collapse_html_whitespace(soup) -> None:
    """HTML rendering rules: source whitespace runs are one space (not in <pre>)."""
    from bs4 import Comment, NavigableString

    for node in list(soup.find_all(string=True)):
        if isinstance(node, Comment):
            node.extract()
        elif type(node) is NavigableString and not node.find_parent(["pre", "textarea"]):
            collapsed = re.sub(r"[ \t\n\r\f]+", " ", str(node))
            collapsed = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", collapsed)
            node.replace_with(collapsed)


def _mark_html_blocks(soup) -> None:
    """Put line breaks around block elements and at <br>, tabs between table cells."""
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        if tag.find_next_sibling(["td", "th"]):
            tag.insert_after("\t")
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")


# ------------------------------------------------------------------------- DOCX
def _docx_text(data: bytes, max_chars: int) -> str:
    """Paragraphs and table rows of a .docx body in document order, one per line."""
    from docx import Document
    from docx.table import Table

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("this is an old Word .doc (or a password-protected .docx); save it as .docx")
    if not data.startswith(b"PK"):
        raise InputError("not a .docx file (not a zip package); save it from Word as .docx")
    try:
        _check_docx_size(data, max_chars)
        doc = Document(io.BytesIO(data))
        lines = []
        for block in doc.iter_inner_content():
            lines.extend(_table_lines(block) if isinstance(block, Table) else [block.text])
    except InputError:
        raise
    except Exception as err:  # python-docx raises many types for broken packages
        raise InputError(f"cannot read the .docx (corrupt?): {_one_line(err)}; re-save it in Word") from err
    text = normalise_text("\n".join(line for line in lines if line.strip()))
    return _nonblank(text, "document has no text")


def _check_docx_size(data: bytes, max_chars: int) -> None:
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


# -------------------------------------------------------------------------- PDF
def _pdf_text(data: bytes, max_chars: int) -> str:
    """The text layer of a PDF, pages joined by ``\\n``; stops once past ``max_chars``."""
    if b"%PDF-" not in data[:1024]:
        raise InputError("not a PDF file (no %PDF header); check the file type")
    reader = _open_pdf(data)
    pages, count = [], 0
    for number, page in enumerate(reader.pages, start=1):
        try:
            pages.append(page.extract_text() or "")
        except Exception as err:  # one broken page should not lose the others
            log.warning("PDF page %d: cannot extract text (%s); skipped", number, _one_line(err))
            continue
        count += len(pages[-1]) + 1
        if count > max_chars:
            raise InputError(f"the PDF holds more than {max_chars:,} characters by page {number}, over the "
                             "limit (POLICYQA_MAX_TEXT_CHARS); split it")
    text = normalise_text("\n".join(pages))
    return _nonblank(text, "PDF has no text layer (scanned?); run OCR first")


def _open_pdf(data: bytes):
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
        raise InputError(f"cannot read the PDF (corrupt?): {_one_line(err)}; re-export it") from err
    return reader


# ------------------------------------------------------------------------ JSONL
def _load_jsonl(data: bytes, name: str, absolute: str, max_chars: int) -> list[RawDocument]:
    """One RawDocument per usable line; bad lines (a record over ``max_chars`` too) are logged and skipped.

    The total is bounded by the byte limit: JSON text never decodes to more characters than bytes.

    Lines are split on ``\n`` only: U+2028 and friends may occur inside JSON strings.
    """
    docs, problems = [], []
    for number, line in enumerate(_decode_text(data).removeprefix("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            docs.append(_jsonl_record(line, number, name, absolute, max_chars))
        except ValueError as err:
            problems.append(f"line {number}: {err}")
            log.warning("%s line %d skipped: %s", name, number, err)
    if not docs:
        shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        raise InputError(f"no usable JSONL record ({shown}); each line must be a JSON object "
                         'with a non-empty "text" field')
    return docs


def _jsonl_record(line: str, number: int, name: str, absolute: str, max_chars: int) -> RawDocument:
    """The RawDocument of one JSONL line; ValueError says what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(record, dict):
        raise ValueError(f"not a JSON object but {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('no "text" field' if text is None else '"text" is empty or not a string')
    if len(text) > max_chars:
        raise ValueError(f'"text" holds {len(text):,} characters, over the {max_chars:,} limit '
                         "(POLICYQA_MAX_TEXT_CHARS); split the record")
    meta = {k: str(v) for k in JSONL_META_FIELDS if (v := record.get(k)) is not None and str(v).strip()}
    ref = meta.get("id", f"L{number}")
    return RawDocument(source=f"{name}#{ref}", text=normalise_text(text), path=absolute, meta=meta)

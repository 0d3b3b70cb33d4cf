"""Decoding text bytes: BOMs, UTF-16 without BOM, GB18030/Big5 plausibility, charset-normalizer.

:func:`decode_text` gives the text of any text file (not yet normalised);
:func:`normalise_text` makes every line break ``\\n`` and drops control characters.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable

from vectorstore.errors import InputError

log = logging.getLogger(__name__)

BINARY_MAGIC = (
    (b"%PDF-", "it looks like a PDF; rename it to .pdf"),
    (b"PK\x03\x04", "it looks like a zip/Office file (.docx?); rename it accordingly"),
    (b"\xd0\xcf\x11\xe0", "it looks like an old Office file (.doc/.wps); rename it to .doc"),
    (b"\x89PNG", "it looks like an image; rename it to .png"),
    (b"\xff\xd8\xff", "it looks like an image; rename it to .jpg"),
)
_BOMS = (  # UTF-32 before UTF-16: FF FE 00 00 also starts with the UTF-16 LE BOM
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
UNDECODABLE = "cannot decode the text; save it as UTF-8"
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Punctuation and symbol blocks normal in Chinese text (、。“” ·  ① ℃ ★ ■ ＡＢ...).
_CJK_SYMBOLS = re.compile(
    "[\u00a0-\u00ff\u2000-\u206f\u2100-\u218f\u2190-\u21ff\u2460-\u24ff"
    "\u25a0-\u26ff\u3000-\u303f\ufe30-\ufe4f\uff00-\uffef]"
)
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def normalise_text(text: str) -> str:
    """Drop a leading BOM, make every line break ``\\n``, drop other control chars."""
    text = text.removeprefix("\ufeff")
    text = _LINE_BREAKS.sub("\n", text)
    return CONTROL.sub("", text)


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode text bytes (see :func:`_decode_guess`); the result is not yet normalised."""
    text = _decode_bom(data)
    if text is None:
        text = _decode_utf16_without_bom(data)
    if text is None:
        _reject_binary(data)
        text = _decode_guess(data, declared)
    if len(CONTROL.findall(text)) > 0.1 * len(text):
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
    for magic, hint in BINARY_MAGIC:
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
        raise InputError(UNDECODABLE)
    text = str(best)
    letters = sum(1 for ch in text if ch.isalpha())
    odd = sum(1 for ch in text if ch == "\ufffd" or not ch.isprintable() and ch not in "\t\n\r")
    visible = sum(1 for ch in text if not ch.isspace()) or 1
    if letters < 0.5 * visible or odd > 0.01 * visible:
        raise InputError(UNDECODABLE)
    log.warning("encoding guessed as %s; check the text or save the file as UTF-8", best.encoding)
    return text

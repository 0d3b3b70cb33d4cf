"""JSON Lines (``.jsonl``): one RawDocument per record ``{id, title, date, region, speaker, source, text}``."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from vectorstore.errors import InputError
from vectorstore.readers.base import ReadContext
from vectorstore.readers.decoding import decode_text, normalise_text
from vectorstore.speech.types import RawDocument

log = logging.getLogger(__name__)
META_FIELDS = ("id", "title", "date", "region", "speaker")
LINE_FIX = 'the other lines were indexed; fix this line (a JSON object with a non-empty "text") and add the file again'


def read(data: bytes, path: Path, context: ReadContext) -> list[RawDocument]:
    """One RawDocument per usable line; a bad line (a record over ``max_chars`` too) is skipped and
    listed in ``context.skipped`` with its number and what to do.

    The total is bounded by the byte limit: JSON text never decodes to more characters than bytes.
    Lines are split on ``\\n`` only: U+2028 and friends may occur inside JSON strings.
    """
    name, absolute = path.name, str(path.resolve())
    lines = record_lines(data)
    context.check_records(sum(1 for line in lines if line.strip()), name)  # refused before any record is parsed
    docs, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            docs.append(_record(line, number, name, absolute, context.max_chars))
        except ValueError as err:
            problems.append(f"line {number}: {err}")
            context.skipped.append((f"{name} line {number}", f"{err}; {LINE_FIX}"))
            log.warning("%s line %d skipped: %s", name, number, err)
    if not docs:
        shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        raise InputError(f"no usable JSONL record ({shown}); each line must be a JSON object "
                         'with a non-empty "text" field')
    return docs


def record_lines(data: bytes) -> list[str]:
    """The lines of a JSON Lines file (blank ones too, so a line's number is its index + 1)."""
    return decode_text(data).removeprefix("\ufeff").split("\n")


def count_records(data: bytes) -> int:
    """How many records (non-blank lines) a JSON Lines file holds, without parsing them."""
    return sum(1 for line in record_lines(data) if line.strip())


def _record(line: str, number: int, name: str, absolute: str, max_chars: int) -> RawDocument:
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
    meta = {k: str(v) for k, v in ((k, record.get(k)) for k in META_FIELDS) if v is not None and str(v).strip()}
    ref = meta.get("id", f"L{number}")
    return RawDocument(source=f"{name}#{ref}", text=normalise_text(text), path=absolute, meta=meta)

"""Files sent through the web UI or the HTTP API: checked, kept in the upload folder, then indexed.

A bad file (wrong type, too large, an unsafe name) or a request over the record bound
(POLICYQA_MAX_UPLOAD_RECORDS) is refused with a message before anything is written, so
nothing already indexed is touched.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import InputError
from vectorstore.runtime.limits import DEFAULT_MAX_TEXT_CHARS
from vectorstore.readers import SUPPORTED_SUFFIXES, ReadLimits, accepted, check_file
from vectorstore.readers.jsonl import count_records

DEFAULT_MAX_UPLOAD_RECORDS = 5000
MAX_NAME_BYTES = 200  # file systems take 255 bytes; room for the .part of a write
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the user gave it, and its bytes."""

    name: str
    content: bytes


def safe_name(name: str) -> str:
    """The file's own name with path parts and unsafe characters removed."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    if not base:
        raise InputError(f"the file name {name!r} is empty or unsafe; rename the file and upload it again")
    if len(base.encode()) <= MAX_NAME_BYTES:
        return base
    suffix = Path(base).suffix if len(Path(base).suffix) <= 16 else ""
    stem = base[:len(base) - len(suffix)].encode()[:MAX_NAME_BYTES - len(suffix.encode())]
    return stem.decode(errors="ignore").rstrip(" .") + suffix  # shortened to what a file system takes, type kept


def check(upload: Upload, max_bytes: int, max_chars: int = DEFAULT_MAX_TEXT_CHARS,
          limits: ReadLimits | None = None) -> str:
    """The name to store the upload under; InputError when it cannot be indexed."""
    name = safe_name(upload.name)
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"{name}: {suffix or 'no extension'} files cannot be indexed; "
                         f"upload one of {accepted()}")
    if not upload.content:
        raise InputError(f"{name}: the file is empty")
    if len(upload.content) > max_bytes:
        raise InputError(f"{name}: {len(upload.content) / 2**20:.1f} MB is over the "
                         f"{max_bytes / 2**20:.0f} MB limit (POLICYQA_MAX_FILE_MB)")
    _readable(name, upload.content, limits or ReadLimits(max_bytes=max_bytes, max_chars=max_chars))
    return name


def _readable(name: str, content: bytes, limits: ReadLimits) -> None:
    """Parse the file in a scratch folder first: a broken file never replaces a good one.

    A scan (image, PDF pages without text) is checked, not OCR'd: its pixels, pages,
    page sizes and the OCR tools; the ingest that follows reads it once.
    """
    with tempfile.TemporaryDirectory(prefix="policyqa-upload-") as scratch:
        path = Path(scratch) / name
        path.write_bytes(content)
        try:
            check_file(path, limits)
        except InputError as error:
            raise InputError(f"{name}: {error}") from None


def check_records(uploads: list[Upload], max_records: int) -> None:
    """InputError when the uploads hold more records in all (a .jsonl line, any other file) than one upload may."""
    counts = [(upload.name, records_of(upload)) for upload in uploads]
    total = sum(count for _, count in counts)
    if total > max_records:
        largest = ", ".join(f"{name} {count:,}" for name, count in sorted(counts, key=lambda c: -c[1])[:3])
        raise InputError(f"these files hold {total:,} records in all ({largest}), over the {max_records:,} one "
                         "upload may hold (POLICYQA_MAX_UPLOAD_RECORDS); upload them in parts")


def records_of(upload: Upload) -> int:
    """How many speeches an upload may give: the lines of a .jsonl, else one."""
    return count_records(upload.content) if upload.name.lower().endswith(".jsonl") else 1


def store(uploads: list[Upload], folder: Path, max_bytes: int, max_chars: int = DEFAULT_MAX_TEXT_CHARS,
          limits: ReadLimits | None = None, max_records: int = DEFAULT_MAX_UPLOAD_RECORDS) -> list[Path]:
    """Check every upload first, then write them all into ``folder``; returns the written paths."""
    if not uploads:
        raise InputError(f"no file was uploaded; choose one or more files ({accepted()})")
    check_records(uploads, max_records)
    names = [check(upload, max_bytes, max_chars, limits) for upload in uploads]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, upload in zip(names, uploads):
        path = folder / name
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(upload.content)
        partial.replace(path)
        paths.append(path)
    return paths

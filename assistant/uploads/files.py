"""Files sent through the web UI or the HTTP API: checked, kept in the upload folder, then indexed.

A bad file (wrong type, too large, an unsafe name) or a request over the record bound
(POLICYQA_MAX_UPLOAD_RECORDS) is refused with a message before anything is written, so
nothing already indexed is touched. The files are kept in two steps: all are written as
``name.part`` (with the space checked first), then renamed: a full disk or a read-only folder
leaves the folder as it was (vectorstore/runtime/faults.py words the error).
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import InputError, without_paths
from vectorstore.runtime.faults import check_space, writing
from vectorstore.runtime.limits import DEFAULT_MAX_TEXT_CHARS
from vectorstore.readers import SUPPORTED_SUFFIXES, ReadLimits, accepted, check_file
from vectorstore.readers.jsonl import count_records

log = logging.getLogger(__name__)
DEFAULT_MAX_UPLOAD_RECORDS = 5000
UPLOAD_SETTING = "POLICYQA_UPLOAD_DIR"
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
    temporary = Path(tempfile.gettempdir())
    with writing(temporary, "TMPDIR", len(content)):
        scratch = tempfile.TemporaryDirectory(prefix="policyqa-upload-")
    with scratch:
        path = Path(scratch.name) / name
        with writing(temporary, "TMPDIR", len(content)):
            path.write_bytes(content)
        try:
            check_file(path, limits)
        except InputError as error:
            raise InputError(f"{name}: {error}") from None


def checked(uploads: list[Upload], max_bytes: int, max_chars: int = DEFAULT_MAX_TEXT_CHARS,
            limits: ReadLimits | None = None, max_records: int = DEFAULT_MAX_UPLOAD_RECORDS) -> list[str]:
    """The names to keep the uploads under, once every check passed (nothing is written but scratch copies)."""
    if not uploads:
        raise InputError(f"no file was uploaded; choose one or more files ({accepted()})")
    check_records(uploads, max_records)
    return [check(upload, max_bytes, max_chars, limits) for upload in uploads]


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


def keep(names: list[str], uploads: list[Upload], folder: Path) -> list[Path]:
    """Write the checked uploads into ``folder`` under ``names``: all or none (DiskFullError,
    ReadOnlyIndexError naming the folder); returns their paths."""
    paths = [folder / name for name in names]
    parts = [path.with_name(path.name + ".part") for path in paths]
    try:
        with writing(folder, UPLOAD_SETTING, sum(len(upload.content) for upload in uploads)):
            folder.mkdir(parents=True, exist_ok=True)
            check_space(folder, sum(len(upload.content) for upload in uploads), UPLOAD_SETTING)
            for part, upload in zip(parts, uploads):
                part.write_bytes(upload.content)
    except BaseException:
        remove_parts(paths)
        raise
    for part, path in zip(parts, paths):
        part.replace(path)
    return paths


def remove_parts(paths: list[Path]) -> None:
    """Remove the ``.part`` files a write of ``paths`` left (a failed or killed one)."""
    for path in paths:
        try:
            path.with_name(path.name + ".part").unlink(missing_ok=True)
        except OSError as error:
            log.warning("cannot remove %s.part: %s", path.name, error)


def store(uploads: list[Upload], folder: Path, max_bytes: int, max_chars: int = DEFAULT_MAX_TEXT_CHARS,
          limits: ReadLimits | None = None, max_records: int = DEFAULT_MAX_UPLOAD_RECORDS) -> list[Path]:
    """Check every upload first, then write them all into ``folder``; returns the written paths."""
    return keep(checked(uploads, max_bytes, max_chars, limits, max_records), uploads, folder)


def shown_skipped(skipped, paths: list[Path], uploads: list[Upload]) -> tuple[tuple[str, str], ...]:
    """What an upload's ingest skipped, each file named as the user named it (never its place on the server)."""
    names = {str(path): upload.name for path, upload in zip(paths, uploads)}
    names.update({path.name: upload.name for path, upload in zip(paths, uploads)})

    def shown(what: str) -> str:
        file, _, rest = what.partition(" line ")  # "讲话.jsonl line 3" names a part of the file
        return names.get(file, without_paths(file)) + (f" line {rest}" if rest else "")

    return tuple((shown(what), without_paths(why)) for what, why in skipped)

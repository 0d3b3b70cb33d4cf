"""What every reader shares: the limits of one read, its clock and progress, small helpers.

A reader is ``read(data: bytes, path: Path, context: ReadContext) -> list[RawDocument]``;
it raises :class:`~vectorstore.errors.InputError` with a one-line reason (without
the path; callers add it) for anything a user can fix.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from vectorstore.errors import InputError
from vectorstore.runtime.limits import DEFAULT_MAX_TEXT_CHARS
from vectorstore.speech.types import RawDocument

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PAGES = 300
DEFAULT_MAX_RECORDS = 2000
DEFAULT_MAX_SECONDS = 600.0


@dataclass(frozen=True)
class ReadLimits:
    """How far one file may go: bytes on disk, characters of text, pages, seconds of reading (OCR)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_chars: int = DEFAULT_MAX_TEXT_CHARS
    max_pages: int = DEFAULT_MAX_PAGES
    max_records: int = DEFAULT_MAX_RECORDS  # records of one record file (.jsonl): each is a speech to index
    max_seconds: float = DEFAULT_MAX_SECONDS
    ocr_workers: int | None = None  # pages OCR'd at once; None = every core
    ocr_engine: str = "auto"  # vectorstore/readers/engines.py: auto, rapidocr or tesseract

    @property
    def workers(self) -> int:
        return max(1, self.ocr_workers or os.cpu_count() or 1)


@dataclass
class ReadContext:
    """One read in progress: its limits, when it must be done by, whether to show a page bar, and
    the parts of the file it left out as ``(what, reason)`` (a bad ``.jsonl`` line)."""

    limits: ReadLimits
    progress: bool = False
    started: float = field(default_factory=time.monotonic)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def max_chars(self) -> int:
        return self.limits.max_chars

    def remaining(self) -> float:
        """Seconds left before the time limit."""
        return self.limits.max_seconds - (time.monotonic() - self.started)

    def check_time(self, done: int, total: int) -> None:
        """Raise once the read is past its time limit (``done`` of ``total`` pages read)."""
        if self.remaining() <= 0:
            raise time_limit_error(self.limits.max_seconds, done, total)

    def check_pages(self, count: int, what: str = "the file") -> None:
        if count > self.limits.max_pages:
            raise InputError(f"{what} has {count:,} pages, over the {self.limits.max_pages:,} page limit "
                             "(POLICYQA_MAX_PAGES); split it")

    def check_records(self, count: int, what: str = "the file") -> None:
        if count > self.limits.max_records:
            raise InputError(f"{what} holds {count:,} records, over the {self.limits.max_records:,} record limit "
                             "(POLICYQA_MAX_RECORDS); split it or raise the limit")


def time_limit_error(seconds: float, done: int, total: int) -> InputError:
    return InputError(f"reading took over {seconds:.0f} s ({done} of {total} pages done, OCR is slow); "
                      "raise POLICYQA_MAX_READ_SECONDS or split the file")


def document(path: Path, text: str, meta: dict | None = None, pages: tuple[int, ...] = ()) -> RawDocument:
    """The one RawDocument of a file that is one document."""
    return RawDocument(source=path.name, text=text, path=str(path.resolve()), meta=meta or {}, page_starts=pages)


def nonblank(text: str, reason: str) -> str:
    if not text.strip():
        raise InputError(reason)
    return text


def one_line(err: BaseException) -> str:
    """A short single-line summary of an exception from a third-party parser or tool."""
    msg = " ".join(str(err).split()) or type(err).__name__
    return msg[:160]


def mb(n: int, *, exact: bool = False) -> str:
    """``52.4 MB``; with ``exact`` a round limit prints as ``20 MB``."""
    value = n / (1024 * 1024)
    if exact and value >= 1 and value == int(value):
        return f"{int(value)} MB"
    return f"{value:.1f} MB" if value >= 0.1 else f"{n} bytes"

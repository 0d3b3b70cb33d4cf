"""Faults of the machine under a write, as the errors of our tree: a full disk, a folder made read-only.

Chroma (its SQLite), the keyword index file and the upload folder fail in their own words:
``OSError(ENOSPC)``, ``PermissionError``, chromadb's ``InternalError("... database or disk is full")``
or ``("... attempt to write a readonly database")``. :func:`writing` turns each into
:class:`~vectorstore.errors.DiskFullError` or :class:`~vectorstore.runtime.access.ReadOnlyIndexError`
naming the folder and the setting that moves it; anything else passes unchanged.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vectorstore.errors import DiskFullError, PolicyQAError
from vectorstore.runtime.access import ReadOnlyIndexError

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
FULL_WORDS = ("database or disk is full", "no space left on device", "disk quota exceeded")
READ_ONLY_WORDS = ("readonly database", "read-only file system", "permission denied")


@contextmanager
def writing(folder: Path, setting: str = "POLICYQA_INDEX_DIR", needed: int | None = None) -> Iterator[None]:
    """Writes to ``folder`` (moved by ``setting``): a full disk or a read-only folder raises our error."""
    try:
        yield
    except PolicyQAError:
        raise
    except Exception as error:
        fault = fault_of(error, folder, setting, needed)
        if fault is None:
            raise
        raise fault from error


def fault_of(error: BaseException, folder: Path, setting: str, needed: int | None = None) -> PolicyQAError | None:
    """The error of our tree ``error`` (or an error it was raised from) means; None when it is no such fault."""
    for cause in _chain(error):
        kind = _kind(cause)
        if kind == "full":
            return DiskFullError(folder, setting, needed, free_space(folder) if needed is not None else None)
        if kind == "read-only":
            return ReadOnlyIndexError(folder, setting)
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _kind(error: BaseException) -> str | None:
    """"full", "read-only" or None, by the error number of an OSError or the words of a database error."""
    if isinstance(error, OSError) and error.errno is not None:
        return "full" if error.errno in FULL_ERRNOS else "read-only" if error.errno in READ_ONLY_ERRNOS else None
    text = str(error).lower()
    if any(words in text for words in FULL_WORDS):
        return "full"
    return "read-only" if any(words in text for words in READ_ONLY_WORDS) else None


def free_space(folder: Path) -> int | None:
    """Bytes free on the disk of ``folder`` (or of its nearest existing parent); None when unknown."""
    where = Path(folder).absolute()
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        return shutil.disk_usage(where).free
    except OSError:
        return None


def check_space(folder: Path, needed: int, setting: str) -> None:
    """DiskFullError before anything is written when the disk of ``folder`` has less than ``needed`` free."""
    free = free_space(folder)
    if free is not None and free < needed:
        raise DiskFullError(folder, setting, needed, free)

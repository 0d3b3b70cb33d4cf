"""Sharing an index folder: folders this process cannot write, and writes by other processes.

* A folder is read-only for this process when the file system is mounted
  read-only, the files belong to another user, or they are immutable.
  :func:`unwritable` tells, without writing anything (``os.access`` sees all
  three cases, root included).  Such an index is read from a private copy
  (:func:`private_copy`): Chroma's SQLite opens its database read-write.
* Another process (a CLI ``policyqa ingest``) ends every write by replacing
  the keyword index file; :func:`file_stamp` of that file is the index's
  generation, cheap enough (one ``stat``) to check on every read.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from vectorstore.errors import InputError

log = logging.getLogger(__name__)
_WRITE = os.W_OK | os.X_OK
_COPY_PREFIX = "policyqa-readonly-index-"
_LOGGED: set[Path] = set()


class ReadOnlyIndexError(InputError):
    """A write (ingest, delete, rebuild, an upload kept) to a folder this process cannot write: the
    index's (POLICYQA_INDEX_DIR) or the upload folder (POLICYQA_UPLOAD_DIR)."""

    def __init__(self, folder: Path, setting: str = "POLICYQA_INDEX_DIR") -> None:
        what = {"POLICYQA_UPLOAD_DIR": "upload", "TMPDIR": "temporary"}.get(setting, "index")
        super().__init__(f"the {what} folder {folder} is read-only; reading works, but to add or delete "
                         f"speeches make it writable or point {setting} elsewhere")
        self.public = (f"the server's {what} folder is read-only: reading works, but speeches cannot be added "
                       f"or deleted; ask the server's administrator to make it writable ({setting})")
        self.folder = folder


def unwritable(folder: Path, files: tuple[str, ...] = ()) -> Path | None:
    """The folder (``folder`` or, while it does not exist, its nearest parent) if this process
    cannot write it or the named ``files`` in it; None when it can."""
    existing = Path(folder).absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not os.access(existing, _WRITE):
        return existing
    blocked = [name for name in files if (existing / name).exists() and not os.access(existing / name, os.W_OK)]
    return existing if blocked else None


def note_read_only(folder: Path) -> None:
    """Say once per folder that an index is opened read-only."""
    if folder not in _LOGGED:
        _LOGGED.add(folder)
        log.warning("the index folder %s is read-only: reading from it; adding or deleting speeches "
                    "is refused", folder)


def create_folder(folder: Path) -> None:
    """Create the index folder; a one-line error when the place is read-only."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create the index folder {folder} ({error.strerror}); make its parent "
                         "writable or point POLICYQA_INDEX_DIR elsewhere") from error


def private_copy(source: Path) -> Path:
    """A temporary writable copy of a Chroma folder (removed at exit); SQLite copied consistently."""
    _remove_stale_copies()
    target = Path(tempfile.mkdtemp(prefix=f"{_COPY_PREFIX}{os.getpid()}-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.sqlite3*"))
        for database in source.glob("*.sqlite3"):
            _copy_database(database, target / database.name)
    log.info("reading a copy of %s in %s", source, target)
    return target


def _remove_stale_copies() -> None:
    """Remove copies left by processes that were killed (atexit never ran); only our own."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_COPY_PREFIX}*"):
        pid = folder.name.removeprefix(_COPY_PREFIX).split("-")[0]
        try:
            mine = folder.stat().st_uid == os.getuid()
        except OSError:
            continue
        if mine and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _copy_database(source: Path, target: Path) -> None:
    """SQLite's backup API gives a consistent snapshot even while another process writes."""
    try:
        uri = f"{source.absolute().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        return
    except sqlite3.Error as error:  # e.g. a hot journal it cannot roll back on a read-only mount
        log.debug("cannot back up %s (%s); copying the file", source, error)
    target.unlink(missing_ok=True)
    shutil.copyfile(source, target)


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """Identity of a file's current version (inode, mtime, size); None when it is missing."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size

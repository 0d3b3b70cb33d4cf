"""One writer per index folder: a lock file that names its holder.

Two servers (or a server and a CLI ``policyqa ingest``) on one index folder used to write at once:
the one that saved its keyword index last dropped the other's chunks from it. Every write now
takes :class:`WriterLock` first: an exclusive ``flock`` on ``<folder>/writer.lock`` (released by
the kernel when the holder exits, so a killed writer leaves no stale lock), with the holder's pid,
host, start time and task written in the file. A second writer waits up to ``wait`` seconds, then
gets :class:`IndexBusyError`, one line naming the holder. Readers never take it. Within one process
the lock is re-entrant (an ingest that removes vanished speeches holds it once).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from vectorstore.errors import PolicyQAError

log = logging.getLogger(__name__)

__all__ = ["IndexBusyError", "LOCK_FILE", "WriterLock"]

LOCK_FILE = "writer.lock"
_POLL_SECONDS = 0.1


class IndexBusyError(PolicyQAError):
    """Another process is writing the index; the message names it and says what to do."""

    def __init__(self, holder: dict, waited: float) -> None:
        who = f"process {holder.get('pid', '?')} on {holder.get('host', '?')}"
        since = time.strftime("%H:%M:%S", time.localtime(holder["since"])) if holder.get("since") else "a while"
        task = f" ({holder['task']})" if holder.get("task") else ""
        super().__init__(f"the index is being written by {who}{task} since {since}; waited {waited:.0f} s. "
                         "Try again when it has finished, or stop that process")
        self.holder = holder


class WriterLock:
    """The write lock of one index folder (``None`` folder: a store with no local folder, nothing to lock)."""

    def __init__(self, folder: Path | None, wait: float = 10.0) -> None:
        self.path = Path(folder) / LOCK_FILE if folder is not None else None
        self.wait = wait
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._handle: int | None = None

    @contextmanager
    def held(self, task: str = "") -> Iterator[None]:
        """Hold the lock for a write (waiting up to ``wait`` seconds for another writer)."""
        if not self._thread_lock.acquire(timeout=max(self.wait, 0.0)):
            raise IndexBusyError({"pid": os.getpid(), "host": socket.gethostname(), "task": "another thread's write"},
                                 self.wait)
        try:
            if self._depth == 0 and self.path is not None:
                self._take(task)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._let_go()
        finally:
            self._thread_lock.release()

    def holder(self) -> dict:
        """Who holds (or last held) the lock, as its file says: pid, host, since, task."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8")) if self.path else {}
        except (OSError, ValueError):
            return {}

    def _take(self, task: str) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - started >= self.wait:
                    os.close(handle)
                    raise IndexBusyError(self.holder(), time.monotonic() - started) from None
                time.sleep(_POLL_SECONDS)
        self._handle = handle
        self._write_holder(task)

    def _write_holder(self, task: str) -> None:
        record = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time(), "task": task}
        os.ftruncate(self._handle, 0)
        os.pwrite(self._handle, json.dumps(record).encode(), 0)
        log.debug("took the index writer lock %s for %s", self.path, task or "a write")

    def _let_go(self) -> None:
        import fcntl

        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None

"""One gate for the CPU-heavy work (embedding, generation), with questions first.

Embedding and generation each use both cores, so they never run at once. An
ingest takes the gate in the background, one embedding batch or index write at
a time, and waits while any question is waiting: a question waits for at most
the batch in progress, never for a whole upload. The gate is not tied to a
thread, so a streamed answer may take it in one worker thread and release it
in another.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ComputeGate:
    """Mutual exclusion where foreground work (questions) goes before background work (ingest)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy = False
        self._waiting = 0  # foreground callers waiting for the gate

    @contextmanager
    def foreground(self) -> Iterator[None]:
        with self._changed:
            self._waiting += 1
            try:
                self._changed.wait_for(lambda: not self._busy)
            finally:
                self._waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            self._release()

    @contextmanager
    def background(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._busy and not self._waiting)
            self._busy = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        with self._changed:
            self._busy = False
            self._changed.notify_all()

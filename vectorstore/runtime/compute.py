"""One gate for the CPU-heavy work (embedding, generation), with questions first and in turn.

Embedding and generation each use both cores, so they never run at once. An
ingest takes the gate in the background, one embedding batch or index write at
a time, and waits while any question is waiting: a question waits for at most
the batch in progress, never for a whole upload. Questions are served first
come, first served: each waiting question has its own turn (an event) in a
queue, and a release hands the gate straight to the question at its head, so
none is overtaken, and twenty questions at once each wait for the ones before
it only. The background goes when no question waits. The gate is not tied to
a thread, so a streamed answer may take it in one worker thread and release it
in another.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Event

__all__ = ["ComputeGate"]


class ComputeGate:
    """Mutual exclusion where foreground work (questions) goes before background work (ingest),
    and foreground callers are served in the order they came."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy = False  # someone holds the gate
        self._turns: deque[Event] = deque()  # the waiting foreground callers' turns, first come first
        self._idle = threading.Condition(self._lock)  # background callers wait on it for a free gate
        self._background_waiting = 0

    @property
    def waiting(self) -> tuple[int, int]:
        """How many foreground and background callers wait for the gate now."""
        with self._lock:
            return len(self._turns), self._background_waiting

    @contextmanager
    def foreground(self) -> Iterator[None]:
        self._take_turn()
        try:
            yield
        finally:
            self._release()

    @contextmanager
    def background(self) -> Iterator[None]:
        with self._lock:
            self._background_waiting += 1
            try:
                self._idle.wait_for(lambda: not self._busy and not self._turns)
            finally:
                self._background_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            self._release()

    def _take_turn(self) -> None:
        """Hold the gate: at once when it is free and no question waits, else after those queued before."""
        with self._lock:
            if not self._busy and not self._turns:
                self._busy = True
                return
            turn = Event()
            self._turns.append(turn)
        try:
            turn.wait()
        except BaseException:  # interrupted while queued: leave the queue, or pass on a gate handed meanwhile
            self._leave(turn)
            raise

    def _leave(self, turn: Event) -> None:
        with self._lock:
            if turn in self._turns:
                self._turns.remove(turn)
                return
        self._release()

    def _release(self) -> None:
        """Hand the gate to the first waiting question (it stays busy), else free it for the background."""
        with self._lock:
            if self._turns:
                self._turns.popleft().set()
                return
            self._busy = False
            self._idle.notify_all()

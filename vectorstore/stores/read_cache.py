"""What a store's reads found, kept until its next write.

Every question reads the same few things many times over (the speech records some eight times,
the chunk count, neighbouring chunks, the vectors of the passages it compares), and each read of
Chroma costs about a millisecond whatever it returns. A :class:`ReadCache` keeps them: values by
key, and chunks and vectors by chunk id. A store calls :meth:`ReadCache.changed` before and after
each write and on reloading what another process wrote. A value read while a write was under way
is not kept (its generation is gone by the time it would be), so a reader never keeps a stale one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from typing import Any

__all__ = ["ReadCache"]

_MISSING = object()
MAX_PER_ID = 20_000  # chunks (or vectors) kept at most: about 20 MB of the scale index's


class ReadCache:
    """Values by key and items by chunk id (kinds "chunks", "vectors"), dropped at every change."""

    def __init__(self, max_per_id: int = MAX_PER_ID) -> None:
        self._lock = threading.Lock()
        self._generation = 0  # counts the changes: a value is kept only in the generation it was read in
        self._values: dict[Hashable, Any] = {}
        self._by_id: dict[str, dict[str, Any]] = {}
        self.max_per_id = max_per_id

    def changed(self) -> None:
        """The store is being (or has been) written: forget everything read so far."""
        with self._lock:
            self._generation += 1
            self._values, self._by_id = {}, {}

    def value(self, key: Hashable, read: Callable[[], Any]) -> Any:
        """The value read for ``key`` since the last change, else ``read()`` (kept)."""
        with self._lock:
            generation, found = self._generation, self._values.get(key, _MISSING)
        if found is not _MISSING:
            return found
        found = read()
        with self._lock:
            if generation == self._generation:
                self._values[key] = found
        return found

    def by_id(self, kind: str, ids: Iterable[str], read: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
        """The items of ``kind`` with these ids that exist; ``read(missing ids)`` gives those not kept yet
        (an id it does not give is kept as absent)."""
        ids = list(dict.fromkeys(ids))
        with self._lock:
            generation, kept = self._generation, self._by_id.get(kind, {})
            found = {i: kept[i] for i in ids if i in kept}
        missing = [i for i in ids if i not in found]
        if missing:
            fetched = read(missing)
            found.update(fetched)
            self._keep(kind, generation, {i: fetched.get(i) for i in missing})
        return {i: item for i, item in found.items() if item is not None}

    def _keep(self, kind: str, generation: int, items: dict[str, Any]) -> None:
        with self._lock:
            if generation != self._generation:
                return
            kept = self._by_id.setdefault(kind, {})
            if len(kept) + len(items) > self.max_per_id:
                kept.clear()
            kept.update(items)

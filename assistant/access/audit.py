"""The audit log: one JSON line per change (upload, delete, key added or revoked), appended in the
index folder (``audit.jsonl``): time, who (the key's name), action, what it touched."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["AuditLog"]

FILE = "audit.jsonl"
log = logging.getLogger(__name__)


class AuditLog:
    def __init__(self, folder: Path):
        self.path = Path(folder) / FILE
        self._lock = threading.Lock()

    def record(self, who: str, action: str, **what) -> None:
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "who": who, "action": action, **what}
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        except OSError as error:  # a read-only index folder: the change itself was refused or went through
            log.warning("could not append to the audit log %s: %s", self.path, error)

    def entries(self, since: str | None = None) -> list[dict]:
        """The entries, oldest first; ``since`` an ISO date or time (entries at or after it)."""
        if not self.path.exists():
            return []
        found = [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [entry for entry in found if since is None or entry["time"] >= since]

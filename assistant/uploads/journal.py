"""Uploads under way: a marker for each upload request, from before its files are kept until they are indexed.

A marker stays behind when its upload was not finished: the process was killed, the server
stopped (an ingest stops at its next batch), or a write failed (a full disk). At the next start
(the server's, or a ``policyqa ingest``) :func:`finish_unfinished` finishes or undoes each marker
whose process is gone:

* resumed: the files it names that are in the upload folder are indexed again; an ingest is
  incremental, so the speeches indexed already stay as they are and the rest are added;
* rolled back: none of its files was kept (it stopped while writing them): its ``.part`` files
  are removed, and nothing of it was indexed.

Each is logged, written to the audit log (``policyqa audit``) and returned as a note (the web
UI's library tab shows them). A marker is ``<upload folder>/.unfinished/<id>.json``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant.uploads.files import UPLOAD_SETTING, remove_parts
from vectorstore.errors import PolicyQAError, public_message
from vectorstore.runtime.faults import writing

log = logging.getLogger(__name__)
FOLDER = ".unfinished"


def process_token(pid: int) -> str:
    """``pid:start``: the process, and when it started (a pid is reused, in a container at every start)."""
    try:
        start = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        start = "?"
    return f"{pid}:{start}"


PROCESS = process_token(os.getpid())
_ACTIVE: set[str] = set()  # markers of the uploads under way in this process
_ACTIVE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Marker:
    """One upload request under way: its files in the upload folder, as the user named them, where
    they go, who sent them, when, and the process indexing them."""

    id: str
    files: tuple[str, ...]
    names: tuple[str, ...]
    collection: str | None
    actor: str
    time: str
    process: str = PROCESS

    @property
    def shown(self) -> str:
        return "、".join(self.names)


class UploadJournal:
    """The markers of one upload folder."""

    def __init__(self, uploads: Path):
        self.uploads = Path(uploads)
        self.folder = self.uploads / FOLDER

    def begin(self, files: list[str], names: list[str], collection: str | None, actor: str) -> Marker:
        """Write the marker of an upload about to be kept (a full disk or read-only folder: our error)."""
        marker = Marker(uuid.uuid4().hex, tuple(files), tuple(names), collection, actor,
                        datetime.now(timezone.utc).isoformat(timespec="seconds"))
        path = self.folder / f"{marker.id}.json"
        with writing(self.uploads, UPLOAD_SETTING):
            self.folder.mkdir(parents=True, exist_ok=True)
            path.with_suffix(".part").write_text(json.dumps(asdict(marker), ensure_ascii=False), encoding="utf-8")
            path.with_suffix(".part").replace(path)
        with _ACTIVE_LOCK:
            _ACTIVE.add(marker.id)
        return marker

    def end(self, marker: Marker) -> None:
        """The upload is done (or undone): its marker goes."""
        self.release(marker)
        try:
            (self.folder / f"{marker.id}.json").unlink(missing_ok=True)
        except OSError as error:
            log.warning("cannot remove the upload marker %s: %s", marker.id, error)

    def release(self, marker: Marker) -> None:
        """This process stops working on the upload; its marker stays for the next start."""
        with _ACTIVE_LOCK:
            _ACTIVE.discard(marker.id)

    def left_over(self) -> list[Marker]:
        """The markers of uploads no running process works on, oldest first."""
        markers = [marker for marker in map(self._read, sorted(self.folder.glob("*.json"))) if marker]
        return sorted((marker for marker in markers if _abandoned(marker)), key=lambda marker: marker.time)

    def _read(self, path: Path) -> Marker | None:
        """The marker in ``path``; an unreadable one (killed while written: nothing kept yet) is removed."""
        try:
            fields = json.loads(path.read_text(encoding="utf-8"))
            return Marker(**{**fields, "files": tuple(fields["files"]), "names": tuple(fields["names"])})
        except (OSError, ValueError, TypeError, KeyError) as error:
            log.warning("removing the unreadable upload marker %s (%s)", path.name, error)
            path.unlink(missing_ok=True)
            return None


def _abandoned(marker: Marker) -> bool:
    """True when no process works on the upload: not under way here, and its process is gone."""
    if marker.process == PROCESS:
        with _ACTIVE_LOCK:
            return marker.id not in _ACTIVE
    return not _running(marker.process)


def _running(token: str) -> bool:
    pid, _, start = token.partition(":")
    if not pid.isdigit():
        return False
    if start != "?":
        return process_token(int(pid)) == token
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def finish_unfinished(journal: UploadJournal, ingest: Callable, audit) -> list[str]:
    """Resume or roll back every upload left unfinished; ``ingest(paths, collection)`` indexes files
    (an IngestReport). Returns one note per upload, as logged."""
    notes = [_finish(journal, marker, ingest, audit) for marker in journal.left_over()]
    for note in notes:
        log.warning("%s", note)
    return notes


def _finish(journal: UploadJournal, marker: Marker, ingest: Callable, audit) -> str:
    paths = [journal.uploads / name for name in marker.files]
    remove_parts(paths)
    kept = [path for path in paths if path.is_file()]
    if not kept:
        journal.end(marker)
        audit.record("system", "upload rolled back", files=list(marker.names), sent=marker.time)
        return (f"rolled back the upload of {marker.shown} (sent {marker.time}): it stopped before its files were "
                "kept, so nothing of it is indexed; upload it again")
    try:
        report = ingest(kept, marker.collection)
    except Exception as error:  # a full disk, a read-only index: the marker stays for the next start
        if not isinstance(error, PolicyQAError):
            log.exception("cannot finish the upload of %s", marker.shown)
        return (f"could not finish the upload of {marker.shown} (sent {marker.time}): {public_message(error)}; "
                "it is tried again at the next start")
    journal.end(marker)
    audit.record("system", "upload resumed", files=list(marker.names), sent=marker.time,
                 added=list(report.added), updated=list(report.updated))
    return f"resumed the upload of {marker.shown} (sent {marker.time}), unfinished at the last stop: {report.summary()}"

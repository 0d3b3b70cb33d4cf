"""Which indexed file a file on disk is: the key its speech ids start with.

A file's key is its name, unless another file of that name is indexed already:
then it gets ``name~2``, ``name~3`` … (``a/讲话.docx`` and ``b/讲话.docx`` are two
speeches, and an upload never replaces a speech of ``data/``). A file keeps its
key from one ingest to the next because the key is found by the file's path. A
file that moved (its old path is gone) takes over the key of its name, except
that an upload only ever takes over an earlier upload.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from vectorstore.speech.types import RawDocument


def real(path: str | Path) -> str:
    return os.path.realpath(path)


class FileKeys:
    """Assigns keys to the files of one ingest, given the records already indexed."""

    def __init__(self, records: Iterable, uploads_dir: Path | None = None):
        self._by_path: dict[str, str] = {}
        self._paths: dict[str, str] = {}  # key -> real path of the indexed file
        for record in records:
            self._by_path.setdefault(real(record.path), record.file)
            self._paths.setdefault(record.file, real(record.path))
        self._uploads = real(uploads_dir) if uploads_dir else None
        self._taken: dict[str, str] = {}  # key -> real path, for this run

    def key(self, path: Path) -> str:
        where = real(path)
        known = self._by_path.get(where)
        key = known if known is not None else self._free_key(path.name, where)
        self._taken[key] = where
        return key

    def _free_key(self, name: str, where: str) -> str:
        for number in range(1, 10_000):
            key = name if number == 1 else f"{name}~{number}"
            if self._may_take(key, where):
                return key
        raise RuntimeError(f"too many files named {name}")

    def _may_take(self, key: str, where: str) -> bool:
        if self._taken.get(key, where) != where:
            return False
        old = self._paths.get(key)
        if old is None or old == where:
            return True
        return not os.path.exists(old) and (not self._is_upload(where) or self._is_upload(old))

    def _is_upload(self, where: str) -> bool:
        return self._uploads is not None and os.path.dirname(where) == self._uploads


def keyed(document: RawDocument, name: str, key: str) -> RawDocument:
    """The document with its source (and so its speech ids) under the file's key."""
    if key == name:
        return document
    return replace(document, source=key + document.source[len(name):])

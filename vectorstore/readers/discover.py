"""Finding the files to read: directories walked, unsupported types skipped with a reason."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from vectorstore.readers.registry import READERS, accepted

_SUFFIX_HINTS = {
    ".docm": "save it as .docx",
    ".rtf": "save it as .docx or .txt",
    ".json": "convert it to JSON Lines (.jsonl), one object per line",
    ".bmp": "save it as .png",
    ".gif": "save it as .png",
    ".webp": "save it as .png",
}


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and directories into loadable files.

    Returns ``(files, skipped)``: ``files`` in a stable order without duplicates,
    ``skipped`` as ``(path, one-line reason)``.  Directories are searched
    recursively; hidden files/directories and ``README.md`` files inside them are
    skipped silently.  Files named explicitly are taken as given.
    """
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = _walk(path, skipped)
        elif path.exists():
            candidates = [path]
        else:
            skipped.append((str(raw), "no such file or directory"))
            continue
        for file in candidates:
            reason = unsupported_reason(file)
            if reason:
                skipped.append((str(file), reason))
            elif file.resolve() not in seen:
                seen.add(file.resolve())
                files.append(file)
    return files, skipped


def _walk(root: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    """All visible files below ``root`` (sorted), minus directory READMEs."""

    def on_error(err: OSError) -> None:
        skipped.append((str(err.filename), f"cannot read the directory: {err.strerror}"))

    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith(".") and name.lower() != "readme.md":
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.parts)


def unsupported_reason(path: Path) -> str | None:
    """Why ``path`` cannot be loaded (by its type and suffix), or None if it can."""
    if path.exists() and not path.is_file():
        return "not a regular file"
    suffix = path.suffix.lower()
    if suffix in READERS:
        return None
    if not suffix:
        return f"file has no extension (accepted: {accepted()}); rename it, e.g. to .txt"
    hint = _SUFFIX_HINTS.get(suffix)
    return f"unsupported file type {suffix} (accepted: {accepted()})" + (f"; {hint}" if hint else "")

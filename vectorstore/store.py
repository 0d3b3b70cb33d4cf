"""The names older code imports from here; the stores live in vectorstore/stores/.

``SpeechIndex`` is the Chroma store (:class:`vectorstore.stores.chroma.ChromaStore`);
code that must work on either store types against
:class:`vectorstore.stores.protocol.SpeechStore`.
"""

from __future__ import annotations

from pathlib import Path

from vectorstore.records import SpeechRecord, date_number, record_from_metadata, record_metadata
from vectorstore.stores.chroma import ChromaStore
from vectorstore.stores.chroma import drop_chroma as drop_index
from vectorstore.stores.chunks import chunk_from_record, chunk_metadata, indexed_text
from vectorstore.stores.protocol import INDEX_FORMAT, IndexIdentity, ScoredChunk, SpeechStore

__all__ = ["INDEX_FORMAT", "IndexIdentity", "SpeechIndex", "SpeechStore", "SpeechRecord", "ScoredChunk",
           "date_number", "indexed_text", "drop_index", "chunk_metadata", "chunk_from_record", "record_metadata",
           "record_from_metadata", "directory_size"]

SpeechIndex = ChromaStore


def directory_size(directory: Path) -> int:
    """Bytes under a directory (0 when it does not exist)."""
    directory = Path(directory)
    if not directory.exists():
        return 0
    if directory.is_file():
        return directory.stat().st_size
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())

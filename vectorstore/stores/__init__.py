"""Where chunks and speech records live: one protocol (:class:`SpeechStore`), two stores.

* :class:`~vectorstore.stores.chroma.ChromaStore`: Chroma (embedded or a server) for the
  vectors and the documents, plus our jieba BM25 keyword index in a folder beside it
  (keyword_index.py). The default.
* :class:`~vectorstore.stores.milvus.MilvusStore`: Milvus (Lite in a file, Standalone or
  Distributed on a server) for everything, BM25 included: nothing is held on local disk
  or per process, so several app replicas can share one Milvus.

Nothing above this package knows which one runs: it types against the protocol.
"""

from pathlib import Path

from vectorstore.stores.protocol import INDEX_FORMAT, IndexIdentity, ScoredChunk, SpeechStore

__all__ = ["INDEX_FORMAT", "IndexIdentity", "ScoredChunk", "SpeechStore", "directory_size"]


def directory_size(directory: Path) -> int:
    """Bytes under a directory, or of a file (0 when it does not exist): what an index takes on disk."""
    directory = Path(directory)
    if not directory.exists():
        return 0
    if directory.is_file():
        return directory.stat().st_size
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())

"""Where chunks and speech records live: one protocol (:class:`SpeechStore`), two stores.

* :class:`~vectorstore.stores.chroma.ChromaStore`: Chroma (embedded or a server) for the
  vectors and the documents, plus our jieba BM25 keyword index in a folder beside it
  (vectorstore/keyword.py). The default.
* :class:`~vectorstore.stores.milvus.MilvusStore`: Milvus (Lite in a file, Standalone or
  Distributed on a server) for everything, BM25 included: nothing is held on local disk
  or per process, so several app replicas can share one Milvus.

Nothing above this package knows which one runs; ``vectorstore/store.py`` re-exports the
Chroma names older code imports.
"""

from vectorstore.stores.protocol import INDEX_FORMAT, IndexIdentity, ScoredChunk, SpeechStore

__all__ = ["INDEX_FORMAT", "IndexIdentity", "ScoredChunk", "SpeechStore"]

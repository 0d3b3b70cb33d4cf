"""The index side of policy-qa: documents read, modelled, chunked, embedded, stored and searched.

The names below are the Python API (``__all__``), each loaded on first use. The wings:
``readers`` (files → raw text), ``speech`` (the document model: metadata plus an outline tree with
exact offsets, and how a text becomes it), ``text`` (the tokeniser and sentences everything shares),
``embedding`` (the built-in e5 model on torch or OpenVINO), ``stores`` (Chroma or Milvus behind one
protocol), ``runtime`` (limits, read-only folders, the compute gate); ``ingest`` and ``search`` on top.
"""

from vectorstore.exports import lazy_exports as _lazy_exports

_EXPORTS = {
    **dict.fromkeys(["PolicyQAError", "InputError", "ConfigError", "ModelError", "NotFoundError",
                     "IndexMismatchError"], "vectorstore.errors"),
    **dict.fromkeys(["RawDocument", "Chunk", "Passage"], "vectorstore.speech.types"),
    **dict.fromkeys(["Speech", "SpeechMeta", "Outline", "OutlineNode"], "vectorstore.speech.model"),
    "SpeechRecord": "vectorstore.speech.records",
    "speeches_from_document": "vectorstore.speech.speeches",
    "chunk_speech": "vectorstore.speech.chunking",
    **dict.fromkeys(["load_file", "discover", "ReadLimits"], "vectorstore.readers"),
    **dict.fromkeys(["load_embeddings", "LazyEmbeddings"], "vectorstore.embedding"),
    **dict.fromkeys(["SpeechStore", "IndexIdentity"], "vectorstore.stores"),
    "ChromaStore": "vectorstore.stores.chroma",
    "MilvusStore": "vectorstore.stores.milvus",
    **dict.fromkeys(["Ingestor", "IngestReport"], "vectorstore.ingest"),
    **dict.fromkeys(["Searcher", "SearchFilters"], "vectorstore.search"),
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)

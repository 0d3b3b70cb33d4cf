"""The composition root: builds the embedder, the index and the ingestor from Settings.

Nothing here runs at import time; callers (CLI, HTTP, UI, tests) build what
they need once and pass it down. Tests swap a part by passing it in.
"""

from __future__ import annotations

import logging

from assistant.settings import Settings
from vectorstore.chunking import CHUNKER_VERSION

log = logging.getLogger(__name__)


def chunker_key(settings: Settings) -> str:
    return f"{CHUNKER_VERSION}/{settings.chunk_max_chars}"


def build_embeddings(settings: Settings):
    """The langchain ``Embeddings`` the settings name; the model loads on first use."""
    from vectorstore.embeddings import LazyEmbeddings, known_dimension, load_embeddings

    def load():
        return load_embeddings(
            settings.embedding_model, settings.cache_dir, dtype=settings.embedding_dtype,
            threads=settings.threads, batch_size=settings.embedding_batch_size,
        )

    return LazyEmbeddings(load, settings.embedding_model, known_dimension(settings.embedding_model))


def build_index(settings: Settings, embeddings=None, client=None):
    """Open (or create) the index; ``embeddings``/``client`` default to the settings' ones."""
    from vectorstore.chroma import make_client
    from vectorstore.store import IndexIdentity, SpeechIndex

    embeddings = embeddings if embeddings is not None else build_embeddings(settings)
    client = client if client is not None else make_client(
        settings.index_dir, settings.chroma_host, settings.chroma_port, settings.chroma_ssl)
    identity = IndexIdentity(embeddings.model_id, embeddings.dimension, chunker_key(settings))
    return SpeechIndex(client, embeddings, identity, settings.collection, settings.keyword_dir)


def build_ingestor(settings: Settings, index):
    from vectorstore.ingest import Ingestor

    return Ingestor(index, max_chars=settings.chunk_max_chars, chunker_key=chunker_key(settings),
                    max_bytes=settings.max_file_bytes)


def build_searcher(index):
    from vectorstore.search import Searcher

    return Searcher(index)

"""The composition root: builds the embedder, the index and the ingestor from Settings.

Nothing here runs at import time; callers (CLI, HTTP, UI, tests) build what
they need once and pass it down. Tests swap a part by passing it in.
"""

from __future__ import annotations

import logging

from assistant.settings import Settings
from vectorstore.speech.chunking import chunker_key

log = logging.getLogger(__name__)


def build_embeddings(settings: Settings):
    """The langchain ``Embeddings`` the settings name; the model loads on first use."""
    from vectorstore.embedding import (LazyEmbeddings, check_combination, embedding_identity, known_dimension,
                                       load_embeddings)
    from vectorstore.embedding.hashing import HASHING_MODEL_ID, BigramEmbeddings

    if settings.embedding_model == HASHING_MODEL_ID:
        return BigramEmbeddings()
    model, backend, precision = settings.embedding_model, settings.embedding_backend, settings.embedding_precision
    check_combination(model, backend, precision)

    def load():
        return load_embeddings(
            model, settings.cache_dir, backend=backend, precision=precision, dtype=settings.embedding_dtype,
            threads=settings.threads, batch_size=settings.embedding_batch_size, calibration_dir=settings.data_dir,
        )

    return LazyEmbeddings(load, embedding_identity(model, precision), known_dimension(model))


def build_index(settings: Settings, embeddings=None, client=None):
    """Open (or create) the index in the settings' store; ``embeddings``/``client`` (a Chroma
    client) default to the settings' ones."""
    from vectorstore.stores.chroma_client import make_client
    from vectorstore.stores.protocol import IndexIdentity
    from vectorstore.stores.chroma import ChromaStore as SpeechIndex

    embeddings = embeddings if embeddings is not None else build_embeddings(settings)
    identity = IndexIdentity(embeddings.model_id, embeddings.dimension, chunker_key(settings.chunk_max_chars))
    if settings.store == "milvus":
        return _milvus_store(settings, embeddings, identity)
    client = client if client is not None else make_client(
        settings.index_dir, settings.chroma_host, settings.chroma_port, settings.chroma_ssl)
    return SpeechIndex(client, embeddings, identity, settings.collection, settings.keyword_dir,
                       writer_wait=settings.index_write_wait)


def _milvus_store(settings: Settings, embeddings, identity):
    from vectorstore.stores.milvus import MilvusStore

    return MilvusStore(settings.milvus_path, embeddings, identity, settings.collection,
                       token=settings.milvus_token, fusion=settings.milvus_fusion, analyzer=settings.milvus_analyzer)


def drop_index(settings: Settings) -> None:
    """Delete the settings' index whatever it was built with (``ingest --rebuild``)."""
    if settings.store == "milvus":
        from vectorstore.stores.milvus import drop_milvus

        drop_milvus(settings.milvus_path, settings.milvus_token, settings.collection)
        return
    from vectorstore.stores.chroma_client import make_client
    from vectorstore.stores.chroma import drop_chroma

    client = make_client(settings.index_dir, settings.chroma_host, settings.chroma_port, settings.chroma_ssl)
    drop_chroma(client, settings.collection, settings.keyword_dir, settings.index_write_wait)


def build_ingestor(settings: Settings, index, gate=None):
    from vectorstore.ingest import Ingestor

    return Ingestor(index, max_chars=settings.chunk_max_chars, chunker_key=chunker_key(settings.chunk_max_chars),
                    max_bytes=settings.max_file_bytes, max_text_chars=settings.max_text_chars,
                    gate=gate, uploads_dir=settings.uploads_path, read_limits=settings.read_limits,
                    index_dir=settings.index_dir)


def build_searcher(index, settings: Settings | None = None):
    from vectorstore.search import Searcher

    weight = settings.keyword_weight if settings is not None else Settings.model_fields["keyword_weight"].default
    return Searcher(index, dense_weight=1.0, keyword_weight=weight)


def build_rewriter(settings: Settings, chat_model=None):
    """A chat model's follow-up rewriter, used only where the deterministic rules find no anchor."""
    if chat_model is None:
        return None
    from assistant.answering.backends.generative import llm_rewriter

    return llm_rewriter(chat_model)


def build_picker(settings: Settings, index):
    """The extractive sentence picker: the default backend, the generators' gate, the cross-speech scorer."""
    from assistant.answering.picker.extractive import ExtractiveAnswerer, Thresholds

    thresholds = Thresholds(settings.min_answer_coverage, settings.min_answer_similarity,
                            settings.min_number_coverage)
    return ExtractiveAnswerer(index.keyword.idf, index.embeddings, thresholds)


def build_answerer(settings: Settings, index, chat_model=None, picker=None):
    """Extractive without a chat model; otherwise generative, gated by the same calibrated check."""
    extractive = picker or build_picker(settings, index)
    if chat_model is None:
        return extractive
    from assistant.answering.backends.generative import GenerativeAnswerer

    return GenerativeAnswerer(chat_model, settings.llm, settings.llm_context_chars,
                              focus=extractive.answering_passages)


def build_chat_model(settings: Settings):
    """The chat model of the configured backend; None for the extractive one."""
    if settings.llm == "extractive":
        return None
    from assistant.answering.backends.llms import make_chat_model

    return make_chat_model(settings)


def ensure_default_corpus(settings: Settings, index) -> None:
    """An empty index is filled from the default corpus (data/) on first use (not a read-only one)."""
    if index.chunk_count() == 0 and settings.data_dir.exists():
        if index.read_only:
            log.warning("the index in %s is empty and read-only: not indexing the default corpus; "
                        "make the folder writable or point POLICYQA_INDEX_DIR elsewhere", index.read_only_folder)
            return
        log.info("index is empty: indexing the default corpus in %s (first run only)", settings.data_dir)
        report = build_ingestor(settings, index).ingest([settings.data_dir], progress=True)
        log.info("default corpus: %s", report.summary())


def build_assistant(settings: Settings | None = None, *, embeddings=None, client=None, chat_model=None):
    """The Assistant the settings describe; parts can be passed in (tests, custom setups)."""
    from assistant.answering.structured import StructuredAnswers
    from assistant.core import Assistant
    from assistant.retrieval.ranking import EvidenceRetriever
    from assistant.settings import load_settings
    from vectorstore.runtime.compute import ComputeGate

    settings = settings or load_settings()
    index = build_index(settings, embeddings=embeddings, client=client)
    ensure_default_corpus(settings, index)
    chat_model = chat_model if chat_model is not None else build_chat_model(settings)
    searcher = build_searcher(index, settings)
    retriever = EvidenceRetriever(index=index, searcher=searcher, k=settings.answer_passages)
    gate = ComputeGate()
    picker = build_picker(settings, index)
    return Assistant(settings, index, searcher, retriever, build_answerer(settings, index, chat_model, picker),
                     build_rewriter(settings, chat_model), ingestor=build_ingestor(settings, index, gate), gate=gate,
                     structured=StructuredAnswers(index, index.keyword.idf, picker), views=build_within)


def build_within(assistant, collections: frozenset[str]):
    """The assistant seen through some collections: the same settings, answerer, gate and audit log
    over a view of the index that holds only those collections' speeches (vectorstore/stores/view.py)."""
    from assistant.answering.structured import StructuredAnswers
    from assistant.core import Assistant
    from assistant.retrieval.ranking import EvidenceRetriever
    from vectorstore.stores.view import CollectionView

    view = CollectionView(assistant.index, collections)
    searcher = build_searcher(view, assistant.settings)
    retriever = EvidenceRetriever(index=view, searcher=searcher, k=assistant.settings.answer_passages)
    picker = build_picker(assistant.settings, view)
    return Assistant(assistant.settings, view, searcher, retriever, assistant.answerer, assistant.rewriter,
                     ingestor=assistant.ingestor, gate=assistant.gate, audit=assistant.audit,
                     structured=StructuredAnswers(view, view.keyword.idf, picker), views=build_within)

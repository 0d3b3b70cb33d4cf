"""Fakes that mean something, for the slow parts only.

``BigramEmbeddings`` (vectorstore/embedding/hashing.py) hashes character bigrams into a
fixed-size vector, so texts sharing words get similar vectors: related text
ranks higher, which is what retrieval tests need, at no model cost. The same
embedder serves subprocess tests as ``POLICYQA_EMBEDDING_MODEL=hashing``.
"""

from __future__ import annotations

from pathlib import Path

from vectorstore.embedding.hashing import BigramEmbeddings

__all__ = ["BigramEmbeddings", "app_with", "assistant_with"]


def assistant_with(root: Path, texts: dict[str, str]):
    """A real assistant (Chroma in ``root``, the bigram embedder, no default corpus) over ``texts``
    (file name → text), uploaded as a user would."""
    from assistant import factory
    from assistant.settings import load_settings
    from assistant.uploads import Upload

    settings = load_settings(index_dir=root / "index", data_dir=root / "no-default-corpus")
    built = factory.build_assistant(settings, embeddings=BigramEmbeddings())
    if texts:
        built.add_files([Upload(name, text.encode()) for name, text in texts.items()])
    return built


def app_with(root: Path, **settings_fields):
    """The whole web app (API, OpenAI API, Gradio) over a real index of the default corpus in ``root``."""
    from assistant import factory
    from assistant.faces.web.server import create_app
    from assistant.settings import load_settings

    settings = load_settings(index_dir=root / "index", **settings_fields)
    return create_app(factory.build_assistant(settings, embeddings=BigramEmbeddings()), settings)

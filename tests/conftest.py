"""Shared fixtures: settings in a temporary directory, a real Chroma, a cheap embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fakes import BigramEmbeddings

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"
SHARED = REPO.parent / "shared"
SCALE_CORPUS = SHARED / "corpus" / "scale" / "policy_texts_public.jsonl"
QUESTIONS = SHARED / "eval" / "questions.jsonl"
SEED_FILES = sorted(DATA_DIR.glob("*.txt"))


@pytest.fixture
def settings(tmp_path, monkeypatch):
    from assistant.settings import Settings

    for key in ("POLICYQA_CHROMA_HOST", "POLICYQA_EMBEDDING_MODEL", "POLICYQA_CHUNK_MAX_CHARS"):
        monkeypatch.delenv(key, raising=False)
    return Settings(index_dir=tmp_path / "index", cache_dir=model_cache_dir())


def model_cache_dir() -> Path:
    """Built models are shared by all tests (building one takes a few seconds)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("policy-qa"))


@pytest.fixture
def fake_embeddings():
    return BigramEmbeddings()


@pytest.fixture
def index(settings, fake_embeddings):
    from assistant import factory

    return factory.build_index(settings, embeddings=fake_embeddings)


@pytest.fixture
def ingestor(settings, index):
    from assistant import factory

    return factory.build_ingestor(settings, index)


@pytest.fixture
def seed_dir(tmp_path):
    """A writable copy of the seed speeches."""
    target = tmp_path / "seeds"
    target.mkdir()
    for path in SEED_FILES:
        shutil.copy(path, target / path.name)
    return target

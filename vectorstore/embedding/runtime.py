"""What every embedding runtime shares: the settings' vocabularies, CPU checks,
offline mode, prefixes and float32 normalisation.

Nothing here imports torch or OpenVINO at module level.
"""

from __future__ import annotations

import logging
import os

import numpy as np

from vectorstore.embedding.builtin import PASSAGE_PREFIX, QUERY_PREFIX
from vectorstore.errors import ConfigError

log = logging.getLogger(__name__)

DTYPES = ("auto", "bfloat16", "float32")
BACKENDS = ("auto", "torch", "openvino")
PRECISIONS = ("bf16", "int8")
_BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")


def force_offline() -> None:
    """Forbid Hugging Face hub downloads in this process (unless the user
    already chose a value for these variables)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def cpu_flags() -> set[str]:
    """The feature flags of the first CPU in /proc/cpuinfo (empty when unreadable)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[-1].split())
    except OSError:
        pass
    return set()


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bfloat16 dot products (AMX or AVX512-BF16)."""
    flags = cpu_flags()
    if flags:
        return any(flag in flags for flag in _BF16_CPU_FLAGS)
    try:
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # private API; absent or failing means "don't know"
        return False


def resolve_dtype(dtype: str, device: str = "cpu") -> str:
    """Map the ``dtype`` setting ("auto"|"bfloat16"|"float32") to a real dtype."""
    check_choice("embedding dtype", dtype, DTYPES)
    if dtype != "auto":
        return dtype
    if device.startswith("cuda"):
        import torch

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float32"
    return "bfloat16" if device == "cpu" and cpu_supports_bf16() else "float32"


def check_choice(what: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"{what} must be one of {', '.join(choices)}, not {value!r}")


def check_threads(threads: int | None) -> int | None:
    if threads is not None and int(threads) < 1:
        raise ConfigError(f"embedding threads must be at least 1, not {threads}")
    return None if threads is None else int(threads)


def default_prefixes(model: str) -> tuple[str, str]:
    """e5 models want "query: "/"passage: "; others get no prefix."""
    name = model.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1].lower()
    return (QUERY_PREFIX, PASSAGE_PREFIX) if "e5" in name else ("", "")


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, in float32 (also after a bf16 forward pass)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)

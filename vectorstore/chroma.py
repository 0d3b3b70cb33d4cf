"""Chroma plumbing: the client (embedded or server) and our embedding function.

Chroma's default embedding function downloads a model at run time, which
fails offline; every collection is therefore opened with ours.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from vectorstore.errors import ConfigError

log = logging.getLogger(__name__)


def chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def make_client(index_dir: Path, host: str | None = None, port: int = 8000, ssl: bool = False):
    """A Chroma client: persistent in ``index_dir``, or a server at ``host:port``."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb

    if host:
        try:
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings())
        except Exception as error:  # chromadb raises plain exceptions for connection errors
            raise ConfigError(
                f"cannot reach the Chroma server at {host}:{port} ({error}); start it with "
                f"`chroma run --path DIR --port {port}` or unset POLICYQA_CHROMA_HOST"
            ) from error
    index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=chroma_settings())


try:  # the protocol class is only needed when chromadb is importable
    from chromadb.api.types import EmbeddingFunction as _Base
except ImportError:  # pragma: no cover
    _Base = object


class ChromaEmbeddingFunction(_Base):
    """Adapts a langchain ``Embeddings`` to Chroma (documents and queries prefixed apart)."""

    def __init__(self, embeddings=None) -> None:
        self._embeddings = embeddings

    def __call__(self, input):  # noqa: A002 - Chroma's protocol names it so
        import numpy as np

        self._require_embeddings()
        return [np.asarray(v, dtype=np.float32) for v in self._embeddings.embed_documents(list(input))]

    def embed_query(self, input):  # noqa: A002
        import numpy as np

        self._require_embeddings()
        return [np.asarray(self._embeddings.embed_query(text), dtype=np.float32) for text in input]

    @staticmethod
    def name() -> str:
        return "policyqa"

    def get_config(self) -> dict:
        return {"model": getattr(self._embeddings, "model_id", "unknown")}

    def _require_embeddings(self) -> None:
        if self._embeddings is None:
            raise ConfigError("this collection was opened without policy-qa's embedder; open it through policy-qa")

    @staticmethod
    def build_from_config(config: dict):
        """Chroma rebuilds stored functions on open; ours has no model until policy-qa passes one."""
        return ChromaEmbeddingFunction()

    def default_space(self):
        return "cosine"

    def supported_spaces(self):
        return ["cosine"]

    def is_legacy(self) -> bool:
        return False

"""Chroma plumbing: the client (embedded or server) and our embedding function.

Chroma's default embedding function downloads a model at run time, which
fails offline; every collection is therefore opened with ours.

An embedded index in a folder this process cannot write is opened from a
private copy (Chroma's SQLite cannot open read-only); :func:`read_only_source`
names the real folder of such a client.  An embedded client caches segment
readers (the HNSW index) for the life of its process: :func:`reopen_client`
gives a fresh one that sees what other processes wrote since.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from vectorstore.runtime.access import create_folder, note_read_only, private_copy, unwritable
from vectorstore.errors import ConfigError

log = logging.getLogger(__name__)
CHROMA_FOLDER = "chroma"
DATABASE = "chroma.sqlite3"
_COPIES: dict[str, Path] = {}  # persist directory of a private copy -> the read-only index folder


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
    return _persistent_client(Path(index_dir))


def _persistent_client(index_dir: Path):
    """Chroma in ``index_dir``; from a private copy when this process cannot write there."""
    import chromadb

    create_folder(index_dir)
    source = index_dir / CHROMA_FOLDER
    if unwritable(source, (DATABASE,)) is None:
        return chromadb.PersistentClient(path=str(source), settings=chroma_settings())
    note_read_only(index_dir)
    copy = str(private_copy(source))
    _COPIES[copy] = index_dir
    return chromadb.PersistentClient(path=copy, settings=chroma_settings())


def read_only_source(client) -> Path | None:
    """The read-only index folder a client reads a private copy of; None for other clients."""
    settings = client.get_settings()
    return _COPIES.get(settings.persist_directory) if settings.is_persistent else None


def reopen_client(client):
    """A client that sees other processes' writes: embedded Chroma gets a new system (a
    private copy is taken afresh); a server client is returned as it is."""
    settings = client.get_settings()
    if not settings.is_persistent:
        return client
    source = _COPIES.get(settings.persist_directory)
    if source is not None:
        return _persistent_client(source)
    _forget_system(settings.persist_directory)
    import chromadb

    return chromadb.PersistentClient(path=settings.persist_directory, settings=chroma_settings())


def _forget_system(path: str) -> None:
    """Make chromadb build a new system (new segment readers) for ``path`` on the next client.

    Clients made before keep theirs; the reference counts stay, so closing an
    old client cannot stop the new system.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(path, None)


try:  # the protocol class is only needed when chromadb is importable
    from chromadb.api.types import EmbeddingFunction as _Base
except ImportError:  # pragma: no cover
    _Base = object


def registered() -> None:
    """Let Chroma read back the collections' stored configuration, which names our function."""
    from chromadb.utils.embedding_functions import known_embedding_functions, register_embedding_function

    if ChromaEmbeddingFunction.name() not in known_embedding_functions:
        register_embedding_function(ChromaEmbeddingFunction)


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

"""Connecting to Milvus: a Milvus Lite file or a server, one-line errors, dropping an index."""

from __future__ import annotations

import logging
from pathlib import Path

from vectorstore.errors import ConfigError


class _NoSessionTimestamp(logging.Filter):
    """Milvus Lite gives a query iterator no session timestamp; pymilvus then takes the
    client's clock (right for an engine on this machine) and warns on every scan."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "mvccTs" not in record.getMessage()


def _quiet_lite_iterators() -> None:
    iterator_log = logging.getLogger("pymilvus.client.iterator.query_iterator")
    if not any(isinstance(existing, _NoSessionTimestamp) for existing in iterator_log.filters):
        iterator_log.addFilter(_NoSessionTimestamp())


def is_server(uri: str) -> bool:
    """Whether ``uri`` names a Milvus server (else a Milvus Lite file)."""
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def connect(uri: str, token: str | None = None):
    """A MilvusClient: Milvus Lite for a ``.db`` file path, else a Milvus server."""
    from pymilvus import MilvusClient

    remote = is_server(uri)
    if not remote and not uri.endswith(".db"):
        raise ConfigError(f"POLICYQA_MILVUS_URI={uri} is neither a Milvus Lite file (a path ending in .db) "
                          "nor a server address (http://host:19530)")
    if not remote:
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
        _quiet_lite_iterators()
    try:
        return MilvusClient(uri=uri, token=token or "")
    except Exception as error:  # pymilvus raises MilvusException and plain connection errors
        raise ConfigError(_connect_problem(uri, remote, error)) from error


def _connect_problem(uri: str, remote: bool, error: Exception) -> str:
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    if remote:
        return f"cannot reach the Milvus server at {uri} ({reason}); start it or check POLICYQA_MILVUS_URI/TOKEN"
    if Path(uri).is_dir():
        return (f"{uri} is a folder (a database of Milvus Lite 3, which policy-qa no longer uses); this Milvus Lite "
                "keeps its index in one file: move the folder away, or set POLICYQA_MILVUS_URI to another .db path, "
                "and index again")
    return (f"cannot open the Milvus Lite file {uri} ({reason}); Milvus Lite serves one process at a time: "
            "stop the other policyqa process, or use a Milvus server for several")


def drop_milvus(uri: str, token: str | None, collection: str) -> None:
    """Delete a Milvus index whatever it was built with (``ingest --rebuild``)."""
    client = connect(uri, token)
    for name in (f"{collection}_chunks", f"{collection}_speeches", f"{collection}_about"):
        if client.has_collection(name):
            client.drop_collection(name)

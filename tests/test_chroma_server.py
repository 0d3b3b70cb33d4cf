"""Pointing policy-qa at a Chroma server (`chroma run`) instead of the embedded one."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes import BigramEmbeddings

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    if CHROMA is None:
        pytest.skip("the `chroma` command of the chromadb package is not installed")
    port = free_port()
    server = subprocess.Popen([CHROMA, "run", "--path", str(tmp_path / "server"), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"chroma run did not listen on port {port} within {seconds} s")


def test_ingest_and_search_through_a_chroma_server(chroma_server, tmp_path, seed_dir):
    from assistant import factory
    from assistant.settings import load_settings
    from vectorstore.search import Searcher

    settings = load_settings(index_dir=tmp_path / "local", chroma_host="localhost", chroma_port=chroma_server)
    index = factory.build_index(settings, embeddings=BigramEmbeddings())
    report = factory.build_ingestor(settings, index).ingest([seed_dir], progress=False)
    assert len(report.added) == 9
    assert Searcher(index).search("五皮精神", k=1)[0].source == "000_00b9841ddb1ffabe.txt"
    assert not (tmp_path / "local" / "chroma").exists()  # the chunks live on the server
    (settings.keyword_dir / "keyword_index.npz").unlink()  # the local keyword index is rebuilt from the server
    reopened = factory.build_index(settings, embeddings=BigramEmbeddings())
    assert len(reopened.keyword) == reopened.chunk_count() > 0


def test_unreachable_server_is_a_clear_error(tmp_path):
    from assistant import factory
    from assistant.settings import load_settings
    from vectorstore.errors import PolicyQAError

    settings = load_settings(index_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(PolicyQAError, match="chroma run"):
        factory.build_index(settings, embeddings=BigramEmbeddings())

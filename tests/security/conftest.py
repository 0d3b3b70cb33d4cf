"""Real servers for the attack cases: `policyqa serve` in a subprocess, on a fresh index of the seeds.

The servers use the offline hashing embedder (POLICYQA_EMBEDDING_MODEL=hashing), so they start in
seconds; what is attacked (routes, Gradio's endpoints, uploads, the index) is all real.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.servers import start_server

TOKEN = "s3cret-token-for-tests"


def server_env(root: Path, **extra: str) -> dict:
    env = {**os.environ, "POLICYQA_INDEX_DIR": str(root / "index"), "POLICYQA_EMBEDDING_MODEL": "hashing",
           "POLICYQA_LLM": "extractive", "GRADIO_ANALYTICS_ENABLED": "False", "POLICYQA_LOG_LEVEL": "INFO"}
    for key in ("POLICYQA_API_TOKEN", "POLICYQA_CORS_ORIGINS", "POLICYQA_CHROMA_HOST"):
        env.pop(key, None)
    return {**env, **extra}


@pytest.fixture(scope="package")
def guarded_server(tmp_path_factory):
    """A server with POLICYQA_API_TOKEN set."""
    root = tmp_path_factory.mktemp("guarded")
    server = start_server(root, server_env(root, POLICYQA_API_TOKEN=TOKEN), seconds=180)
    yield server
    server.stop()


@pytest.fixture(scope="package")
def open_server(tmp_path_factory):
    """A server without a token (the default on 127.0.0.1)."""
    root = tmp_path_factory.mktemp("open")
    server = start_server(root, server_env(root), seconds=180)
    yield server
    server.stop()

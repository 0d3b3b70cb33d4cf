"""Real servers for the attack cases: `policyqa serve` in a subprocess, on a fresh index of the seeds.

The servers use the offline hashing embedder (POLICYQA_EMBEDDING_MODEL=hashing), so they start in
seconds; what is attacked (routes, Gradio's endpoints, uploads, the index) is all real.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_browser import POLICYQA, free_port, wait_healthy

TOKEN = "s3cret-token-for-tests"


@dataclass
class Server:
    url: str
    root: Path
    process: subprocess.Popen
    env: dict

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """`policyqa ARGS` against the same index, as a second process."""
        return subprocess.run([str(POLICYQA), *args], env=self.env, cwd=self.root, capture_output=True,
                              text=True, timeout=300)


def server_env(root: Path, **extra: str) -> dict:
    env = {**os.environ, "POLICYQA_INDEX_DIR": str(root / "index"), "POLICYQA_EMBEDDING_MODEL": "hashing",
           "POLICYQA_LLM": "extractive", "GRADIO_ANALYTICS_ENABLED": "False", "POLICYQA_LOG_LEVEL": "INFO"}
    for key in ("POLICYQA_API_TOKEN", "POLICYQA_CORS_ORIGINS", "POLICYQA_CHROMA_HOST"):
        env.pop(key, None)
    return {**env, **extra}


def start_server(root: Path, **extra: str):
    env = server_env(root, **extra)
    port = free_port()
    log = root / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([str(POLICYQA), "serve", "--port", str(port)], env=env, cwd=root,
                                   stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log, seconds=180)
    return Server(url, root, process, env)


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="package")
def guarded_server(tmp_path_factory):
    """A server with POLICYQA_API_TOKEN set."""
    server = start_server(tmp_path_factory.mktemp("guarded"), POLICYQA_API_TOKEN=TOKEN)
    yield server
    stop(server)


@pytest.fixture(scope="package")
def open_server(tmp_path_factory):
    """A server without a token (the default on 127.0.0.1)."""
    server = start_server(tmp_path_factory.mktemp("open"))
    yield server
    stop(server)

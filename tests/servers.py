"""`policyqa serve` in a subprocess for end-to-end tests: start it on a free port, wait until healthy, stop it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

POLICYQA = Path(sys.executable).parent / "policyqa"
LOCAL = "http://127.0.0.1"  # what test clients address: the server answers only to the names it is reached by


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, log: Path, seconds: float = 600) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"policyqa serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"policyqa serve was not healthy within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


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

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(root: Path, env: dict, seconds: float = 600) -> Server:
    """`policyqa serve` with ``env`` in ``root`` (its log in root/serve.log), once /healthz answers."""
    port = free_port()
    log = root / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([str(POLICYQA), "serve", "--port", str(port)], env=env, cwd=root,
                                   stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process, log, seconds=seconds)
    return Server(url, root, process, env)

"""One writer per index folder: the lock file, across real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from vectorstore.runtime.writer_lock import IndexBusyError, WriterLock

REPO = Path(__file__).resolve().parents[1]


def hold_in_another_process(folder: Path, task: str = "ingest of big.jsonl") -> subprocess.Popen:
    """A process that takes the folder's writer lock, says so on stdout, and holds it until killed."""
    script = textwrap.dedent(f"""
        import sys, time
        from vectorstore.runtime.writer_lock import WriterLock
        with WriterLock({str(folder)!r}).held({task!r}):
            print("held", flush=True)
            time.sleep(600)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_writer_is_refused_with_the_holder_named(tmp_path):
    holder = hold_in_another_process(tmp_path)
    try:
        with pytest.raises(IndexBusyError) as refused:
            with WriterLock(tmp_path, wait=0.3).held("upload"):
                pass
        message = str(refused.value)
        assert f"process {holder.pid} on {socket.gethostname()}" in message
        assert "ingest of big.jsonl" in message and "Try again" in message and "\n" not in message
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_writer_leaves_no_stale_lock(tmp_path):
    holder = hold_in_another_process(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with WriterLock(tmp_path, wait=0.0).held("after the crash"):
        assert WriterLock(tmp_path).holder()["pid"] == os.getpid()


def test_a_waiting_writer_gets_the_lock_when_the_holder_finishes(tmp_path):
    holder = hold_in_another_process(tmp_path)
    started = time.monotonic()
    subprocess.Popen(["sh", "-c", f"sleep 0.5; kill {holder.pid}"])
    with WriterLock(tmp_path, wait=20).held("next"):
        waited = time.monotonic() - started
    holder.wait()
    assert waited < 20  # it did not time out: it took the lock once the holder was gone


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    lock = WriterLock(tmp_path, wait=0.1)
    with lock.held("ingest"):
        with lock.held("remove vanished"):
            assert lock.holder()["task"] == "ingest"
    with WriterLock(tmp_path, wait=0.0).held("free again"):
        pass


def test_a_store_without_a_folder_locks_nothing():
    with WriterLock(None).held("remote server"):
        pass

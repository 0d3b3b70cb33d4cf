"""A read-only index can be read (speeches, search, ask, index info); writes get a one-line error.

The index is built here (hashing embedder, the seed speeches), then read by a
process that cannot write it: root inside a private mount namespace where
the index folder is bind-mounted read-only (works as root in CI), or the
``nobody`` user on an index owned by root.  A way this machine does not
allow is skipped with its reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR, REPO

POLICYQA = Path(sys.executable).parent / "policyqa"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
_MOUNT_RO = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'

_LIBRARY = """
import json, logging, sys
from pathlib import Path
from assistant import factory
from assistant.settings import Settings
from assistant.uploads import Upload
from tests.fakes import BigramEmbeddings
from vectorstore.runtime.access import ReadOnlyIndexError
from vectorstore.stores.chroma import drop_chroma as drop_index

logging.basicConfig(level=logging.WARNING)
settings = Settings(index_dir=Path(sys.argv[1]), embedding_model="hashing", llm="extractive")
assistant = factory.build_assistant(settings, embeddings=BigramEmbeddings())
index = assistant.index
result = {"read_only": index.read_only, "speeches": len(index.speeches()),
          "hits": len(assistant.search("招商引资", k=5)), "grounded": assistant.ask("什么是四千精神？").grounded}
writes = {"save": index.save, "repair": index.repair, "put": lambda: index.put_speeches([]),
          "remove": lambda: index.remove_speeches(["x"]),
          "drop": lambda: drop_index(index.client, settings.collection, settings.keyword_dir),
          "ingest": lambda: assistant.ingest([sys.argv[2]]),
          "upload": lambda: assistant.add_files([Upload("new.txt", "同志们：今天开会。".encode())]),
          "delete": lambda: assistant.delete_speech("000_00b9841ddb1ffabe.txt")}
for name, write in writes.items():
    try:
        write()
        result[name] = None
    except ReadOnlyIndexError as error:
        result[name] = str(error)
result["uploads_kept"] = settings.uploads_path.exists() and any(settings.uploads_path.iterdir())
print(json.dumps(result))
"""


def _env(index_dir: Path) -> dict:
    env = {**os.environ, "POLICYQA_INDEX_DIR": str(index_dir), "POLICYQA_EMBEDDING_MODEL": "hashing",
           "POLICYQA_LLM": "extractive", "POLICYQA_LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO)}
    env.pop("POLICYQA_CHROMA_HOST", None)
    return env


def _run(command: list[str], index_dir: Path, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=_env(index_dir), cwd=cwd, capture_output=True, text=True, timeout=180)


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class ReadOnlyReader:
    """Runs commands in a process that cannot write ``index_dir``."""

    def __init__(self, how: str, index_dir: Path):
        self.how, self.index_dir = how, index_dir

    def prefix(self) -> list[str]:
        if self.how == "mount":
            return ["unshare", "--mount", "sh", "-c", _MOUNT_RO, "sh", str(self.index_dir)]
        return NOBODY

    def run(self, command: list[str]) -> subprocess.CompletedProcess:
        return _run(self.prefix() + command, self.index_dir, cwd=Path(tempfile.gettempdir()))

    def why_not(self) -> str | None:
        """Why this way of reading read-only cannot be set up here; None when it works."""
        tool = "unshare" if self.how == "mount" else "setpriv"
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
        probe = self.run([sys.executable, "-c", "import sys, os; sys.exit(os.access(sys.argv[1], os.W_OK))",
                          str(self.index_dir)])
        if probe.returncode != 0:
            return (f"cannot make {self.index_dir} read-only by {self.how} here (rc {probe.returncode}: "
                    f"{probe.stderr.strip()[-200:] or 'folder still writable'})")
        code = self.run([sys.executable, "-c", "import assistant, tests.fakes"])
        if code.returncode != 0:  # e.g. a checkout in a `mktemp -d` folder (mode 700) that nobody may enter
            return f"the checkout in {REPO} cannot be read by {self.how} here ({code.stderr.strip()[-120:]})"
        return None


@pytest.fixture(scope="module")
def built_index():
    """The seed speeches indexed with the hashing embedder, in a folder every user can read."""
    root = Path(tempfile.mkdtemp(prefix="policyqa-readonly-test-"))
    os.chmod(root, 0o755)
    done = _run([str(POLICYQA), "ingest", str(DATA_DIR)], root / "index")
    assert done.returncode == 0, done.stderr
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    yield root / "index"
    shutil.rmtree(root, ignore_errors=True)


def _reader(how: str, index_dir: Path) -> ReadOnlyReader:
    reader = ReadOnlyReader(how, index_dir)
    reason = reader.why_not()
    if reason:
        pytest.skip(reason)
    return reader


@pytest.fixture(scope="module")
def reader(built_index):
    """Root, in a mount namespace where the index folder is read-only (as in CI)."""
    return _reader("mount", built_index)


@pytest.fixture(scope="module", params=["mount", "user"])
def any_reader(request, built_index):
    """Each way of reading read-only this machine allows."""
    return _reader(request.param, built_index)


def _no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr


def test_cli_reads_a_read_only_index(reader):
    before = _digest(reader.index_dir)
    speeches = reader.run([str(POLICYQA), "speeches", "--json"])
    assert speeches.returncode == 0, speeches.stderr
    assert len(json.loads(speeches.stdout)) == 9
    assert "read-only" in speeches.stderr  # said once, as a warning
    search = reader.run([str(POLICYQA), "search", "招商引资", "-k", "3", "--json"])
    assert search.returncode == 0 and len(json.loads(search.stdout)) == 3, search.stderr
    ask = reader.run([str(POLICYQA), "ask", "什么是四千精神？", "--json"])
    assert ask.returncode == 0 and json.loads(ask.stdout)["citations"], ask.stderr
    info = reader.run([str(POLICYQA), "index", "info", "--json"])
    assert info.returncode == 0 and json.loads(info.stdout)["speeches"] == 9, info.stderr
    for done in (speeches, search, ask, info):
        _no_traceback(done)
    assert _digest(reader.index_dir) == before


def test_cli_ingest_into_a_read_only_index_is_refused_in_one_line(reader):
    before = _digest(reader.index_dir)
    done = reader.run([str(POLICYQA), "ingest", "--rebuild", str(DATA_DIR)])
    assert done.returncode == 2, done.stdout + done.stderr
    _no_traceback(done)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: the index folder {reader.index_dir} is read-only; reading works, but to add or "
                      "delete speeches make it writable or point POLICYQA_INDEX_DIR elsewhere"]
    assert _digest(reader.index_dir) == before


def test_library_reads_and_refuses_every_write(any_reader):
    reader = any_reader
    before = _digest(reader.index_dir)
    done = reader.run([sys.executable, "-c", _LIBRARY, str(reader.index_dir), str(DATA_DIR)])
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result.pop("read_only") is True
    assert result.pop("speeches") == 9 and result.pop("hits") == 5 and result.pop("grounded") is True
    assert result.pop("uploads_kept") is False
    for name, message in result.items():
        assert message and message.startswith(f"the index folder {reader.index_dir} is read-only"), name
    assert _digest(reader.index_dir) == before


def test_empty_read_only_folder_is_not_filled_from_the_default_corpus():
    empty = Path(tempfile.mkdtemp(prefix="policyqa-readonly-empty-"))
    os.chmod(empty, 0o755)
    try:
        reader = _reader("mount", empty)
        ask = reader.run([str(POLICYQA), "ask", "什么是四千精神？"])
        assert ask.returncode == 0, ask.stderr
        assert "read-only: not indexing the default corpus" in ask.stderr
        _no_traceback(ask)
        assert list(empty.iterdir()) == []
    finally:
        shutil.rmtree(empty, ignore_errors=True)

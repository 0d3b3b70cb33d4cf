"""End to end with the real embedder, through the installed ``policyqa`` command.

This is the check a user runs after set-up: index data/, list 9 speeches, find
the 五皮精神 passage first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR

POLICYQA = shutil.which("policyqa", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def policyqa(tmp_path_factory):
    if POLICYQA is None:
        pytest.skip("the policyqa console script is not installed in this environment (run ./test.sh)")
    env = dict(os.environ, POLICYQA_INDEX_DIR=str(tmp_path_factory.mktemp("real") / "index"))
    env.pop("POLICYQA_EMBEDDING_MODEL", None)

    def run(*args: str) -> str:
        done = subprocess.run([POLICYQA, *args], env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Traceback" not in done.stderr
        return done.stdout

    return run


def test_ingest_list_and_search_the_seeds(policyqa):
    assert "9 added" in policyqa("ingest", str(DATA_DIR))
    speeches = json.loads(policyqa("speeches", "--json"))
    assert len(speeches) == 9
    assert [s["date"] for s in speeches if s["speaker"] == "张笑东"] == ["2024-05-04"]
    for mode in ("hybrid", "dense", "keyword"):
        hits = json.loads(policyqa("search", "什么是五皮精神", "--mode", mode, "--json"))
        assert hits[0]["source"] == "000_00b9841ddb1ffabe.txt" and "硬着头皮" in hits[0]["text"], mode
    assert "9 unchanged" in policyqa("ingest", str(DATA_DIR))

"""Quality on the fixed questions, through `policyqa eval`, with the real embedder.

The extractive backend must meet the targets of the answers issue on the dev
set, and refuse every question of tests/data/calibration_unanswerable.jsonl.
The local-LLM run is marked slow (run by .ci/run when the `local` extra installs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import QUESTIONS, REPO

POLICYQA = Path(sys.executable).parent / "policyqa"
CALIBRATION = REPO / "tests" / "data" / "calibration_unanswerable.jsonl"
TARGETS = ["--min-hit5", "0.97", "--min-mrr", "0.90", "--min-coverage", "0.90", "--min-support", "0.95",
           "--min-exactness", "1.0", "--min-refusal", "1.0"]


@pytest.fixture(scope="module")
def run_eval(tmp_path_factory):
    if not QUESTIONS.exists():
        pytest.skip(f"{QUESTIONS} is absent (the fixed questions live in ../shared)")
    if not POLICYQA.exists():
        pytest.skip("the policyqa console script is not installed in this environment (run ./test.sh)")
    index_dir = tmp_path_factory.mktemp("quality") / "index"

    def run(questions: Path, *options: str, llm: str = "extractive") -> tuple[int, dict, str]:
        report = tmp_path_factory.mktemp("report")
        env = dict(os.environ, POLICYQA_INDEX_DIR=str(index_dir), POLICYQA_LLM=llm, POLICYQA_LLM_TEMPERATURE="0")
        done = subprocess.run([str(POLICYQA), "eval", str(questions), "--report-dir", str(report), *options],
                              env=env, capture_output=True, text=True, timeout=3600)
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        summary = json.loads((report / "eval.json").read_text("utf-8"))["summary"]
        assert (report / "eval.md").exists() and (report / "eval.png").stat().st_size > 1000
        return done.returncode, summary, done.stdout

    return run


def test_extractive_backend_meets_the_targets(run_eval):
    code, summary, output = run_eval(QUESTIONS, *TARGETS)
    assert code == 0, output
    assert summary["citation_exactness"] == 1.0 and summary["refusal_accuracy"] == 1.0


STRUCTURE = QUESTIONS.with_name("questions_structure.jsonl")
# Floors a little under the level measured 2026-12-01 (hit@5 1.000, MRR 0.948, coverage 0.678, support 0.793,
# refusal 0.861; section 6/6, item 4/4, summary 3/3 fully right): they guard what the outline composers reached.
STRUCTURE_FLOORS = ["--min-hit5", "0.95", "--min-mrr", "0.90", "--min-coverage", "0.62", "--min-support", "0.75",
                    "--min-exactness", "1.0", "--min-refusal", "0.80"]


def test_structure_questions_keep_their_level(run_eval):
    code, _, output = run_eval(STRUCTURE, *STRUCTURE_FLOORS)
    assert code == 0, output
    rows = {cells[0]: cells[1:3] for line in output.splitlines() if line.startswith("| ")
            for cells in [[cell.strip() for cell in line.strip("|").split("|")]]}
    for kind in ("section", "item", "summary"):
        questions, fully_right = rows[kind]
        assert fully_right == questions, (kind, rows[kind])


def test_extractive_backend_refuses_questions_the_speeches_do_not_answer(run_eval):
    code, summary, output = run_eval(CALIBRATION, "--min-refusal", "1.0")
    assert code == 0, output


def test_thresholds_fail_the_command(run_eval, tmp_path):
    tiny = tmp_path / "three.jsonl"  # three questions are enough to show the exit code
    tiny.write_text("".join(QUESTIONS.read_text("utf-8").splitlines(keepends=True)[:3]), "utf-8")
    code, _, output = run_eval(tiny, "--min-hit5", "1.01")
    assert code == 1 and "below threshold: hit@5" in output
    assert "| kind | questions | fully right | coverage | support | refusal |" in output


@pytest.mark.slow
def test_local_llm_backend(run_eval):
    """Quotes stay verbatim whatever the model writes. The floors guard the measured level, not the
    extractive targets: 2026-11-22, with the calibrated gate and the answering passages first, two runs
    gave coverage 0.64/0.67, support 0.73/0.73, refusal accuracy 0.77/0.74 (temperature 0.1/0);
    the 1.5B model still refuses about a fifth of the answerable questions."""
    pytest.importorskip("xllamacpp", reason="the local LLM extra is not installed (pip install -e '.[local]')")
    code, summary, output = run_eval(QUESTIONS, "--min-exactness", "1.0", "--min-hit5", "0.97",
                                     "--min-support", "0.60", "--min-coverage", "0.55", "--min-refusal", "0.65",
                                     llm="local")
    assert code == 0, output

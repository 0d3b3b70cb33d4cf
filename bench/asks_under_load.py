"""Many questions at once on an idle server: a real `policyqa serve` (real embedder, extractive, seeds).

    .venv/bin/python -m bench.asks_under_load                       # 200 asks, 20 at a time, 3 rounds
    .venv/bin/python -m bench.asks_under_load --asks 200 --concurrency 20 --rounds 3 --index-dir DIR

Asks the questions of ../shared/eval/questions.jsonl in file order, over and over, through
POST /api/ask: first each once, one at a time (what one ask alone costs: its question embedded;
then again, embedded already), then ROUNDS rounds of ASKS asks, CONCURRENCY at a time (round 1
finds every question embedded). Prints for each round: errors, asks/s, latency p50/p95/max and
the fair-queue bound 1.5 × CONCURRENCY ÷ asks/s: when the asks waiting are served in turn, each
waits for about CONCURRENCY − 1 others, so p95 stays near CONCURRENCY ÷ asks/s.
Targets: 0 errors, ≥ 45 asks/s, p95 ≤ the bound. Without --index-dir the server indexes the seeds
(data/) into a fresh folder on start (a minute or two); the client threads share the machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.common import QUESTIONS, REPO, SEEDS, require, setup_logging

log = logging.getLogger("bench.asks_under_load")
MIN_RATE = 45.0  # asks/s
FAIR_FACTOR = 1.5  # p95 ≤ FAIR_FACTOR × concurrency ÷ asks/s


@dataclass
class Round:
    """One round of asks: each ask's seconds, the errors (status or exception text) and the wall time."""

    seconds: list[float]
    errors: list[str]
    wall: float

    @property
    def rate(self) -> float:
        return (len(self.seconds) + len(self.errors)) / self.wall


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]


def start_server(root: Path, index_dir: Path) -> tuple[subprocess.Popen, str]:
    """`policyqa serve` (this checkout's code) on a free port; its log in root/serve.log."""
    from tests.servers import free_port

    port = free_port()
    env = {**os.environ, "POLICYQA_INDEX_DIR": str(index_dir), "POLICYQA_DATA_DIR": str(SEEDS),
           "POLICYQA_LLM": "extractive", "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    env.pop("POLICYQA_API_TOKEN", None)
    output = (root / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "assistant.faces.cli", "serve", "--port", str(port)],
                               env=env, cwd=root, stdout=output, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def wait_ready(client, url: str, process: subprocess.Popen) -> None:
    deadline = time.time() + 900
    while time.time() < deadline and process.poll() is None:
        try:
            if client.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except Exception:  # not up yet
            time.sleep(1)
    sys.exit("the server did not become healthy (see serve.log)")


def ask(client, url: str, question: str) -> tuple[float, str | None]:
    """Seconds the ask took, and why it failed (None when it answered)."""
    began = time.perf_counter()
    try:
        response = client.post(url + "/api/ask", json={"question": question}, timeout=120)
        error = None if response.status_code == 200 else f"HTTP {response.status_code}: {response.text[:200]}"
    except Exception as exc:  # a refused or dropped connection is an error of the run, not of the bench
        error = f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - began, error


def one_at_a_time(client, url: str, texts: list[str]) -> list[float]:
    return [ask(client, url, text)[0] for text in texts]


def under_load(client, url: str, texts: list[str], count: int, concurrency: int) -> Round:
    asked = [texts[i % len(texts)] for i in range(count)]
    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda text: ask(client, url, text), asked))
    wall = time.perf_counter() - began
    return Round([s for s, error in results if error is None], [e for _, e in results if e is not None], wall)


def report_round(number: int, done: Round, concurrency: int) -> bool:
    """Print one round; True when it meets every target."""
    p95, bound = percentile(done.seconds, .95), FAIR_FACTOR * concurrency / done.rate
    passed = not done.errors and done.rate >= MIN_RATE and p95 <= bound
    print(f"  round {number}: {len(done.errors)} errors, {done.rate:.1f} asks/s (target ≥ {MIN_RATE:.0f}), "
          f"p50 {percentile(done.seconds, .5):.2f} s, p95 {p95:.2f} s, max {max(done.seconds, default=float('nan')):.2f} s; "
          f"fair-queue bound {FAIR_FACTOR} × {concurrency} ÷ {done.rate:.1f} = {bound:.2f} s "
          f"(p95 ÷ {concurrency / done.rate:.2f} s = {p95 / (concurrency / done.rate):.2f}): {'PASS' if passed else 'FAIL'}")
    for error in sorted(set(done.errors))[:5]:
        print(f"    error: {error}")
    return passed


def main(argv: list[str] | None = None) -> None:
    import httpx

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--asks", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--index-dir", type=Path, help="an index of the seeds to serve (default: a fresh one)")
    args = parser.parse_args(argv)
    setup_logging()
    if not require(QUESTIONS):
        return
    root = Path(tempfile.mkdtemp(prefix="policyqa-bench-load-"))
    process, url = start_server(root, args.index_dir or root / "index")
    texts = questions()
    try:
        with httpx.Client(limits=httpx.Limits(max_connections=args.concurrency)) as client:
            wait_ready(client, url, process)
            first, again = one_at_a_time(client, url, texts), one_at_a_time(client, url, texts)
            rounds = [under_load(client, url, texts, args.asks, args.concurrency) for _ in range(args.rounds)]
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"asks under load: {len(texts)} seed questions, {args.asks} asks {args.concurrency} at a time, "
          f"{args.rounds} rounds (server log {root / 'serve.log'})")
    print(f"  one at a time: first ask of each p50 {1000 * percentile(first, .5):.0f} ms, "
          f"asked again p50 {1000 * percentile(again, .5):.0f} ms, p95 {1000 * percentile(again, .95):.0f} ms")
    passed = [report_round(n, done, args.concurrency) for n, done in enumerate(rounds, 1)]
    print(f"  {sum(passed)} of {len(passed)} rounds meet every target")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()

"""Questions while a large upload is indexed: a real `policyqa serve` (real embedder, seeds).

    .venv/bin/python -m bench.asks_during_ingest            # a 300 KB speech, 20 questions
    .venv/bin/python -m bench.asks_during_ingest --kb 300 --questions 20 --concurrency 4

Uploads one speech of about KB kilobytes through POST /api/speeches and, while it is being
indexed, asks QUESTIONS questions (CONCURRENCY at a time) through POST /api/ask and probes
/healthz. Prints ask p50/p95/max, /healthz max, the upload's duration, the same asks on an idle
server, and the ratio. Targets: ask p95 < 3 s during the upload, /healthz < 1 s.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import REPO, setup_logging

log = logging.getLogger("bench.asks_during_ingest")
QUESTIONS = ["什么是“四千精神”？", "什么是五皮精神？", "安阳一季度签约项目开工率是多少？", "怎样优化营商环境？",
             "张笑东在会上强调了什么？"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def big_speech(kb: int) -> bytes:
    """A plausible speech of about ``kb`` KB: numbered sections of varied sentences."""
    lines = ["在全县重点项目建设推进会上的讲话", "同志们："]
    n = 0
    while len("\n".join(lines).encode()) < kb * 1024:
        n += 1
        lines.append(f"{n}、第{n}批重点项目要压实责任，第{n % 7 + 1}季度前完成土地征收和手续办理，"
                     f"力争完成投资{n * 3 % 97 + 5}亿元。各乡镇要围绕第{n}项任务建立台账，"
                     f"每周调度一次，确保项目早开工、早投产、早见效，形成实物工作量{n % 13 + 2}万平方米。")
    return "\n".join(lines).encode()


def start_server(root: Path) -> tuple[subprocess.Popen, str]:
    from tests.servers import POLICYQA, free_port

    port = free_port()
    env = {**os.environ, "POLICYQA_INDEX_DIR": str(root / "index"), "POLICYQA_LLM": "extractive"}
    env.pop("POLICYQA_API_TOKEN", None)
    log_file = (root / "serve.log").open("w")
    process = subprocess.Popen([str(POLICYQA), "serve", "--port", str(port)], env=env, cwd=root,
                               stdout=log_file, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def wait_ready(client, url: str) -> None:
    deadline = time.time() + 600
    while time.time() < deadline:
        try:
            if client.get(url + "/healthz", timeout=2).status_code == 200:
                client.post(url + "/api/ask", json={"question": "预热"}, timeout=120)  # the model is loaded
                return
        except Exception:  # not up yet
            time.sleep(1)
    sys.exit("the server did not become healthy")


def timed(call) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def ask_all(client, url: str, count: int, concurrency: int) -> list[float]:
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(count)]
    ask = lambda q: timed(lambda: client.post(url + "/api/ask", json={"question": q}, timeout=120).raise_for_status())  # noqa: E731
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(ask, questions))


def probe_health(client, url: str, stop: threading.Event, seen: list[float]) -> None:
    while not stop.is_set():
        seen.append(timed(lambda: client.get(url + "/healthz", timeout=10)))
        time.sleep(0.2)


def during_upload(client, url: str, content: bytes, args) -> dict:
    result, health, stop = {}, [], threading.Event()
    upload = threading.Thread(target=lambda: result.update(seconds=timed(lambda: client.post(
        url + "/api/speeches", files={"files": ("bench-big.txt", content)}, timeout=900).raise_for_status())))
    prober = threading.Thread(target=probe_health, args=(client, url, stop, health))
    upload.start()
    prober.start()
    time.sleep(2.0)  # the upload is parsed and its embedding under way
    waits = ask_all(client, url, args.questions, args.concurrency)
    overlapped = upload.is_alive()
    upload.join()
    stop.set()
    prober.join()
    return {"waits": waits, "health": health, "upload_s": result.get("seconds", float("nan")), "overlapped": overlapped}


def main(argv: list[str] | None = None) -> None:
    import httpx

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)
    setup_logging()
    root = Path(tempfile.mkdtemp(prefix="policyqa-bench-asks-"))
    process, url = start_server(root)
    try:
        with httpx.Client() as client:
            wait_ready(client, url)
            idle = ask_all(client, url, args.questions, args.concurrency)
            busy = during_upload(client, url, big_speech(args.kb), args)
    finally:
        process.terminate()
    report(idle, busy, args)


def report(idle: list[float], busy: dict, args) -> None:
    waits = busy["waits"]
    print(f"asks during an upload of a {args.kb} KB speech ({args.questions} questions, {args.concurrency} at a time; "
          f"the upload took {busy['upload_s']:.1f} s{'' if busy['overlapped'] else ', and ENDED before the last ask'})")
    print(f"  during the upload: p50 {percentile(waits, .5):.2f} s, p95 {percentile(waits, .95):.2f} s, "
          f"max {max(waits):.2f} s   (target p95 < 3 s)")
    print(f"  idle server:       p50 {percentile(idle, .5):.2f} s, p95 {percentile(idle, .95):.2f} s")
    print(f"  ratio p95 busy/idle: {percentile(waits, .95) / max(percentile(idle, .95), 1e-9):.1f}x")
    print(f"  /healthz during the upload: {len(busy['health'])} probes, max {max(busy['health']):.3f} s   (target < 1 s)")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()

"""What resolving a follow-up from the history costs: milliseconds per turn of ConversationResolver.

    .venv/bin/python -m bench.resolution                  # an index of data/ (built once under /tmp, hashing embedder)
    .venv/bin/python -m bench.resolution --index-dir DIR  # an existing index (e.g. seeds + scale corpus)

Every conversation of ../shared/eval/conversations.jsonl is replayed turn by turn as a chat client sends it
(the assistant's answers are left out here: reading one back is a parse of its text, see
assistant/conversation/recall.py). The state is re-derived from
the whole history on every request; the analysis of a turn already seen is kept per index state, so a new
request pays for its own question. Printed: p50 / p95 / max ms per follow-up.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from pathlib import Path

from bench.common import SEEDS, SHARED, require, setup_logging, temporary_settings

log = logging.getLogger("bench.resolution")
CONVERSATIONS = SHARED / "eval" / "conversations.jsonl"


def build_index(index_dir: str | None):
    from assistant import factory
    from assistant.settings import load_settings

    if index_dir:
        index = factory.build_index(load_settings(index_dir=Path(index_dir)))
    else:
        settings = temporary_settings(embedding_model="hashing")
        index = factory.build_index(settings)
        factory.build_ingestor(settings, index).ingest([SEEDS], progress=False)
    index.speeches()  # read the speech records once, as a running server has
    return index


def timings(index) -> list[tuple[float, int]]:
    """(ms to resolve a follow-up, turns of history) for every turn after the first, as a chat client
    sends them: the earlier turns were resolved by the earlier requests, the new one is seen first."""
    from assistant.conversation.resolver import ConversationResolver
    from assistant.understanding.service import Understanding
    from vectorstore.text.tokens import segment

    lines = CONVERSATIONS.read_text(encoding="utf-8").splitlines()
    warm = ConversationResolver(Understanding(index))  # first calls load jieba and open the phrase index
    warm.resolve("那另一篇讲话里“招商”是怎么说的？", [{"role": "user", "content": json.loads(lines[0])["turns"][0]}])
    segment("预热")  # jieba's dictionary, which a serving process loaded at start-up
    results = []
    for line in lines:
        turns = json.loads(line)["turns"]
        resolver = ConversationResolver(Understanding(index))  # a fresh process state per conversation
        resolver.resolve(turns[0], [])
        for end in range(1, len(turns)):
            history = [{"role": "user", "content": turn} for turn in turns[:end]]
            started = time.perf_counter()
            resolver.resolve(turns[end], history)
            results.append(((time.perf_counter() - started) * 1000, end))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", help="an existing index to resolve against (default: data/ in a fresh one)")
    args = parser.parse_args()
    setup_logging()
    if not require(CONVERSATIONS):
        return
    results = timings(build_index(args.index_dir))
    ms = sorted(value for value, _ in results)
    print(f"turns resolved: {len(ms)}")
    print(f"ms per follow-up: p50 {statistics.median(ms):.2f}  p95 {ms[int(0.95 * (len(ms) - 1))]:.2f}  max {ms[-1]:.2f}")
    print("target: < 20 ms per turn")


if __name__ == "__main__":
    main()

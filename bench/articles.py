"""Articles of laws and regulations asked by name and number, over rules indexed as plain .txt files.

    .venv/bin/python -m bench.articles                 # every rule of the scale corpus, two articles each
    .venv/bin/python -m bench.articles --limit 60      # the first 60 rules

Each rule of ../shared/corpus/scale (a title ending in 法/条例/办法/规定/细则) is written out as
``<title>.txt`` with its title on the first line, as a user's folder of laws would hold it, and
indexed with the hashing embedder (the article is found by the document's name and the outline,
not by the embedder). Then 「<name>第N条的内容是什么？」 is asked for two articles of each — with
the short name for a national law (「公司法」 for 中华人民共和国公司法), else the title — and the
answer is scored: right (cites that rule and quotes the article's first sentence), wrong rule
(cites another rule), wrong article, or refused. Printed: the counts and shares.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import tempfile
from collections import Counter
from pathlib import Path

from bench.common import SCALE_CORPUS, require, setup_logging, temporary_settings

log = logging.getLogger("bench.articles")
RULE_TITLE = re.compile(r"(?:法|条例|办法|规定|细则)$")
ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇]+条)\s*(.+)$", re.M)
NATIONAL = "中华人民共和国"


def rules(limit: int | None) -> list[dict]:
    found = []
    for line in SCALE_CORPUS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if RULE_TITLE.search(record.get("title") or "") and ARTICLE.search(record["text"]):
            found.append(record)
    return found[:limit] if limit else found


def write_files(records: list[dict], folder: Path) -> dict[str, dict]:
    """``<title>.txt`` per rule (a title twice in the corpus keeps its first text)."""
    by_file = {}
    for record in records:
        name = f"{record['title']}.txt"
        if name not in by_file:
            (folder / name).write_text(f"{record['title']}\n{record['text']}", encoding="utf-8")
            by_file[name] = record
    return by_file


def questions(by_file: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(file, question, the article's first sentence) for the second and a middle article of each rule."""
    asked = []
    for name, record in by_file.items():
        articles = ARTICLE.findall(record["text"])
        title = record["title"]
        short = title.removeprefix(NATIONAL) if title.startswith(NATIONAL) else title
        for number, body in {articles[min(1, len(articles) - 1)], articles[len(articles) // 2]}:
            first = re.split(r"[。；]", body)[0][:30]
            asked.append((name, f"{short}{number}的内容是什么？", first))
    return asked


def score(assistant, asked) -> Counter:
    outcome = Counter()
    for name, question, first in asked:
        answer = assistant.ask(question)
        sources = {c.speech_id for c in answer.citations}
        if not answer.grounded:
            outcome["refused"] += 1
        elif sources - {name}:
            outcome["wrong rule"] += 1
            log.info("wrong rule: %s → %s", question, sorted(sources))
        elif first in answer.text:
            outcome["right"] += 1
        else:
            outcome["wrong article"] += 1
            log.info("wrong article: %s → %s", question, answer.text[:80])
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="only the first N rules")
    args = parser.parse_args()
    setup_logging()
    if not require(SCALE_CORPUS):
        return
    from assistant import factory

    folder = Path(tempfile.mkdtemp(prefix="policyqa-articles-"))
    (folder / "rules").mkdir()
    by_file = write_files(rules(args.limit), folder / "rules")
    assistant = factory.build_assistant(temporary_settings(embedding_model="hashing", data_dir=folder / "no-default-corpus"))
    assistant.ingest([folder / "rules"])
    asked = questions(by_file)
    outcome = score(assistant, asked)
    total = sum(outcome.values())
    print(f"{len(by_file)} rules, {total} questions")
    for key in ("right", "wrong article", "wrong rule", "refused"):
        print(f"  {key:14} {outcome[key]:4}  {outcome[key] / total:.3f}")


if __name__ == "__main__":
    main()

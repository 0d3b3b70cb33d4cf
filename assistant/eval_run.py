"""Running the fixed questions through an Assistant and writing the report."""

from __future__ import annotations

import json
import logging
import time
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from assistant.evaluation import (
    Question, QuestionResult, citation_supports, first_supporting_rank, summarise, term_coverage,
)

log = logging.getLogger(__name__)
CHART_METRICS = ("hit@1", "hit@5", "mrr@10", "answer_term_coverage", "citation_support",
                 "citation_exactness", "refusal_accuracy")


def run_questions(assistant, questions: Sequence[Question], progress: bool = False) -> list[QuestionResult]:
    from tqdm import tqdm

    source_texts = SpeechTexts(assistant.index)
    return [evaluate_question(assistant, q, source_texts)
            for q in tqdm(questions, desc="questions", disable=not progress)]


def evaluate_question(assistant, question: Question, source_texts: "SpeechTexts") -> QuestionResult:
    started = time.perf_counter()
    answer = assistant.ask(question.question, history=list(question.history))
    seconds = time.perf_counter() - started
    hits = assistant.search(answer.query, k=10)
    exact = sum(1 for c in answer.citations if source_texts.holds(c.speech_id, c.quote, c.quote_start, c.quote_end))
    return QuestionResult(
        id=question.id, kind=question.kind, question=question.question, answerable=question.answerable,
        has_evidence=bool(question.evidence), rank=first_supporting_rank(hits, question) if question.evidence else None,
        grounded=answer.grounded,
        coverage=term_coverage(answer.text, question.must_include) if question.answerable else None,
        supported=citation_supports(answer.citations, question) if question.evidence else None,
        quotes=len(answer.citations), exact_quotes=exact, answer=answer.text, seconds=seconds,
    )


class SpeechTexts:
    """Cleaned speech texts re-derived from the source files, to check quotes independently of the index."""

    def __init__(self, index):
        self.records = index.speeches()

    def holds(self, speech_id: str, quote: str, start: int, end: int) -> bool:
        record = self.records.get(speech_id)
        text = _speech_texts(record.path).get(speech_id) if record and record.path else None
        return text is not None and text[start:end] == quote


@lru_cache(maxsize=64)
def _speech_texts(path: str) -> dict[str, str]:
    from vectorstore.errors import InputError
    from vectorstore.loaders import load_file
    from vectorstore.speeches import speeches_from_document

    try:
        documents = load_file(Path(path), max_bytes=1 << 62)
    except (InputError, OSError):
        return {}
    return {s.id: s.text for d in documents for s in speeches_from_document(d)}


def write_report(results: Sequence[QuestionResult], summary: dict, directory: Path, label: str) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / "eval.json", directory / "eval.md", directory / "eval.png"]
    payload = {"label": label, "summary": summary, "questions": [r.__dict__ for r in results]}
    paths[0].write_text(json.dumps(payload, ensure_ascii=False, indent=2), "utf-8")
    paths[1].write_text(markdown_report(results, summary, label), "utf-8")
    _chart(summary, label, paths[2])
    return paths


def summary_table(summary: dict) -> str:
    rows = [f"| {name} | {value:.3f} |" for name, value in summary.items() if name != "questions"]
    return "\n".join(["| metric | value |", "|---|---|", *rows])


def markdown_report(results: Sequence[QuestionResult], summary: dict, label: str) -> str:
    lines = [f"# Evaluation: {label}", "", f"{summary['questions']} questions", "", summary_table(summary), "",
             "| id | kind | rank | grounded | coverage | supported | exact quotes | seconds |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        coverage = "-" if r.coverage is None else f"{r.coverage:.2f}"
        lines.append(f"| {r.id} | {r.kind} | {r.rank or '-'} | {r.grounded} | {coverage} | "
                     f"{'-' if r.supported is None else r.supported} | {r.exact_quotes}/{r.quotes} | {r.seconds:.2f} |")
    return "\n".join(lines) + "\n"


def _chart(summary: dict, label: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 3.6), dpi=110)
    values = [summary[m] for m in CHART_METRICS]
    axes.barh(list(CHART_METRICS), values, color="#3b6ea5")
    for y, value in enumerate(values):
        axes.text(min(value, 0.98), y, f" {value:.3f}", va="center", ha="right" if value > 0.9 else "left",
                  color="white" if value > 0.9 else "black", fontsize=8)
    axes.set_xlim(0, 1)
    axes.invert_yaxis()
    axes.set_title(f"policy-qa evaluation ({label})", fontsize=10)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)

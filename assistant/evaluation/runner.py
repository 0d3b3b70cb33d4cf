"""Running the fixed questions (or conversations) through an Assistant and writing the report."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from assistant.evaluation.metrics import (
    Question,
    QuestionResult,
    citation_supports,
    first_supporting_rank,
    per_kind,
    term_coverage,
)

log = logging.getLogger(__name__)
CHART_METRICS = ("hit@1", "hit@5", "mrr@10", "answer_term_coverage", "citation_support",
                 "citation_exactness", "refusal_accuracy")


def run_questions(assistant, questions: Sequence[Question], progress: bool = False) -> list[QuestionResult]:
    from tqdm import tqdm

    source_texts = SpeechTexts(assistant.index)
    return [evaluate_question(assistant, q, source_texts)
            for q in tqdm(questions, desc="questions", disable=not progress)]


def eval_settings(settings, corpus: Sequence[str] | None):
    """With extra corpora the index lives in a cached folder keyed by them (unless POLICYQA_INDEX_DIR is set)."""
    if not corpus or "index_dir" in settings.model_fields_set:
        return settings
    return settings.model_copy(update={"index_dir": cached_index_dir(settings, corpus)})


def cached_index_dir(settings, corpus: Sequence[str]) -> Path:
    """``<cache_dir>/eval-index/<hash>``: one folder per set of corpora, embedder and chunker."""
    from vectorstore.speech.chunking import chunker_key

    paths = sorted({str(Path(p).resolve()) for p in [settings.data_dir, *corpus]})
    model = settings.embedding_model + ("+int8" if getattr(settings, "embedding_precision", "bf16") == "int8" else "")
    key = json.dumps([paths, model, chunker_key(settings.chunk_max_chars)], ensure_ascii=False)
    return settings.cache_dir / "eval-index" / hashlib.sha256(key.encode()).hexdigest()[:12]


def index_corpus(assistant, corpus: Sequence[str], progress: bool = False) -> str:
    """Bring the index up to date with the default corpus and the extra ones (incremental); the summary line."""
    report = assistant.ingest([assistant.settings.data_dir, *corpus], progress=progress)
    for what, reason in report.skipped:
        log.warning("skipped %s: %s", what, reason)
    log.debug("eval corpus: %s", report.summary())
    return report.summary()


def evaluate_question(assistant, question: Question, source_texts: "SpeechTexts") -> QuestionResult:
    started = time.perf_counter()
    answer = final_answer(assistant, question)
    seconds = time.perf_counter() - started
    hits = assistant.search(answer.query, k=10)
    exact = sum(1 for c in answer.citations if source_texts.holds(c.speech_id, c.quote, c.quote_start, c.quote_end))
    return QuestionResult(
        id=question.id, kind=question.kind, question=question.question, answerable=question.answerable,
        has_evidence=bool(question.evidence), rank=first_supporting_rank(hits, question) if question.evidence else None,
        grounded=answer.grounded,
        coverage=term_coverage(answer.text, question.must_include) if question.answerable else None,
        supported=citation_supports(answer.citations, question) if question.evidence else None,
        quotes=len(answer.citations), exact_quotes=exact, answer=answer.text, seconds=seconds, query=answer.query,
    )


def final_answer(assistant, question: Question):
    """The answer to the question, or to a conversation's last turn after replaying the earlier ones.

    The history is what a chat client sends: earlier user turns and the assistant's own answers."""
    history = list(question.history)
    for turn in question.turns[:-1]:
        answer = assistant.ask(turn, history=list(history))
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": answer.text}]
    return assistant.ask(question.question, history=history)


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
    from vectorstore.readers import load_file
    from vectorstore.speech.speeches import speeches_from_document

    try:
        documents = load_file(Path(path), max_bytes=1 << 62)
    except (InputError, OSError):
        return {}
    return {s.id: s.text for d in documents for s in speeches_from_document(d)}


def write_report(results: Sequence[QuestionResult], summary: dict, directory: Path, label: str,
                 about: dict | None = None) -> list[Path]:
    """eval.json, eval.md and eval.png; ``about`` records the run (questions file, id half, corpora)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / "eval.json", directory / "eval.md", directory / "eval.png"]
    about = {"ids": "all", **(about or {})}
    payload = {"label": label, **about, "summary": summary, "per_kind": per_kind(results),
               "questions": [r.as_dict() for r in results]}
    paths[0].write_text(json.dumps(payload, ensure_ascii=False, indent=2), "utf-8")
    paths[1].write_text(markdown_report(results, summary, label, about), "utf-8")
    _chart(summary, f"{label}, ids {about['ids']}", paths[2])
    return paths


def summary_table(summary: dict) -> str:
    rows = [f"| {name} | {value:.3f} |" for name, value in summary.items() if name != "questions"]
    return "\n".join(["| metric | value |", "|---|---|", *rows])


def kind_table(results: Sequence[QuestionResult]) -> str:
    rows = [f"| {r['kind']} | {r['questions']} | {r['fully_right']} | {_share(r['coverage'])} | "
            f"{_share(r['support'])} | {_share(r['refusal'])} | {r['answered']} | {_share(r['precision'])} | "
            f"{_share(r['accuracy'])} |" for r in per_kind(results)]
    return "\n".join(["| kind | questions | fully right | coverage | support | refusal | answered | precision | accuracy |",
                      "|---|---|---|---|---|---|---|---|---|", *rows])


def conversation_table(results: Sequence[QuestionResult]) -> str:
    rows = [f"| {r.id} | {'yes' if r.fully_right else 'no'} | {_cell(r.query)} |" for r in results]
    return "\n".join(["| id | fully right | last-turn query |", "|---|---|---|", *rows])


def console_report(results: Sequence[QuestionResult], summary: dict, conversations: bool) -> str:
    """What ``policyqa eval`` prints: metrics, per-kind table, and per conversation its resolved query."""
    parts = [summary_table(summary), kind_table(results)]
    return "\n\n".join(parts + [conversation_table(results)] if conversations else parts)


def markdown_report(results: Sequence[QuestionResult], summary: dict, label: str, about: dict | None = None) -> str:
    about = about or {}
    lines = [f"# Evaluation: {label}", "", *[f"- {key}: {_cell(str(value))}" for key, value in about.items()], "",
             f"{summary['questions']} questions", "", summary_table(summary), "", kind_table(results), "",
             "| id | kind | rank | grounded | coverage | supported | exact quotes | fully right | seconds | query |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        coverage = "-" if r.coverage is None else f"{r.coverage:.2f}"
        lines.append(f"| {r.id} | {r.kind} | {r.rank or '-'} | {r.grounded} | {coverage} | "
                     f"{'-' if r.supported is None else r.supported} | {r.exact_quotes}/{r.quotes} | "
                     f"{'yes' if r.fully_right else 'no'} | {r.seconds:.2f} | {_cell(r.query)} |")
    return "\n".join(lines) + "\n"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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

"""Retrieval quality on the fixed questions: hit@1, hit@5, MRR@10 of dense, keyword, hybrid.

    .venv/bin/python -m bench.retrieval                       # seeds, default chunk size
    .venv/bin/python -m bench.retrieval --max-chars 250 400 600
    .venv/bin/python -m bench.retrieval --distractors          # + the 341 scale texts
"""

from __future__ import annotations

import argparse
import logging

from bench.common import QUESTIONS, SCALE_CORPUS, SEEDS, require, setup_logging, temporary_settings

log = logging.getLogger("bench.retrieval")
MODES = ("dense", "keyword", "hybrid")


def evaluate(settings, embeddings, questions, with_distractors: bool) -> dict[str, dict]:
    from assistant import factory
    from assistant.evaluation.metrics import retrieval_scores

    index = factory.build_index(settings, embeddings=embeddings)
    paths = [SEEDS] + ([SCALE_CORPUS] if with_distractors else [])
    factory.build_ingestor(settings, index).ingest(paths, progress=False)
    searcher = factory.build_searcher(index, settings)
    results = {}
    for mode in MODES:
        scores = retrieval_scores(questions, lambda q, m=mode: searcher.search(q, k=10, mode=m))
        results[mode] = scores.as_dict() | {"misses": [q for q, r in scores.per_question.items() if not r or r > 5]}
    results["chunks"] = index.chunk_count()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-chars", type=int, nargs="+", default=[None], help="chunk sizes to compare")
    parser.add_argument("--distractors", action="store_true", help="add the 341 scale texts to the index")
    args = parser.parse_args()
    setup_logging()
    if not require(QUESTIONS) or (args.distractors and not require(SCALE_CORPUS)):
        return
    from assistant import factory
    from assistant.evaluation.metrics import load_questions

    questions = load_questions(QUESTIONS)
    embeddings = factory.build_embeddings(temporary_settings())
    print(f"{'max_chars':>9} {'chunks':>7} {'mode':>8} {'hit@1':>6} {'hit@5':>6} {'MRR@10':>7}  misses@5")
    for max_chars in args.max_chars:
        overrides = {"chunk_max_chars": max_chars} if max_chars else {}
        settings = temporary_settings(**overrides)
        results = evaluate(settings, embeddings, questions, args.distractors)
        for mode in MODES:
            row = results[mode]
            print(f"{settings.chunk_max_chars:>9} {results['chunks']:>7} {mode:>8} {row['hit@1']:>6.3f} "
                  f"{row['hit@5']:>6.3f} {row['mrr@10']:>7.3f}  {' '.join(row['misses'])}")


if __name__ == "__main__":
    main()

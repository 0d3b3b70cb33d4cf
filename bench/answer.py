"""Answer latency and retrieval quality, against the plain tutorial recipe.

    .venv/bin/python -m bench.answer               # seeds, then seeds + the 341 scale texts as distractors
    .venv/bin/python -m bench.answer --seeds-only --local-llm 5   # + the local LLM's time to first token

Prints p50/p95 of ``search()`` and extractive ``ask()`` over the fixed
questions, hit@1/hit@5/MRR@10 of our hybrid retrieval, and the same
questions through the tutorial recipe (RecursiveCharacterTextSplitter
500/50 over the raw files, langchain-chroma dense top-4, same embedder).
Targets: ask() p95 < 300 ms on the seeds and < 1 s with distractors;
hit@5 ≥ 0.95 with distractors.
"""

from __future__ import annotations

import argparse
import logging
import time

from bench.common import QUESTIONS, SCALE_CORPUS, SEEDS, require, setup_logging, temporary_settings

log = logging.getLogger("bench.answer")


def percentiles(seconds: list[float]) -> str:
    from assistant.evaluation.metrics import percentile

    return f"p50 {1000 * percentile(seconds, 50):.0f} ms, p95 {1000 * percentile(seconds, 95):.0f} ms"


def timed(function, items) -> list[float]:
    durations = []
    for item in items:
        started = time.perf_counter()
        function(item)
        durations.append(time.perf_counter() - started)
    return durations


def bench_ours(embeddings, questions, with_distractors: bool) -> None:
    from assistant import factory
    from assistant.evaluation.metrics import retrieval_scores

    settings = temporary_settings(llm="extractive")
    index = factory.build_index(settings, embeddings=embeddings)
    paths = [SEEDS] + ([SCALE_CORPUS] if with_distractors else [])
    factory.build_ingestor(settings, index).ingest(paths, progress=False)
    assistant = factory.build_assistant(settings, embeddings=embeddings)
    texts = [q.question for q in questions]
    assistant.ask(texts[0])  # warm caches (BM25 model, query path)
    label = "seeds + 341 distractors" if with_distractors else "seeds"
    print(f"\n== ours on {label}: {index.chunk_count()} chunks")
    print(f"search(): {percentiles(timed(lambda q: assistant.search(q, k=10), texts))}")
    print(f"ask() extractive: {percentiles(timed(assistant.ask, texts))}")
    bench_access(assistant, texts, settings)
    scores = retrieval_scores(questions, lambda q: assistant.search(q, k=10))
    print(f"hybrid retrieval: {scores.as_dict()}")


def bench_access(assistant, texts: list[str], settings) -> None:
    """What the access rule costs: ask() through a collection view (every speech is in 默认) against
    ask() with a speaker filter, and a key's check once it is known (a dictionary lookup)."""
    from assistant.access import KeyStore
    from vectorstore.search import SearchFilters

    within = assistant.within(["默认"])
    within.ask(texts[0])
    print(f"ask() in a collection: {percentiles(timed(within.ask, texts))}")
    speaker = SearchFilters(speaker="张笑东")
    print(f"ask() with a speaker filter: {percentiles(timed(lambda q: assistant.ask(q, filters=speaker), texts))}")
    keys = KeyStore(settings.index_dir)
    key, _ = keys.add("reader", "bench")
    keys.principal(key)  # the first check runs scrypt
    checks = timed(keys.principal, [key] * 1000)
    print(f"a known key's check: {1000 * sum(checks) / len(checks):.3f} ms (target < 5 ms)")


def raw_texts(with_distractors: bool) -> list[tuple[str, str]]:
    """(source, text) of the files as they are: no cleaning, no speech splitting."""
    from vectorstore.readers import load_file

    paths = sorted(SEEDS.glob("*.txt")) + ([SCALE_CORPUS] if with_distractors else [])
    return [(document.source, document.text) for path in paths for document in load_file(path)]


def bench_tutorial(embeddings, questions, with_distractors: bool) -> None:
    """The recipe most tutorials show, on the same raw files and embedder."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.evaluation.metrics import retrieval_scores
    from vectorstore.stores.chroma_client import chroma_settings

    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    texts, metadatas = [], []
    for source, text in raw_texts(with_distractors):
        for piece in splitter.split_text(text):
            texts.append(piece)
            metadatas.append({"source": source})
    client = chromadb.EphemeralClient(settings=chroma_settings())
    store = Chroma(embedding_function=embeddings, client=client, collection_name="tutorial",
                   collection_metadata={"hnsw:space": "cosine"})
    for start in range(0, len(texts), 1000):  # Chroma caps one add at its max batch size
        store.add_texts(texts[start:start + 1000], metadatas=metadatas[start:start + 1000])

    def search(question: str):
        return [_Hit(d.metadata["source"], d.page_content) for d in store.similarity_search(question, k=4)]

    label = "seeds + 341 distractors" if with_distractors else "seeds"
    print(f"\n== tutorial recipe on {label}: {len(texts)} chunks (500/50 splitter, dense top-4)")
    print(f"dense top-4 retrieval: {retrieval_scores(questions, search).as_dict()}")


def bench_local_first_token(embeddings, questions, count: int) -> None:
    """Time to the first streamed token of the local LLM backend (model load not counted)."""
    from assistant import factory

    settings = temporary_settings(llm="local")
    assistant = factory.build_assistant(settings, embeddings=embeddings)
    assistant.answerer.warm_up()
    firsts, totals = [], []
    for question in [q.question for q in questions if q.answerable][:count]:
        started = time.perf_counter()
        first = None
        for item in assistant.stream(question):
            if first is None and isinstance(item, str):
                first = time.perf_counter() - started
        firsts.append(first if first is not None else time.perf_counter() - started)
        totals.append(time.perf_counter() - started)
    print(f"\n== local LLM on seeds, {len(firsts)} questions: first token {percentiles(firsts)}; "
          f"whole answer {percentiles(totals)}")


class _Hit:
    def __init__(self, source: str, text: str):
        self.source, self.text = source, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds-only", action="store_true", help="skip the run with distractors")
    parser.add_argument("--local-llm", type=int, default=0, metavar="N",
                        help="also time the local LLM's first token on N questions (needs the local extra)")
    args = parser.parse_args()
    setup_logging()
    if not require(QUESTIONS):
        return
    from assistant import factory
    from assistant.evaluation.metrics import load_questions

    questions = load_questions(QUESTIONS)
    embeddings = factory.build_embeddings(temporary_settings())
    bench_ours(embeddings, questions, with_distractors=False)
    bench_tutorial(embeddings, questions, with_distractors=False)
    if not args.seeds_only and require(SCALE_CORPUS):
        bench_ours(embeddings, questions, with_distractors=True)
        bench_tutorial(embeddings, questions, with_distractors=True)
    if args.local_llm:
        bench_local_first_token(embeddings, questions, args.local_llm)


if __name__ == "__main__":
    main()

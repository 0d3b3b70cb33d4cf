"""The ``policyqa`` command line: one face of the core, errors as one-line messages."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Callable

from vectorstore.errors import PolicyQAError

log = logging.getLogger("policyqa")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from assistant.settings import load_settings

    from pydantic import ValidationError

    try:
        settings = load_settings()
        configure_logging(settings.log_level, args.verbose)
        return args.handler(args, settings) or 0
    except PolicyQAError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ValidationError as error:  # an option the shared request models refuse
        print("error: " + "; ".join(_problem(item) for item in error.errors()), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the index stays usable (run the same command again to finish)", file=sys.stderr)
        return 130


def _problem(item: dict) -> str:
    where = ".".join(str(part) for part in item.get("loc", ()))
    return f"--{where.replace('_', '-')}: {item['msg'].removeprefix('Value error, ')}" if where else item["msg"]


def configure_logging(level: str, verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else level.upper(),
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "chromadb", "sentence_transformers", "jieba", "urllib3", "milvus_lite", "pymilvus", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policyqa", description="Cited answers from Chinese government speeches.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_ingest(commands)
    _add_speeches(commands)
    _add_outline(commands)
    _add_show(commands)
    _add_search(commands)
    _add_index(commands)
    _add_ask(commands)
    _add_eval(commands)
    _add_serve(commands)
    _add_keys(commands)
    _add_audit(commands)
    _add_collections(commands)
    _add_mcp(commands)
    return parser


def _add_collections(commands) -> None:
    _command(commands, "collections", cmd_collections, "the collections (知识库) and their speech counts")
    sub = _command(commands, "move", cmd_move, "put a speech in another collection (nothing re-embedded)")
    sub.add_argument("speech_id")
    sub.add_argument("collection")


def names_of(text: str | None) -> list[str]:
    """「A,B」 or 「A，B」 → ['A', 'B']."""
    return [name.strip() for name in (text or "").replace("，", ",").split(",") if name.strip()]


def _add_keys(commands) -> None:
    sub = _command(commands, "keys", cmd_keys, "keys for the server: add (printed once), list, revoke")
    sub.add_argument("operation", choices=["add", "list", "revoke"])
    sub.add_argument("key_id", nargs="?", help="for revoke: the key's id or name")
    sub.add_argument("--role", choices=["reader", "editor", "admin"], default="reader",
                     help="reader: ask and read; editor: also upload and delete; admin: everything")
    sub.add_argument("--name", default="", help="who the key is for (shown in the audit log)")
    sub.add_argument("--collections", help="comma-separated collections the key may touch (default: all)")


def _add_audit(commands) -> None:
    sub = _command(commands, "audit", cmd_audit, "the audit log of changes: uploads, deletions, keys")
    sub.add_argument("--since", help="only entries at or after this date or time (ISO, e.g. 2026-12-01)")
    sub.add_argument("--json", action="store_true", help="one JSON object a line")


def _command(commands, name: str, handler: Callable, help_text: str) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(handler=handler)
    return sub


def _add_ingest(commands) -> None:
    from vectorstore.readers.registry import accepted

    sub = _command(commands, "ingest", cmd_ingest, f"index speech files ({accepted()}) or folders")
    sub.add_argument("paths", nargs="+", help="files or folders")
    sub.add_argument("--prune", action="store_true", help="also remove indexed files that are not among PATHS")
    sub.add_argument("--collection", help="the collection (知识库) the files' speeches go to (default 默认; "
                                          "speeches indexed already are moved to it)")
    sub.add_argument("--rebuild", action="store_true", help="drop the index first (after changing model or chunker)")
    sub.add_argument("--no-progress", action="store_true", help="no progress bars")


def _add_speeches(commands) -> None:
    sub = _command(commands, "speeches", cmd_speeches, "list indexed speeches")
    sub.add_argument("--json", action="store_true", help="JSON output")


def _add_outline(commands) -> None:
    sub = _command(commands, "outline", cmd_outline, "a speech's outline: its headings as a tree, with offsets")
    sub.add_argument("speech_id", help="a speech id from `policyqa speeches`, e.g. '004_30715ac9391e336e.txt#4'")
    sub.add_argument("--json", action="store_true", help="the SpeechOutline as JSON")


def _add_show(commands) -> None:
    sub = _command(commands, "show", cmd_show, "read a speech: the section around a span, the span marked 【…】")
    sub.add_argument("speech_id", help="a speech id from `policyqa speeches` (or a citation's speech_id)")
    sub.add_argument("--at", help="START-END offsets of a citation's quote (quote_start-quote_end); "
                                  "without it the whole speech is printed")
    sub.add_argument("--json", action="store_true", help="the SpeechText as JSON")


def _add_search(commands) -> None:
    sub = _command(commands, "search", cmd_search, "search passages")
    sub.add_argument("query")
    sub.add_argument("-k", type=int, default=10, help="number of results (default 10)")
    sub.add_argument("--mode", choices=["dense", "keyword", "hybrid"], default="hybrid")
    sub.add_argument("--speaker", help="only speeches of this speaker")
    sub.add_argument("--place", help="only speeches naming this place")
    sub.add_argument("--date-from", help="yyyy[-mm[-dd]], inclusive")
    sub.add_argument("--date-to", help="yyyy[-mm[-dd]], inclusive")
    sub.add_argument("--collection", help="search these collections only (comma-separated; default all)")
    sub.add_argument("--json", action="store_true", help="JSON output")


def _add_index(commands) -> None:
    sub = _command(commands, "index", cmd_index_info, "about the index")
    sub.add_argument("action", choices=["info"], help="info: what the index holds and was built with")
    sub.add_argument("--json", action="store_true", help="JSON output")


def _add_ask(commands) -> None:
    sub = _command(commands, "ask", cmd_ask, "answer a question with cited passages")
    sub.add_argument("question")
    sub.add_argument("--llm", choices=["extractive", "local", "openai"], help="answer backend (default: POLICYQA_LLM)")
    sub.add_argument("--collection", help="ask in these collections only (comma-separated; default all)")
    sub.add_argument("--json", action="store_true", help="the Answer as JSON")


def _add_eval(commands) -> None:
    sub = _command(commands, "eval", cmd_eval, "run fixed questions or conversations and report quality metrics")
    sub.add_argument("questions", help="a questions.jsonl or conversations.jsonl file (see ../shared/eval/README.md)")
    sub.add_argument("--llm", choices=["extractive", "local", "openai"], help="answer backend (default: POLICYQA_LLM)")
    sub.add_argument("--ids", choices=["all", "odd", "even"], default="all",
                     help="only odd (tuning) or even (held-out) id numbers (default all)")
    sub.add_argument("--corpus", nargs="+", action="extend", metavar="PATH",
                     help="also index these files/folders first, into a cached index (unless POLICYQA_INDEX_DIR is set)")
    sub.add_argument("--report-dir", default="reports/eval", help="where eval.json, eval.md and eval.png go")
    sub.add_argument("--collection", help="ask in these collections only (comma-separated; default all)")
    for metric, option in (("hit@5", "min-hit5"), ("MRR@10", "min-mrr"), ("answer term coverage", "min-coverage"),
                           ("citation support", "min-support"), ("citation exactness", "min-exactness"),
                           ("refusal accuracy", "min-refusal")):
        sub.add_argument(f"--{option}", type=float, help=f"exit 1 when {metric} is below this")


def _add_serve(commands) -> None:
    sub = _command(commands, "serve", cmd_serve, "web chat at / plus the HTTP and OpenAI-compatible API")
    sub.add_argument("--host", help="address to listen on (default: POLICYQA_HOST, 127.0.0.1)")
    sub.add_argument("--port", type=int, help="port (default: POLICYQA_PORT, 7860)")
    sub.add_argument("--llm", choices=["extractive", "local", "openai"], help="answer backend (default: POLICYQA_LLM)")


def _add_mcp(commands) -> None:
    sub = _command(commands, "mcp", cmd_mcp, "the MCP tools over stdio, for a desktop assistant (see README)")
    sub.add_argument("--llm", choices=["extractive", "local", "openai"], help="answer backend (default: POLICYQA_LLM)")


# -- handlers ----------------------------------------------------------------
def cmd_mcp(args, settings) -> int:
    """stdout carries the protocol: everything else (logs, progress) goes to stderr."""
    from assistant.faces.mcp import build_mcp_server

    build_mcp_server(_assistant(settings, args.llm)).run("stdio")
    return 0


def cmd_ingest(args, settings) -> int:
    from assistant import factory
    from assistant.core import checked_collection

    if args.rebuild:
        factory.drop_index(settings)
    index = factory.build_index(settings)
    collection = checked_collection(args.collection) if args.collection else None
    ingestor = factory.build_ingestor(settings, index)
    finish_uploads(settings, ingestor)
    report = ingestor.ingest(
        args.paths, prune=args.prune, progress=not args.no_progress and sys.stderr.isatty(), collection=collection)
    for what, reason in report.skipped:
        print(f"skipped {what}: {reason}")
    print(report.summary())
    if report.did_nothing:
        print("error: nothing was indexed: every input was skipped (reasons above)", file=sys.stderr)
        return 1
    return 0


def finish_uploads(settings, ingestor) -> None:
    """Uploads a stopped server left unfinished are resumed or rolled back first (assistant/uploads/journal.py;
    each is logged as a warning)."""
    from assistant.access import AuditLog
    from assistant.uploads.journal import UploadJournal, finish_unfinished

    finish_unfinished(UploadJournal(settings.uploads_path),
                      lambda paths, collection: ingestor.ingest(paths, collection=collection, progress=False),
                      AuditLog(settings.index_dir))


def cmd_speeches(args, settings) -> int:
    from assistant import factory

    records = sorted(factory.build_index(settings).speeches().values(), key=lambda r: r.id)
    rows = [speech_row(record) for record in records]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        print(f"{row['id']}\t{row['date'] or '-'}\t{row['speaker'] or '-'}\t{row['chunks']} chunks\t"
              f"{row['title'] or row['meeting'] or '-'}")
    print(f"{len(rows)} speeches")
    return 0


def speech_row(record) -> dict:
    return {"id": record.id, "source": record.source, "title": record.title, "speaker": record.speaker,
            "speaker_role": record.speaker_role, "date": record.date, "places": list(record.places),
            "meeting": record.meeting, "chunks": record.chunk_count}


def cmd_outline(args, settings) -> int:
    outline = _assistant(settings, "extractive").outline(args.speech_id)  # no chat model to load for this
    print(outline.model_dump_json(indent=2) if args.json else outline.to_text())
    return 0


def cmd_show(args, settings) -> int:
    from assistant.types import parse_span

    view = _assistant(settings, "extractive").speech_text(args.speech_id, parse_span(args.at) if args.at else None)
    print(view.model_dump_json(indent=2) if args.json else shown(view))
    return 0


SHOWN_CHARS = 1500  # a longer section is shown as the paragraphs around the span


def shown(view) -> str:
    """The header, where the span is (section, page), and the text around it with the span in 【】."""
    lines = [view.outline.header]
    if view.at is None:
        return "\n".join(lines + [view.text])
    start, end = view.at
    node, page = view.section_of(start), view.page_of(start)
    lines.append(" · ".join(filter(None, (node.heading if node else "（开头）", f"第 {page} 页" if page else None,
                                          f"第 {start}–{end} 字"))))
    left, right = (node.start, node.end) if node and node.end - node.start <= SHOWN_CHARS else around(view, start, end)
    text = view.text
    lines.append(f"{text[left:start]}【{text[start:end]}】{text[end:right]}".strip("\n"))
    return "\n".join(lines)


def around(view, start: int, end: int) -> tuple[int, int]:
    """From the paragraph before the span's to the paragraph after it."""
    spans = view.paragraphs
    first = max(0, next((i for i, (a, b) in enumerate(spans) if b >= start), 0) - 1)
    last = min(len(spans) - 1, next((i for i, (a, b) in enumerate(spans) if b >= end), len(spans) - 1) + 1)
    return spans[first][0], spans[last][1]


def cmd_collections(args, settings) -> int:
    from assistant import factory

    counts: dict[str, int] = {}
    for record in factory.build_index(settings).speeches().values():
        counts[record.collection] = counts.get(record.collection, 0) + 1
    for name, count in sorted(counts.items()):
        print(f"{name}\t{count} speeches")
    return 0


def cmd_move(args, settings) -> int:
    _assistant(settings, "extractive").move_speech(args.speech_id, args.collection)
    print(f"moved {args.speech_id} to {args.collection}")
    return 0


def cmd_search(args, settings) -> int:
    from assistant.types import FilterSpec

    filters = FilterSpec(speaker=args.speaker, place=args.place, date_from=args.date_from,
                         date_to=args.date_to).to_search_filters()
    passages = _assistant(settings, None).within(names_of(args.collection)).search(args.query, k=args.k, mode=args.mode,
                                                                                   filters=filters)
    if args.json:
        print(json.dumps([p.to_dict() for p in passages], ensure_ascii=False, indent=2))
        return 0
    for rank, passage in enumerate(passages, start=1):
        print(f"[{rank}] {passage.score:.4f}  {passage.source}  {passage.title or ''}  "
              f"{passage.section or '(开头)'}  [{passage.start}:{passage.end}]")
        print(f"    {passage.text}\n")
    return 0


def cmd_index_info(args, settings) -> int:
    from assistant import factory

    index = factory.build_index(settings)
    info = index_info(index, settings)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        for key, value in info.items():
            print(f"{key}: {value}")
    return 0


def index_info(index, settings) -> dict:
    from vectorstore.embedding.loading import runtime_description
    from vectorstore.stores import directory_size

    location = (f"chroma server {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host
                else str(settings.index_dir))
    on_disk = settings.index_dir
    if settings.store == "milvus":
        location = settings.milvus_path.split("?")[0]
        on_disk = None if "://" in location else Path(location)
    return {
        "store": settings.store, "location": location, "collection": settings.collection,
        "embedding_model": index.identity.embedding_model, "dimension": index.identity.dimension,
        "embedding_runtime": runtime_description(settings.embedding_model, settings.cache_dir,
                                                 backend=settings.embedding_backend,
                                                 precision=settings.embedding_precision, threads=settings.threads),
        "chunker": index.identity.chunker, "speeches": len(index.speeches()),
        "chunks": index.chunk_count(), "keyword_chunks": len(index.keyword),
        "size_on_disk_mb": round(directory_size(on_disk) / 2**20, 2) if on_disk else None,
    }


def _assistant(settings, llm: str | None):
    from assistant import factory

    if llm:
        settings = settings.model_copy(update={"llm": llm})
    return factory.build_assistant(settings)


def cmd_ask(args, settings) -> int:
    answer = _assistant(settings, args.llm).within(names_of(args.collection)).ask(args.question)
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print(answer.to_markdown())
    return 0


def cmd_eval(args, settings) -> int:
    from pathlib import Path

    from assistant.evaluation.runner import console_report, eval_settings, index_corpus, run_questions, write_report
    from assistant.evaluation.metrics import (
        ID_HALVES,
        THRESHOLD_NAMES,
        below_thresholds,
        load_questions,
        select_ids,
        summarise,
    )

    questions = select_ids(load_questions(Path(args.questions)), args.ids)
    settings = eval_settings(settings, args.corpus)
    assistant = _assistant(settings, args.llm)
    about = {"questions_file": str(Path(args.questions).resolve()), "ids": args.ids, "half": ID_HALVES[args.ids],
             "collections": names_of(args.collection)}
    if args.corpus:
        about.update(corpus=[str(Path(p).resolve()) for p in args.corpus], index_dir=str(settings.index_dir))
        print(f"index: {settings.index_dir}")
        print("corpus: " + index_corpus(assistant, args.corpus, progress=sys.stderr.isatty()))
    results = run_questions(assistant.within(names_of(args.collection)), questions, progress=sys.stderr.isatty())
    summary = summarise(results)
    paths = write_report(results, summary, Path(args.report_dir), assistant.backend, about)
    print(f"{len(results)} questions: {ID_HALVES[args.ids]}")
    print(console_report(results, summary, conversations=any(q.turns for q in questions)))
    print("report: " + ", ".join(str(p) for p in paths))
    failures = below_thresholds(summary, {m: getattr(args, o) for m, o in THRESHOLD_NAMES.items()})
    for failure in failures:
        print(f"below threshold: {failure}")
    return 1 if failures else 0


def cmd_keys(args, settings) -> int:
    from assistant.access import AuditLog, KeyStore
    from vectorstore.errors import InputError

    keys, audit = KeyStore(settings.index_dir, settings.api_token), AuditLog(settings.index_dir)
    if args.operation == "add":
        key, record = keys.add(args.role, args.name, names_of(args.collections))
        audit.record("local", "key added", key=record.id, name=record.name, role=record.role)
        print(f"{key}\n(the key is shown only now; give it to {record.name}: role {record.role}, id {record.id})")
    elif args.operation == "list":
        for record in keys.list():
            print(f"{record.id}\t{record.role}\t{record.name}\t{'、'.join(record.collections or ['全部'])}\t{record.created}")
    else:
        if not args.key_id:
            raise InputError("name the key to revoke: `policyqa keys revoke ID` (ids from `policyqa keys list`)")
        record = keys.revoke(args.key_id)
        audit.record("local", "key revoked", key=record.id, name=record.name)
        print(f"revoked {record.id} ({record.name})")
    return 0


def cmd_audit(args, settings) -> int:
    from assistant.access import AuditLog

    for entry in AuditLog(settings.index_dir).entries(args.since):
        print(json.dumps(entry, ensure_ascii=False) if args.json else
              "\t".join([entry["time"], entry["who"], entry["action"]] +
                        [f"{k}={v}" for k, v in entry.items() if k not in ("time", "who", "action")]))
    return 0


def cmd_serve(args, settings) -> int:
    from assistant.faces.web.server import serve

    if args.llm:
        settings = settings.model_copy(update={"llm": args.llm})
    serve(settings, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())

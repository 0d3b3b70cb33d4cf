"""The one core every face calls: ``Assistant.ask / stream / search``."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from assistant.access import AuditLog
from assistant.answering.pipeline import AnswerPipeline, Outcome
from assistant.answering.structured import StructuredAnswers
from assistant.retrieval.evidence import Evidence
from assistant.conversation.rules import is_follow_up, last_user_question
from assistant.conversation.resolver import ConversationResolver, Resolution, speech_name
from assistant.understanding.service import Understanding
from assistant.types import MAX_K, REFUSAL, Answer, IngestOutcome, RelatedPassage, SpeechInfo, checked_text
from assistant.types import SpeechOutline, SpeechPage, SpeechText
from assistant.uploads.journal import UploadJournal, finish_unfinished
from vectorstore.runtime.access import ReadOnlyIndexError, unwritable
from vectorstore.runtime.compute import ComputeGate
from vectorstore.runtime.faults import writing
from vectorstore.errors import ConfigError, InputError, NotFoundError, StoppingError
from vectorstore.speech.records import DEFAULT_COLLECTION
from vectorstore.text.tokens import tagged
from vectorstore.search import SearchFilters
from vectorstore.speech.types import Passage

log = logging.getLogger(__name__)
RELATED_COUNT = 3
SPEECH_PAGE = 100  # speeches listed at once by default (GET /api/speeches)
MAX_SPEECH_PAGE = 1000


class Assistant:
    """Answers questions about the indexed speeches, with verified citations."""

    def __init__(self, settings, index, searcher, retriever, answerer, rewriter, ingestor=None, gate=None,
                 understanding=None, structured=None, audit=None, views=None):
        self.settings = settings
        self.views = views  # (assistant, collections) → the assistant seen through them (factory.build_within)
        self.audit = audit or AuditLog(settings.index_dir)  # every change, who made it
        self.index = index
        self.searcher = searcher
        self.retriever = retriever
        self.answerer = answerer  # extractive or generative: .answer(...) and .stream(...)
        self.rewriter = rewriter  # a chat model's rewriter, or None: the rules of ConversationResolver decide
        self.ingestor = ingestor
        # Embedding and generation each take both cores: never at once, and questions before ingests.
        self.gate = gate or ComputeGate()
        self.understanding = understanding or Understanding(index)
        self.conversation = ConversationResolver(self.understanding)
        structured = structured or StructuredAnswers(index, index.keyword.idf)
        self.pipeline = AnswerPipeline(index, retriever, answerer, self.understanding, structured)
        self.journal = UploadJournal(settings.uploads_path)  # uploads under way (assistant/uploads/journal.py)
        self.notices: list[str] = []  # what the last start did about unfinished uploads

    @property
    def backend(self) -> str:
        return self.answerer.name

    def search(self, query: str, k: int = 10, mode: str = "hybrid",
               filters: SearchFilters | None = None) -> list[Passage]:
        """Passages for a query, best first (no answer)."""
        query = self.understanding.read(checked_text(query, "query"))
        if not 1 <= k <= MAX_K:
            raise InputError(f"k must be between 1 and {MAX_K} (got {k}); ask for fewer or more results")
        with self.gate.foreground():
            if mode != "hybrid":  # one signal alone, for looking into the ranking
                return self.with_pages(self.searcher.search(query, k=k, mode=mode, filters=filters))
            return self.with_pages(self.pipeline.search(query, k, filters))

    def with_pages(self, passages: list[Passage]) -> list[Passage]:
        """Each passage with the pages of its file it lies on, as citations carry them."""
        records = self.index.speeches()
        return [replace(p, pages=records[p.speech_id].meta.pages_of(p.start, p.end)) if p.speech_id in records else p
                for p in passages]

    def ask(self, question: str, history: list[dict] | None = None,
            filters: SearchFilters | None = None) -> Answer:
        """A cited answer, or a refusal with related reading."""
        answer = None
        for item in self.stream(question, history, filters):
            answer = item if isinstance(item, Answer) else answer
        return answer

    def stream(self, question: str, history: list[dict] | None = None,
               filters: SearchFilters | None = None) -> Iterator[str | Answer]:
        """Text deltas as they are produced, then the final Answer (the question is checked at once)."""
        return self._stream(checked_text(question, "question"), history, filters)

    def _stream(self, question: str, history: list[dict] | None,
                filters: SearchFilters | None) -> Iterator[str | Answer]:
        with self.gate.foreground():
            read, history = self.understanding.read(question), [self._read_turn(turn) for turn in history or []]
            resolution = self._standalone(read, history)
            for item in self.pipeline.run(resolution.query, filters, resolution.exclude, resolution.within):
                if isinstance(item, str):
                    yield item
                else:
                    outcome = item
        yield self._answer(question, resolution, outcome)

    def _read_turn(self, turn: dict) -> dict:
        """An earlier user turn is read as a question is; the assistant's turns stay as they were."""
        if turn.get("role") != "user" or not isinstance(turn.get("content"), str):
            return turn
        return {**turn, "content": self.understanding.read(turn["content"])}

    def _standalone(self, question: str, history: list[dict]) -> Resolution:
        """The question as the conversation means it (the edit of the last question, the speeches
        it excludes or is asked within); a chat model may rephrase only a follow-up the edits found
        no anchor for, and must keep the thread's scope."""
        resolution = self.conversation.resolve(question, history)
        if resolution.from_history or self.rewriter is None or not is_follow_up(question):
            return resolution
        candidate = self.rewriter(question, history)
        previous = self.conversation.resolve(last_user_question(history) or "", [])
        kept = self.understanding.analyse(candidate).scope.best == previous.analysis.scope.best
        return replace(resolution, query=candidate, edit="chat_model") if kept else resolution

    def warm_up(self) -> None:
        """Load the embedder (and a local LLM) now, so the first question does not wait for them."""
        try:
            with self.gate.foreground():
                self.searcher.search("预热", k=1, mode="dense")
                tagged("预热")  # the part-of-speech tagger a "how much" question reads its measure with
                warm = getattr(self.answerer, "warm_up", None)
                if callable(warm):
                    warm()
        except Exception as error:  # the first real question will report it properly
            log.warning("warm-up failed: %s", error)

    def speeches(self) -> list[SpeechInfo]:
        """Indexed speeches (id, source, title, speaker, date, places, chunk_count…), by id."""
        records = sorted(self.index.speeches().values(), key=lambda record: record.id)
        return [SpeechInfo.from_record(record) for record in records]

    def speech_page(self, offset: int = 0, limit: int = SPEECH_PAGE) -> SpeechPage:
        """``limit`` speeches from the ``offset``-th (by id), and how many there are in all."""
        if offset < 0 or not 1 <= limit <= MAX_SPEECH_PAGE:
            raise InputError(f"list from an offset of 0 or more, 1 to {MAX_SPEECH_PAGE} speeches at a time "
                             f"(got offset {offset}, limit {limit})")
        records = sorted(self.index.speeches().values(), key=lambda record: record.id)
        return SpeechPage(total=len(records), offset=offset, limit=limit,
                          speeches=tuple(SpeechInfo.from_record(r) for r in records[offset:offset + limit]))

    def outline(self, speech_id: str) -> SpeechOutline:
        """A speech's outline tree under its header; NotFoundError for an id that is not indexed."""
        record = self._record(speech_id)
        return SpeechOutline.from_record(record)

    def speech_text(self, speech_id: str, at: tuple[int, int] | None = None) -> SpeechText:
        """A speech to read, rebuilt from its stored chunks (no file is read), with ``at`` checked
        against its text; NotFoundError for an unknown id, InputError for a span outside it."""
        record = self._record(speech_id)
        text = stitched(self.index.speech_chunks(speech_id))
        if at is not None and not 0 <= at[0] < at[1] <= len(text):
            raise InputError(f"the span {at[0]}-{at[1]} is not inside the speech (0-{len(text)}); "
                             "give START-END offsets from a citation")
        return SpeechText(outline=SpeechOutline.from_record(record), text=text, paragraphs=paragraphs(text),
                          pages=record.meta.pages, at=at)

    def page_image(self, speech_id: str, page: int, at: tuple[int, int] | None = None):
        """Page ``page`` of the speech's PDF or scan as a PNG (vectorstore.readers.page_images.PageImage),
        the part of span ``at`` on that page marked; InputError for a file without pages or a page it lacks."""
        from vectorstore.readers.page_images import render_page

        record = self._record(speech_id)
        starts = dict(record.meta.pages)
        if page not in starts:
            where = f"pages {min(starts)}–{max(starts)}" if starts else "no pages (it is not a PDF or a scan)"
            raise InputError(f"the file of {speech_id!r} has {where}; ask for one of its pages")
        quote = None
        if at is not None:
            text = self.speech_text(speech_id, at).text
            end = min((offset for offset in starts.values() if offset > starts[page]), default=len(text))
            quote = text[max(at[0], starts[page]):min(at[1], end)] or None
        with self.gate.foreground():
            return render_page(Path(record.path), page, quote)

    def _record(self, speech_id: str):
        record = self.index.speeches().get(speech_id)
        if record is None:
            raise NotFoundError(f"no indexed speech has the id {speech_id!r}; list them with `policyqa speeches`")
        return record

    def status(self) -> dict:
        """What a health check reports: the backend and what the index holds."""
        return {"backend": self.backend, "speeches": len(self.index.speeches()),
                "chunks": self.index.chunk_count(), "embedding_model": self.index.identity.embedding_model}

    def add_files(self, uploads: list, progress: bool = False, actor: str = "local",
                  collection: str | None = None) -> IngestOutcome:
        """Keep uploaded files (assistant.uploads.Upload) in the upload folder and index them now. Every
        check comes before anything is kept; an upload this process does not finish (stopped, killed, a
        full disk) is finished at the next start (assistant/uploads/journal.py)."""
        from assistant.uploads import checked, keep, shown_skipped

        self._refuse_writes()  # before the files are kept in the upload folder
        settings = self.settings
        names = checked(uploads, settings.max_file_bytes, settings.max_text_chars, limits=settings.read_limits,
                        max_records=settings.max_upload_records)
        marker = self.journal.begin(names, [upload.name for upload in uploads], collection, actor)
        try:
            paths = keep(names, uploads, settings.uploads_path)
        except BaseException:
            self.journal.end(marker)  # nothing was kept
            raise
        outcome = IngestOutcome.from_report(self._ingest_upload(paths, marker, progress, collection))
        outcome = outcome.model_copy(update={"skipped": shown_skipped(outcome.skipped, paths, uploads)})
        self.audit.record(actor, "upload", files=[upload.name for upload in uploads], collection=collection or DEFAULT_COLLECTION,
                          added=list(outcome.added), updated=list(outcome.updated))
        return outcome

    def _ingest_upload(self, paths: list[Path], marker, progress: bool, collection: str | None):
        """Index an upload's kept files; its marker goes once they are indexed, and stays when not."""
        try:
            report = self.ingest(paths, progress=progress, collection=collection)
        except StoppingError as error:
            raise StoppingError(f"{error}; the rest of this upload is indexed when the server starts again") from None
        finally:
            self.journal.release(marker)
        self.journal.end(marker)
        return report

    def _refuse_writes(self) -> None:
        """StoppingError while the server stops; ReadOnlyIndexError for an index folder this process cannot
        write (also one made read-only since it was opened)."""
        if self.ingestor is not None and self.ingestor.stopping.is_set():
            raise StoppingError("the server is stopping; send the request again once it is back")
        folder = self.index.read_only_folder or unwritable(self.settings.index_dir)
        if folder is not None:
            raise ReadOnlyIndexError(folder)

    def start(self) -> list[str]:
        """At a start: writes are taken again, and the uploads left unfinished are resumed or rolled back
        (the notes, also in :attr:`notices`)."""
        if self.ingestor is None:
            return []
        self.ingestor.stopping.clear()
        self.notices = finish_unfinished(self.journal, lambda paths, collection: self.ingest(paths, collection=collection),
                                         self.audit)
        return self.notices

    def stop(self) -> None:
        """The server is stopping: an ingest under way ends at its next batch, new ones are refused."""
        if self.ingestor is not None:
            self.ingestor.stopping.set()

    def ingest(self, paths: Iterable[str | Path], prune: bool = False, progress: bool = False,
               collection: str | None = None):
        """Index files or folders (incremental), into ``collection`` when given; returns the IngestReport.

        The ingestor takes the compute gate a batch at a time, so questions go on meanwhile."""
        if collection is not None:
            collection = checked_collection(collection)
        return self.ingestor.ingest(paths, prune=prune, progress=progress, collection=collection)

    def collections(self) -> dict[str, int]:
        """The collections (知识库) and how many speeches each holds."""
        counts: dict[str, int] = {}
        for record in self.index.speeches().values():
            counts[record.collection] = counts.get(record.collection, 0) + 1
        return dict(sorted(counts.items()))

    def within(self, collections, strict: bool = True) -> "Assistant":
        """This assistant seen through some collections (None or empty: all of them): nothing it
        answers, searches or lists comes from another collection. InputError for an unknown name
        (``strict``; otherwise an unknown name is an empty collection)."""
        names = frozenset(collections or ())
        if not names:
            return self
        unknown = sorted(names - set(self.collections()))
        if unknown and strict:
            raise InputError(f"no collection is named {unknown[0]!r}; list them with `policyqa collections`")
        built = self.__dict__.setdefault("_views", {})
        if names not in built:
            if self.views is None:
                raise ConfigError("this assistant was built without collection views; build it with "
                                  "assistant.factory.build_assistant")
            built[names] = self.views(self, names)
        return built[names]

    def move_speech(self, speech_id: str, collection: str, actor: str = "local") -> None:
        """Put a speech in another collection (its record only: nothing is re-embedded)."""
        self._record(speech_id)
        collection = checked_collection(collection)
        with self.index.writing("move"), self.gate.foreground(), writing(self.settings.index_dir):
            self.index.set_collection([speech_id], collection)
            self.index.save()
        self.audit.record(actor, "move", speech=speech_id, collection=collection)

    def delete_speech(self, speech_id: str, actor: str = "local") -> None:
        self._record(speech_id)
        with self.index.writing("delete"), self.gate.foreground(), writing(self.settings.index_dir):
            record = self.index.speeches()[speech_id]
            self.index.remove_speeches([speech_id])
            self.index.save()
        self.audit.record(actor, "delete", speech=speech_id)
        self._forget_upload(record)

    def _forget_upload(self, record) -> None:
        """An uploaded file goes once none of its speeches is indexed (else a re-ingest brings it back)."""
        path = Path(record.path)
        if path.parent.resolve() != self.settings.uploads_path.resolve() or not path.exists():
            return
        if not any(r.path == record.path for r in self.index.speeches().values()):
            try:
                path.unlink()
            except OSError as error:  # a read-only upload folder: the speech is gone, the file stays
                log.warning("cannot remove the uploaded file %s: %s", path, error)

    def _answer(self, question: str, resolution: Resolution, outcome: Outcome) -> Answer:
        analysis, evidences, draft = outcome.analysis, outcome.evidences, outcome.draft
        scope = analysis.scope.speech_ids if analysis.scope.certain else resolution.within
        records = self.index.speeches()
        common = {"question": question, "query": resolution.query, "follow_up": resolution.edit,
                  "backend": self.backend, "intent": analysis.intent.value,
                  "scope": scope, "scope_names": tuple(speech_name(records[i]) for i in scope if i in records)}
        if draft is None or not draft.grounded or not draft.citations:
            text = draft.text if draft is not None and not draft.grounded else REFUSAL
            return Answer(**common, text=text, grounded=False, related=tuple(related(evidences)),
                          reason=refusal_reason(text, evidences))
        return Answer(**common, text=draft.text, grounded=True, citations=draft.citations, kind=outcome.kind)


COLLECTION_NAME = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff .·-]{0,39}$")


def checked_collection(name: str) -> str:
    """A collection name: 1–40 letters, digits, Chinese characters, spaces, dots or dashes."""
    name = (name or "").strip()
    if not COLLECTION_NAME.match(name):
        raise InputError(f"a collection name is 1–40 letters, digits or Chinese characters (got {name!r})")
    return name


def stitched(chunks) -> str:
    """A speech's cleaned text from its chunks: each chunk at its offsets, the blank lines between them
    (which no chunk holds) as line breaks."""
    length = max((chunk.end for chunk in chunks), default=0)
    characters = ["\n"] * length
    for chunk in chunks:
        characters[chunk.start:chunk.end] = chunk.text
    return "".join(characters)


def paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """[start, end) of each non-empty line of the text."""
    spans, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return tuple(spans)


def refusal_reason(text: str, evidences: list[Evidence]) -> str:
    """Why a question was refused, in a sentence: the refusal's own explanation, else what was missing."""
    explained = text.removeprefix(REFUSAL).strip("（）。 ")
    if explained:
        return explained
    if not evidences:
        return "没有检索到任何段落"
    return "检索到的段落里没有一句话回答这个问题：没有句子含有问题足够多的词语，意思也不够接近"


def related(evidences: list[Evidence]) -> list[RelatedPassage]:
    return [RelatedPassage(source=e.passage.source, title=e.passage.title, section=e.passage.section,
                           speech_id=e.passage.speech_id, chunk_id=e.passage.chunk_id, text=e.passage.text,
                           score=e.passage.score, start=e.passage.start, end=e.passage.end)
            for e in evidences[:RELATED_COUNT]]

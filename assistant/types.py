"""What every face of policy-qa returns: ``Answer`` with ``Citation``s.

Frozen pydantic models, so the HTTP API, the UI, the CLI and Python callers
all get the same shape (``answer.model_dump()`` is the JSON).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, field_validator

REFUSAL = "资料中没有找到相关内容。"
MAX_QUESTION_CHARS = 2000
MAX_K = 100


def checked_text(text: str | None, what: str = "question") -> str:
    """A question or query, stripped; InputError when it is blank or too long (every face checks this way)."""
    from vectorstore.errors import InputError

    stripped = (text or "").strip()
    if not stripped:
        raise InputError(f"the {what} is empty; ask something about the speeches")
    if len(stripped) > MAX_QUESTION_CHARS:
        raise InputError(f"the {what} is {len(stripped)} characters long; keep it to {MAX_QUESTION_CHARS}")
    return stripped


def checked_date(value: str | None) -> str | None:
    """``yyyy``, ``yyyy-mm`` or ``yyyy-mm-dd`` naming a real date (blank = none); ValueError otherwise."""
    import datetime
    import re

    if value is None or not value.strip():
        return None
    value = value.strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value)
    if not match:
        raise ValueError(f"{value!r} is not a date; write yyyy, yyyy-mm or yyyy-mm-dd, e.g. 2024-05")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date; write yyyy, yyyy-mm or yyyy-mm-dd, e.g. 2024-05-04") from None
    return value


class Citation(BaseModel):
    """A cited passage and the exact sentence in it that supports the answer."""

    model_config = ConfigDict(frozen=True)

    n: int = Field(description="the marker number [n] used in the answer text")
    source: str = Field(description="source file name")
    title: str | None = Field(default=None, description="speech title, when the speech states one")
    speaker: str | None = None
    speaker_role: str | None = None
    date: str | None = None
    meeting: str | None = None
    section: str = Field(default="", description="outline path, e.g. 二、… › （一）…")
    speech_id: str
    chunk_id: str
    score: float = Field(description="retrieval score of the passage")
    text: str = Field(description="the cited passage (exact span of the cleaned speech)")
    start: int = Field(description="passage start offset in the cleaned speech text")
    end: int = Field(description="passage end offset in the cleaned speech text")
    quote: str = Field(description="the supporting sentence, verbatim in the cleaned speech text")
    quote_start: int
    quote_end: int
    pages: tuple[int, ...] = Field(default=(), description="pages of the file (a PDF or scan) the quote is on; "
                                   "empty for files without pages")

    @property
    def label(self) -> str:
        """How a user recognises the speech: title, else meeting, else file."""
        return self.title or (f"在{self.meeting}上的讲话" if self.meeting else self.source)

    @property
    def reading_link(self) -> str:
        """Where the web UI shows the quote in its speech (a path of the running server)."""
        return reading_link(self.speech_id, (self.quote_start, self.quote_end))

    @property
    def page_label(self) -> str:
        """「第 3 页」, 「第 3–4 页」, or "" for a file without pages."""
        if not self.pages:
            return ""
        first, last = self.pages[0], self.pages[-1]
        return f"第 {first} 页" if first == last else f"第 {first}–{last} 页"


class RelatedPassage(BaseModel):
    """A passage offered as further reading (e.g. when the answer is a refusal)."""

    model_config = ConfigDict(frozen=True)

    source: str
    title: str | None = None
    section: str = ""
    speech_id: str
    chunk_id: str
    text: str
    score: float
    start: int
    end: int


class Answer(BaseModel):
    """An answer: text with [n] markers, the citations they point to, and how it was made."""

    model_config = ConfigDict(frozen=True)

    question: str = Field(description="the question as asked")
    query: str = Field(description="the standalone question that was searched (rewritten for follow-ups)")
    text: str = Field(description="the answer; [n] markers point to citations")
    grounded: bool = Field(description="false when the speeches do not answer the question")
    citations: tuple[Citation, ...] = ()
    related: tuple[RelatedPassage, ...] = Field(default=(), description="nearest passages, offered when refusing")
    backend: str = Field(default="extractive", description="extractive, local or openai")
    intent: str = Field(default="fact", description="what the question asks: meta, outline, item, summary, cross, "
                        "definition, number, list, mention, collection or fact")
    scope: tuple[str, ...] = Field(default=(), description="ids of the speeches the question was taken to mean "
                                   "(empty when it names none)")
    scope_names: tuple[str, ...] = Field(default=(), description="those speeches as a user recognises them (title or meeting)")
    kind: str | None = Field(default=None, description="the answer kind that answered (collection, mention, cross, "
                             "structure, per_year, picked); none when refused")
    reason: str | None = Field(default=None, description="why the question was refused (none when answered)")
    follow_up: str | None = Field(default=None, description="how a follow-up was read: the edit of the last question "
                                  "(substitution, item_of_answer, reference, …); none for a question that stands alone")

    @property
    def rewritten(self) -> bool:
        return self.query != self.question

    def sources_markdown(self, links: bool = False) -> str:
        """The citations as Markdown: where each comes from and its quoted sentence (and, with
        ``links``, a link to it in the reading view)."""
        lines = []
        for c in self.citations:
            where = "，".join(part for part in (c.label, c.speaker, c.date, c.section, c.page_label) if part)
            link = f" [查看原文]({c.reading_link})" if links else ""
            lines += [f"[{c.n}] {where}（{c.source}）{link}", f"> {c.quote}", ""]
        return "\n".join(lines).rstrip()

    def with_sources(self) -> str:
        """The answer text followed by its sources (what a plain chat client shows)."""
        sources = self.sources_markdown()
        return f"{self.text}\n\n来源：\n{sources}" if sources else self.text

    def to_markdown(self) -> str:
        """The answer with its citations as a Markdown document (for copy/export); each citation
        links to its reading view."""
        lines = [f"**问：** {self.question}", ""]
        if self.rewritten:
            lines += [f"*检索问题：{self.query}*", ""]
        lines += [self.text, "", self.sources_markdown(links=True)]
        return "\n".join(lines).rstrip() + "\n"


class SpeechInfo(BaseModel):
    """An indexed speech as the faces list it."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="speech id: source file name, '#k' for the k-th speech of a compilation")
    source: str = Field(description="source file name")
    title: str | None = None
    speaker: str | None = None
    speaker_role: str | None = None
    date: str | None = None
    places: tuple[str, ...] = ()
    meeting: str | None = None
    kind: str = Field(default="speech", description="law, report, notice, speech or other (read from the title)")
    collection: str = Field(default="默认", description="the collection (知识库) the speech belongs to")
    effective: str | None = Field(default=None, description="the date a rule takes effect, as its text states (ISO)")
    number: str | None = Field(default=None, description="the document number (〔2024〕12号), as its text states")
    issuer: str | None = Field(default=None, description="the issuing body its title names")
    chunk_count: int = Field(description="chunks the speech is split into")

    @classmethod
    def from_record(cls, record) -> "SpeechInfo":
        """The public fields of a stored SpeechRecord (those of its metadata read from ``record.meta``)."""
        return cls(**{name: getattr(record, name) if hasattr(record, name) else getattr(record.meta, name)
                      for name in cls.model_fields})


class OutlineNodeInfo(BaseModel):
    """One node of a speech's outline: a heading (or an item of an enumeration in a paragraph) and its section."""

    model_config = ConfigDict(frozen=True)

    level: int = Field(description="1 = top level")
    kind: str = Field(description="marker kind: cn、 (一、), (cn) (（一）), n、 (1、), 一是 (一是/一要), 第条, 第章 …")
    ordinal: int = Field(description="the marker's number (（三） → 3); for 首先/其次… the position")
    heading: str = Field(description="the heading, exactly the cleaned speech text [heading_start:heading_end]")
    heading_start: int
    heading_end: int
    start: int = Field(description="section start in the cleaned speech text (= heading_start)")
    end: int = Field(description="section end: where the next heading of this level or above starts")
    inline: bool = Field(default=False, description="an item of an enumeration inside one paragraph (一是…；二是…)")
    children: tuple[OutlineNodeInfo, ...] = ()

    @classmethod
    def from_node(cls, node) -> "OutlineNodeInfo":
        """The public fields of a vectorstore OutlineNode, children included."""
        fields = {name: getattr(node, name) for name in cls.model_fields if name != "children"}
        return cls(**fields, children=tuple(cls.from_node(child) for child in node.children))


class SpeechOutline(BaseModel):
    """A speech's outline tree under the speech's header (what `policyqa outline` and the 资料库 show)."""

    model_config = ConfigDict(frozen=True)

    speech: SpeechInfo
    part: int | None = Field(default=None, description="the 第N篇 ordinal when the speech comes from a compilation")
    nodes: tuple[OutlineNodeInfo, ...] = Field(default=(), description="top-level nodes; empty without headings")

    @classmethod
    def from_record(cls, record) -> "SpeechOutline":
        """The outline a stored SpeechRecord carries."""
        return cls(speech=SpeechInfo.from_record(record), part=record.meta.part,
                   nodes=tuple(OutlineNodeInfo.from_node(node) for node in record.outline.nodes))

    @property
    def header(self) -> str:
        """Which speech: title (else meeting, else file) · role and speaker · date · id."""
        info = self.speech
        who = " ".join(filter(None, (info.speaker_role, info.speaker)))
        return " · ".join(filter(None, (info.title or info.meeting or info.source, who, info.date, info.id)))

    def to_text(self) -> str:
        """The header line, then one heading a line, indented by level, with its section's offsets."""
        lines = [self.header] + [f"{'  ' * (n.level - 1)}{n.heading}  [{n.start}:{n.end}]" for n in walk_outline(self.nodes)]
        return "\n".join(lines if self.nodes else lines + ["（没有识别出分级标题）"])


def walk_outline(nodes: tuple[OutlineNodeInfo, ...]):
    for node in nodes:
        yield node
        yield from walk_outline(node.children)


READING_PATH = "/read"
_SPAN = re.compile(r"^\s*(\d{1,9})\s*[-–:,]\s*(\d{1,9})\s*$")


def reading_link(speech_id: str, at: tuple[int, int] | None = None, also: tuple[tuple[int, int], ...] = ()) -> str:
    """The reading view of a speech (``?speech=ID&at=START-END``, the other quotes of an answer in ``also``)."""
    query = {"speech": speech_id} | ({"at": f"{at[0]}-{at[1]}"} if at else {})
    if also:
        query["also"] = ",".join(f"{start}-{end}" for start, end in also)
    return f"{READING_PATH}?{urlencode(query)}" + ("#quote" if at else "")


def parse_span(text: str) -> tuple[int, int]:
    """「120-168」 → (120, 168); InputError for anything else."""
    from vectorstore.errors import InputError

    match = _SPAN.match(text or "")
    if match is None or int(match.group(1)) >= int(match.group(2)):
        raise InputError(f"a span is START-END with START < END (got {text!r}), e.g. --at 120-168")
    return int(match.group(1)), int(match.group(2))


class SpeechText(BaseModel):
    """One speech to read: its outline and header, the whole cleaned text (the offsets citations carry
    index it), its paragraphs, the pages of its file, and the span asked to be marked."""

    model_config = ConfigDict(frozen=True)

    outline: SpeechOutline
    text: str = Field(description="the cleaned text; a citation's quote is text[quote_start:quote_end]")
    paragraphs: tuple[tuple[int, int], ...] = Field(default=(), description="[start, end) of each paragraph")
    pages: tuple[tuple[int, int], ...] = Field(default=(), description="(page, offset where it starts) of a PDF or scan")
    at: tuple[int, int] | None = Field(default=None, description="the span to mark, when one was asked for")

    def page_of(self, offset: int) -> int | None:
        """The page of the file an offset lies on (None for a file without pages)."""
        before = [page for page, start in self.pages if start <= offset]
        return before[-1] if before else None

    def section_of(self, offset: int) -> OutlineNodeInfo | None:
        """The innermost outline node whose section holds the offset."""
        found = None
        for node in walk_outline(self.outline.nodes):
            if node.start <= offset < node.end:
                found = node
        return found


class SpeechPage(BaseModel):
    """A page of the indexed speeches (by id): ``limit`` of them from the ``offset``-th, of ``total`` in all."""

    model_config = ConfigDict(frozen=True)

    total: int
    offset: int
    limit: int
    speeches: tuple[SpeechInfo, ...] = ()


class IngestOutcome(BaseModel):
    """What adding files did (ids of speeches per change, files skipped with the reason)."""

    model_config = ConfigDict(frozen=True)

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = Field(default=(), description="(file, reason) pairs")
    chunks_embedded: int = 0
    summary: str = ""

    @classmethod
    def from_report(cls, report) -> "IngestOutcome":
        fields = {name: getattr(report, name) for name in cls.model_fields if name != "summary"}
        return cls(**fields, summary=report.summary())


class FilterSpec(BaseModel):
    """Which speeches an answer or search may use; every field optional, all given ones must hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    speech_ids: tuple[str, ...] = Field(default=(), description="only these speeches (ids from /api/speeches)")
    speaker: str | None = Field(default=None, description="only speeches of this speaker, e.g. 张笑东")
    place: str | None = Field(default=None, description="only speeches naming this place, e.g. 安阳")
    date_from: str | None = Field(default=None, description="yyyy[-mm[-dd]], inclusive", examples=["2024-05"])
    date_to: str | None = Field(default=None, description="yyyy[-mm[-dd]], inclusive", examples=["2024-12-31"])

    @field_validator("date_from", "date_to")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        return checked_date(value)

    def to_search_filters(self):
        from vectorstore.search import SearchFilters

        blank = lambda value: value.strip() if value and value.strip() else None  # noqa: E731
        return SearchFilters(speech_ids=tuple(self.speech_ids), speaker=blank(self.speaker), place=blank(self.place),
                             date_from=blank(self.date_from), date_to=blank(self.date_to))

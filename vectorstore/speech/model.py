"""The domain objects of one speech: what it is (``SpeechMeta``), how it is built
(``Outline`` of ``OutlineNode``s) and its text (``Speech``).

Every offset is into the cleaned speech text (``Speech.text``, what citations
quote) and every span is half-open, ``[start, end)``:

    text[node.heading_start:node.heading_end] == node.heading
    text[node.start:node.end]                 # the node's whole section, heading included
    text[start:end] for (name, start, end) in meta.spans   # where a value is stated

A ``SpeechMeta`` is made once, at ingest (vectorstore/speech/metadata.py), and is the
same value in the index record, in search results and in citations.
"""

from __future__ import annotations

import re

import json
from dataclasses import dataclass
from typing import Iterator

SPAN_FIELDS = ("title", "meeting", "speaker", "speaker_role", "date", "effective", "repealed", "number", "issuer")
# fields a document states only when it is a rule or a notice: left out of the stored form when not
# stated, so that the content hash of every other speech stays what it was
OPTIONAL_FIELDS = ("effective", "repealed", "number", "issuer")


@dataclass(frozen=True)
class SpeechMeta:
    """What a speech is: stated by the speech itself (found by explicit rules) or by its file.

    ``spans`` holds ``(field, start, end)`` for each value stated in the cleaned
    text: ``text[start:end]`` is the value, except for ``date``, where it is the
    date as written (「2024年5月4日」 for ``2024-05-04``). A value stated outside
    the text (a JSONL field, a compilation's 「第N篇」 heading) has no span.
    ``part`` is the 「第N篇」 ordinal of a speech cut from a compilation.
    """

    title: str | None = None
    meeting: str | None = None
    speaker: str | None = None
    speaker_role: str | None = None
    date: str | None = None  # ISO yyyy[-mm[-dd]], or None when not stated
    places: tuple[str, ...] = ()
    region: str | None = None
    source: str = ""  # the file name shown to users (``file.jsonl#id`` for a JSONL record)
    part: int | None = None
    spans: tuple[tuple[str, int, int], ...] = ()
    pages: tuple[tuple[int, int], ...] = ()  # (page, offset where it starts) of a PDF or scan; see vectorstore/speech/pages.py
    effective: str | None = None  # ISO date it takes effect (「自2024年7月1日起施行」)
    repealed: str | None = None  # ISO date it is repealed
    number: str | None = None  # its document number (「国办发〔2024〕12号」)
    issuer: str | None = None  # the body that issues it (「国务院办公厅」)

    @property
    def kind(self) -> str:
        """What kind of document this is, by its title: law (a law, regulation or rules), report,
        notice (a notice, decision, opinion, announcement), speech, or other."""
        return document_kind(self.title, self.meeting, self.speaker)

    def span(self, name: str) -> tuple[int, int] | None:
        """Where the value of field ``name`` is stated in the text, or None."""
        return next(((start, end) for field, start, end in self.spans if field == name), None)

    def pages_of(self, start: int, end: int) -> tuple[int, ...]:
        """The pages of the file that ``text[start:end]`` lies on; empty for a file without pages."""
        from vectorstore.speech.pages import pages_of

        return pages_of(self.pages, start, end)

    def to_dict(self) -> dict:
        """JSON-ready: places a list, spans ``{field: [start, end]}``, pages ``[[page, offset], …]`` (only when paged)."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["places"] = list(self.places)
        data["spans"] = {field: [start, end] for field, start, end in self.spans}
        data["pages"] = [list(page) for page in self.pages]
        if not self.pages:
            del data["pages"]  # the content hash of a speech without pages stays what it was
        for name in OPTIONAL_FIELDS:
            if data[name] is None:
                del data[name]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "SpeechMeta":
        fields = {name: data[name] for name in cls.__dataclass_fields__ if data.get(name) is not None}
        fields["places"] = tuple(data.get("places") or ())
        fields["spans"] = spans_from_dict(data.get("spans"))
        fields["pages"] = tuple((int(page), int(offset)) for page, offset in data.get("pages") or ())
        return cls(**fields)


_LAW = re.compile(r"(?:法|法典|条例|办法|规定|细则|章程|准则|守则)(?:[（(][^）)]{1,20}[）)])?$")
_REPORT = re.compile(r"报告(?:[（(][^）)]{1,20}[）)])?$|工作报告")
_NOTICE = re.compile(r"(?:通知|决定|意见|公告|通告|批复|决议|公报|方案|规划|纲要|指引|指南|清单)(?:[（(][^）)]{1,20}[）)])?$")
_SPEECH = re.compile(r"讲话|发言|致辞|讲稿|主持词|动员")


def document_kind(title: str | None, meeting: str | None = None, speaker: str | None = None) -> str:
    """law, report, notice, speech or other, from a document's title (a speech also by its meeting or speaker)."""
    name = title or ""
    for kind, pattern in (("speech", _SPEECH), ("report", _REPORT), ("law", _LAW), ("notice", _NOTICE)):
        if pattern.search(name):
            return kind
    return "speech" if meeting or speaker else "other"


def spans_from_dict(spans: dict | None) -> tuple[tuple[str, int, int], ...]:
    """``{field: [start, end]}`` back to ``((field, start, end), ...)`` in SPAN_FIELDS order."""
    spans = spans or {}
    return tuple((name, int(spans[name][0]), int(spans[name][1])) for name in SPAN_FIELDS if name in spans)


@dataclass(frozen=True)
class OutlineNode:
    """One heading of a speech (or one item of an inline enumeration) and its section.

    ``level`` 1 is the top; ``kind`` is the marker kind (vectorstore/speech/outline.py);
    ``ordinal`` the number the marker states (「（三）」 → 3), for 首先/其次… the
    position among its siblings; ``inline`` marks an item found inside a paragraph.
    """

    level: int
    kind: str
    ordinal: int
    heading: str
    heading_start: int
    heading_end: int
    start: int
    end: int
    inline: bool = False
    children: tuple[OutlineNode, ...] = ()

    def walk(self) -> Iterator[OutlineNode]:
        """This node, then its descendants, in text order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "children"}
        data["children"] = [child.to_dict() for child in self.children]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "OutlineNode":
        fields = {name: data[name] for name in cls.__dataclass_fields__ if name != "children" and name in data}
        return cls(**fields, children=tuple(cls.from_dict(child) for child in data.get("children", ())))


@dataclass(frozen=True)
class Outline:
    """A speech's outline tree: its top-level nodes (none for a speech without headings)."""

    nodes: tuple[OutlineNode, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def walk(self) -> Iterator[tuple[tuple[int, ...], OutlineNode]]:
        """``(path, node)`` for every node in text order; ``path`` holds 0-based child indexes."""
        def visit(nodes: tuple[OutlineNode, ...], prefix: tuple[int, ...]):
            for index, node in enumerate(nodes):
                yield prefix + (index,), node
                yield from visit(node.children, prefix + (index,))
        return visit(self.nodes, ())

    def node_at(self, path: tuple[int, ...]) -> OutlineNode:
        """The node at a path from :meth:`walk` (IndexError when there is none)."""
        nodes, node = self.nodes, None
        for index in path:
            node = nodes[index]
            nodes = node.children
        if node is None:
            raise IndexError("an empty path names no node")
        return node

    def path_at(self, offset: int) -> tuple[OutlineNode, ...]:
        """The nodes whose section holds a text offset, outermost first (a citation's section)."""
        found: list[OutlineNode] = []
        nodes = self.nodes
        while (node := next((n for n in nodes if n.start <= offset < n.end), None)) is not None:
            found.append(node)
            nodes = node.children
        return tuple(found)

    def to_json(self) -> str:
        """Compact ASCII JSON, as the index stores it (Chroma writes Chinese strings several times
        slower than their \\u escapes: 9.7 s of the 341 scale texts' ingest went to these outlines)."""
        return json.dumps([node.to_dict() for node in self.nodes], separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None) -> "Outline":
        return cls(tuple(OutlineNode.from_dict(node) for node in json.loads(text))) if text else cls()


class SpeechFacts:
    """Read-only views of ``self.meta`` for callers that read ``speech.title`` and the like."""

    meta: SpeechMeta

    @property
    def source(self) -> str:
        return self.meta.source

    @property
    def title(self) -> str | None:
        return self.meta.title

    @property
    def meeting(self) -> str | None:
        return self.meta.meeting

    @property
    def speaker(self) -> str | None:
        return self.meta.speaker

    @property
    def speaker_role(self) -> str | None:
        return self.meta.speaker_role

    @property
    def date(self) -> str | None:
        return self.meta.date

    @property
    def places(self) -> tuple[str, ...]:
        return self.meta.places

    @property
    def region(self) -> str | None:
        return self.meta.region

    @property
    def number(self) -> str | None:
        return self.meta.number


@dataclass(frozen=True)
class Speech(SpeechFacts):
    """One speech after cleaning and splitting; ``text`` is what citations quote."""

    id: str
    text: str
    meta: SpeechMeta
    outline: Outline = Outline()

"""What every face of policy-qa returns: ``Answer`` with ``Citation``s.

Frozen pydantic models, so the HTTP API, the UI, the CLI and Python callers
all get the same shape (``answer.model_dump()`` is the JSON).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

REFUSAL = "资料中没有找到相关内容。"


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

    @property
    def label(self) -> str:
        """How a user recognises the speech: title, else meeting, else file."""
        return self.title or (f"在{self.meeting}上的讲话" if self.meeting else self.source)


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

    @property
    def rewritten(self) -> bool:
        return self.query != self.question

    def to_markdown(self) -> str:
        """The answer with its citations as a Markdown document (for copy/export)."""
        lines = [f"**问：** {self.question}", ""]
        if self.rewritten:
            lines += [f"*检索问题：{self.query}*", ""]
        lines += [self.text, ""]
        for c in self.citations:
            where = "，".join(part for part in (c.label, c.speaker, c.date, c.section) if part)
            lines.append(f"[{c.n}] {where}（{c.source}）")
            lines.append(f"> {c.quote}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

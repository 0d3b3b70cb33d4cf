"""A conversation's thread, re-derived from the history alone (what OpenAI-style clients send).

Every earlier user turn is resolved again, in order, and every assistant turn is read back into
what it answered (:class:`AnswerRecall`), so the state is a function of the history: a client
replaying a conversation gets the same answers, with no server-side session. The last turn is
then resolved as an *edit* of the last question's resolution, the first of :data:`EDITS` that
applies (see ``assistant.conversation.edits``); a question that stands alone inherits nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.conversation.recall import AnswerRecall
from assistant.conversation.rules import is_follow_up
from assistant.understanding.lexicon.pointers import ANOTHER, REFERENCE, leans_on_last, ordinal_asked
from assistant.understanding.question import QuestionAnalysis

__all__ = ["ConversationResolver", "Resolution", "Turn", "document_kind", "speech_name"]


@dataclass(frozen=True)
class Resolution:
    """A turn as understood: the standalone question, what it excludes, its analysis, the edit."""

    question: str
    query: str
    analysis: QuestionAnalysis
    exclude: tuple[str, ...] = ()
    within: tuple[str, ...] = ()  # the thread's speech, when the question refers to it without naming it
    edit: str | None = None  # how the last question was edited into this one (None: it stands alone)

    @property
    def from_history(self) -> bool:
        return self.query != self.question or bool(self.exclude or self.within)


@dataclass(frozen=True)
class Turn:
    """An earlier question as resolved, and what the assistant answered to it."""

    resolution: Resolution
    recall: AnswerRecall = field(default_factory=AnswerRecall)


class ConversationResolver:
    """``resolve(question, history)``: the standalone question of the last turn."""

    def __init__(self, understanding):
        self.understanding = understanding

    def resolve(self, question: str, history: list[dict]) -> Resolution:
        return self.resolve_turn(question.strip(), self.thread(history))

    def thread(self, history: list[dict]) -> list[Turn]:
        """The earlier turns: each user turn resolved against those before it, with its answer read back."""
        turns: list[Turn] = []
        for message in history or []:
            content = message.get("content")
            if not isinstance(content, str) or not content.strip():
                continue
            if message.get("role") == "user":
                turns.append(Turn(self.resolve_turn(content.strip(), turns)))
            elif message.get("role") == "assistant" and turns:
                turns[-1] = Turn(turns[-1].resolution, AnswerRecall.read(content))
        return turns

    def resolve_turn(self, question: str, thread: list[Turn]) -> Resolution:
        from assistant.conversation.edits import EDITS

        analysis = self.understanding.analyse(question)
        if not thread or stands_alone(question, analysis):
            return Resolution(question, question, analysis)
        for edit in EDITS:
            resolved = edit(self, question, analysis, thread)
            if resolved is not None:
                return resolved
        return Resolution(question, question, analysis)

    def resolved(self, question: str, query: str, exclude: tuple[str, ...], within: tuple[str, ...],
                 edit: str) -> Resolution:
        analysis = self.understanding.analyse(query)
        return Resolution(question, query, analysis, exclude, () if analysis.scope.certain else within, edit)

    def records(self) -> dict:
        return self.understanding.index.speeches()

    def record(self, speech_id: str | None):
        return self.records().get(speech_id) if speech_id else None

    def documents_of(self, turn: Turn) -> tuple[str, ...]:
        """The speeches a turn was about: its certain scope, else the one it was asked within,
        else those its answer quoted (by title)."""
        scope = turn.resolution.analysis.scope
        if scope.certain and scope.best:
            return (scope.best,)
        if turn.resolution.within:
            return turn.resolution.within
        titles = set(turn.recall.titles)
        return tuple(i for i, r in self.records().items() if r.meta.title and r.meta.title in titles)


def document_kind(record) -> str:
    """What kind of document a speech record is (SpeechMeta.kind: law, report, notice, speech, other)."""
    return record.meta.kind


def stands_alone(question: str, analysis: QuestionAnalysis) -> bool:
    """A question with its own scope, or without any reference to what came before."""
    if is_follow_up(question) or leans_on_last(question):
        return False
    if analysis.scope.speech_ids and not analysis.scope.weak:
        return not ANOTHER.search(question)
    return not REFERENCE.search(question) and analysis.constraints.ordinal is None and ordinal_asked(question) is None


def speech_name(record) -> str:
    meta = record.meta
    return f"《{meta.title}》" if meta.title else (f"在{meta.meeting}上的讲话" if meta.meeting else meta.source)

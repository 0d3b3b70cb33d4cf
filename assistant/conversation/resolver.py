"""A conversation's thread, re-derived from the history alone (what OpenAI-style clients send).

Every earlier user turn is resolved again, in order, so the state (each turn's standalone question
and its analysis) is a function of the history: a client replaying a conversation gets the same
answers, with no server-side session. A follow-up is then resolved by kind:

* an ordinal into the list the last question asked for (「第三点具体怎么说？」);
* another speech than the one just meant (「另一篇讲话是怎么说的？」): that speech is excluded;
* a reference to the last scope (「那次会议上…」, 「这篇讲话…」, 「它…」, 「那一年的…」), or to a part of
  the last answer by its name (「其中要破解瓶颈促招商具体讲了什么？」): asked inside that speech;
* an entity or topic put in place of the last one (「那株洲呢？」, 「那2019年呢？」, 「资金到位率呢？」);
* a question that stands alone (its own scope, or no reference) inherits nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.conversation.rules import is_follow_up, rewrite_by_rules
from assistant.understanding.question import QuestionAnalysis

_ANOTHER = re.compile(r"另一篇|另外一篇|另一个讲话|别的讲话|其他讲话|其他几篇|别的几篇")
# 「另一篇讲话也讲到了X，那里是怎么说的？」 → 「讲到了X，是怎么说的？」: the words that only point elsewhere
_ANOTHER_WORDS = re.compile(r"(?:另一篇|另外一篇|另一个|别的|其他几篇|别的几篇|其他)(?:讲话|报告|文件)?(?:里|中)?(?:也|还)?")
_THERE = re.compile(r"(?:那里|那边|那篇里|里面)(?=是|怎么|如何|又)")
_KIND_WORDS = (("讲话", "speech"), ("发言", "speech"), ("报告", "report"), ("条例", "regulation"), ("办法", "regulation"))
_REGULATION = re.compile(r"条例|办法|规定|细则")
_YEAR_REF = re.compile(r"那一年|这一年|那年|当年")
_MEETING_REF = re.compile(r"那次会议|这次会议|那个会议|那个会上|那次会上|那次会|这次会")
_SPEECH_REF = re.compile(r"这篇讲话|那篇讲话|该讲话|这篇|那篇|这份报告|那份报告|该报告|这个条例|该条例|这部条例|它(?=[^们])")
_REFERENCE = re.compile("|".join(p.pattern for p in (_ANOTHER, _YEAR_REF, _MEETING_REF, _SPEECH_REF)) + r"|讲话人|那里|其中")
_AMONG = re.compile(r"^(?:那|那么)?其中")
SHORT_FOLLOW_UP = 16  # an ordinal question this short points into the last answer's list


@dataclass(frozen=True)
class Resolution:
    """A turn as understood: the standalone question, what it excludes, and its analysis."""

    question: str
    query: str
    analysis: QuestionAnalysis
    exclude: tuple[str, ...] = ()
    within: tuple[str, ...] = ()  # the thread's speech, when the question refers to it without naming it

    @property
    def from_history(self) -> bool:
        return self.query != self.question or bool(self.exclude or self.within)


class ConversationResolver:
    """``resolve(question, history)``: the standalone question of the last turn."""

    def __init__(self, understanding):
        self.understanding = understanding

    def resolve(self, question: str, history: list[dict]) -> Resolution:
        thread: list[Resolution] = []
        for turn in history or []:
            if turn.get("role") == "user" and str(turn.get("content", "")).strip():
                thread.append(self.resolve_turn(str(turn["content"]).strip(), thread))
        return self.resolve_turn(question.strip(), thread)

    def resolve_turn(self, question: str, thread: list[Resolution]) -> Resolution:
        analysis = self.understanding.analyse(question)
        if not thread or stands_alone(question, analysis):
            return Resolution(question, question, analysis)
        previous = thread[-1]
        for kind in (self._into_list, self._another_speech, self._scope_reference, self._within_last, self._substitution):
            resolved = kind(question, analysis, previous)
            if resolved is not None:
                return resolved
        return Resolution(question, question, analysis)

    def _into_list(self, question, analysis, previous) -> Resolution | None:
        if analysis.constraints.ordinal is None or len(question) > SHORT_FOLLOW_UP or analysis.scope.speech_ids:
            return None
        query = f"{previous.query.rstrip('？?。')}？其中{question}"
        return self._resolved(question, query, previous.exclude, previous.within)

    def _another_speech(self, question, analysis, previous) -> Resolution | None:
        meant = previous.analysis.scope.speech_ids[:1] if previous.analysis.scope.speech_ids else ()
        if not _ANOTHER.search(question) or not meant:
            return None
        query = _THERE.sub("", _ANOTHER_WORDS.sub("", question)).strip("，, ") or question
        exclude = tuple(dict.fromkeys(previous.exclude + meant))
        return self._resolved(question, query, exclude, self._of_kind(question, meant[0], exclude))

    def _of_kind(self, question: str, previous_id: str, exclude: tuple[str, ...]) -> tuple[str, ...]:
        """「另一篇讲话」 means another speech, 「另一份报告」 another report, 「另一部条例」 another
        regulation; said without a kind, another document of the kind just used."""
        records = self.understanding.index.speeches()
        asked = next((kind for word, kind in _KIND_WORDS if word in question), None)
        kind = asked or (document_kind(records[previous_id]) if previous_id in records else None)
        return tuple(i for i, r in records.items() if i not in exclude and document_kind(r) == kind) if kind else ()

    def _scope_reference(self, question, analysis, previous) -> Resolution | None:
        scope = previous.analysis.scope
        record = self._record(scope.best) if scope.certain else None
        query = question
        years = previous.analysis.constraints.years
        if years:
            query = _YEAR_REF.sub(f"{years[-1]}年", query, count=1)
        if record is not None:
            query = _MEETING_REF.sub(record.meeting or record.title or "", query, count=1)
            query = _SPEECH_REF.sub(speech_name(record), query, count=1)
        if query == question:
            return None
        within = (scope.best,) if record is not None else previous.within
        return self._resolved(question, query, previous.exclude, within)

    def _within_last(self, question, analysis, previous) -> Resolution | None:
        """「其中要破解瓶颈促招商具体讲了什么？」: a part of what the last answer gave, in its speech."""
        scope = previous.analysis.scope
        if not _AMONG.match(question) or not scope.certain:
            return None
        return Resolution(question, question, analysis, previous.exclude, (scope.best,))

    def _substitution(self, question, analysis, previous) -> Resolution | None:
        if not is_follow_up(question):
            return None
        query = rewrite_by_rules(question, [{"role": "user", "content": previous.query}])
        return self._resolved(question, query, previous.exclude, previous.within) if query != question else None

    def _resolved(self, question: str, query: str, exclude: tuple[str, ...], within: tuple[str, ...] = ()) -> Resolution:
        analysis = self.understanding.analyse(query)
        return Resolution(question, query, analysis, exclude, () if analysis.scope.certain else within)

    def _record(self, speech_id: str | None):
        return self.understanding.index.speeches().get(speech_id) if speech_id else None


def document_kind(record) -> str:
    """What kind of document a speech record is, by its title: a regulation, a report or a speech."""
    name = f"{record.meta.title or ''}{record.meta.meeting or ''}"
    if _REGULATION.search(name):
        return "regulation"
    return "report" if "报告" in name else "speech"


def stands_alone(question: str, analysis: QuestionAnalysis) -> bool:
    """A question with its own scope, or without any reference to what came before."""
    if is_follow_up(question):
        return False
    if analysis.scope.speech_ids and not analysis.scope.weak:
        return not _ANOTHER.search(question)
    return not _REFERENCE.search(question) and not is_follow_up(question) and analysis.constraints.ordinal is None


def speech_name(record) -> str:
    meta = record.meta
    return f"《{meta.title}》" if meta.title else (f"在{meta.meeting}上的讲话" if meta.meeting else meta.source)

"""How a follow-up edits the last question, one function per kind, tried in the order of :data:`EDITS`.

Each takes the resolver, the new turn and its analysis, and the thread so far, and returns the
edited :class:`Resolution` (its ``edit`` names the kind) or None when the turn is not of its kind:

* ``another_document``: 「另一篇讲话里也有X，那里是怎么说的？」 — the same question, the document just
  used excluded, among documents of the same kind;
* ``other_ordinal``: 「第二条呢？」 after 「第一条招商原则是什么？」 — the ordinal replaced;
* ``item_of_outline``: 「其中第三点具体讲了什么？」 after an outline list — that item of that part;
* ``item_of_answer``: 「第二种精神具体是哪五个方面？」 — the second of the things the last answer named;
* ``ordinal_in_document``: 「其中第三步要达到什么目标？」 — asked inside the document just used;
* ``reference``: 「那次会议上…」「那一年的…」「它…」 — the pointer replaced by what it points to;
* ``part_of_answer``: 「其中要破解瓶颈促招商具体讲了什么？」 — asked inside the document just used;
* ``correction``: 「我是说2019年的」 — the part said put in place of its like;
* ``year_before``: 「和去年比呢」 — the same figure for that year and the year before;
* ``substitution``: 「那株洲呢？」「那签约项目呢？」 — the new part in place of its like;
* ``more``: 「还有呢？」 — the last question again (after 「哪几篇」, without the documents given);
* ``new_slot``: 「那最多能延长多久？」 — another question about what the last one was about.
"""

from __future__ import annotations

import re

from assistant.conversation.rules import is_follow_up, question_subject, substitute, topic_of
from assistant.understanding.intent import Intent
from assistant.understanding.lexicon.pointers import (AMONG, ANOTHER, ANOTHER_WORDS, KIND_WORDS, MEETING_REF, SPEECH_REF,
                                                      THERE, YEAR_REF, compares_with_year_before, corrected,
                                                      only_an_ordinal, ordinal_asked, ordinal_phrase)

__all__ = ["EDITS"]

SHORT_FOLLOW_UP = 16  # an ordinal question this short points into the last answer
ASKS_FIGURE = re.compile(r"(?<!分别)(是多少|为多少|定为多少|是什么水平|控制在多少|安排多少)")


def another_document(resolver, question, analysis, thread):
    last = thread[-1]
    meant = resolver.documents_of(last)[:1]
    if not ANOTHER.search(question) or not meant:
        return None
    query = THERE.sub("", ANOTHER_WORDS.sub("", question)).strip("，, ") or question
    exclude = tuple(dict.fromkeys(last.resolution.exclude + meant))
    return resolver.resolved(question, query, exclude, of_kind(resolver, question, meant[0], exclude), "another_document")


def of_kind(resolver, question: str, previous_id: str, exclude: tuple[str, ...]) -> tuple[str, ...]:
    """「另一篇讲话」 means another speech, 「另一份报告」 another report, 「另一部条例」 another
    regulation; said without a kind, another document of the kind just used."""
    from assistant.conversation.resolver import document_kind

    records = resolver.records()
    asked = next((kind for word, kind in KIND_WORDS if word in question), None)
    kind = asked or (document_kind(records[previous_id]) if previous_id in records else None)
    return tuple(i for i, r in records.items() if i not in exclude and document_kind(r) == kind) if kind else ()


def other_ordinal(resolver, question, analysis, thread):
    """「第二条呢？」 after a question about 「第一条…」: the same question about the other one."""
    last = thread[-1].resolution
    old, new = ordinal_phrase(last.query), ordinal_phrase(question)
    if not only_an_ordinal(question) or old is None or new is None:
        return None
    if new.group(2) and old.group(2) and new.group(2) != old.group(2):
        return None
    said = f"第{new.group(1)}{old.group(2) or new.group(2) or ''}"
    query = last.query[:old.start(1) - 1] + said + last.query[old.end():]
    return resolver.resolved(question, query, last.exclude, last.within, "other_ordinal")


def item_of_outline(resolver, question, analysis, thread):
    """「其中第三点具体讲了什么？」 after the items of a part of the outline: that item, by the
    structure of the speech (the last question with the ordinal asked inside it)."""
    last = thread[-1]
    if not points_into_last(question, analysis):
        return None
    if not (last.recall.outline or last.resolution.analysis.intent in (Intent.OUTLINE, Intent.ITEM)):
        return None
    query = f"{last.resolution.query.rstrip('？?。')}，其中{AMONG.sub('', question)}"
    return resolver.resolved(question, query, last.resolution.exclude, last.resolution.within, "item_of_outline")


def item_of_answer(resolver, question, analysis, thread):
    """「第二种精神具体是哪五个方面？」: the second of the things the last answer named, put in
    place of the ordinal, asked inside the documents it quoted."""
    last = thread[-1]
    phrase = ordinal_phrase(question)
    if not points_into_last(question, analysis) or phrase is None:
        return None
    rest = question[phrase.end():]
    item = last.recall.item(ordinal_asked(question), rest[:2])
    if item is None:
        return None
    name = item_name(item)
    kept = next((k for k in range(len(name), 0, -1) if rest.startswith(name[-k:])), 0)
    query = f"{question[:phrase.start()]}“{name}”{rest[kept:]}"
    return resolver.resolved(question, AMONG.sub("", query), last.resolution.exclude, resolver.documents_of(last),
                             "item_of_answer")


def item_name(item: str) -> str:
    """An item of a list as a name: its marker and closing punctuation dropped (「2、抓土地申报。」 → 抓土地申报)."""
    from vectorstore.speech.outline import heading_text

    text = re.sub(r"^(?:\d+[、.．]|（[一二三四五六七八九十\d]+）|[一二三四五六七八九十]+[、是]|第[一二三四五六七八九十\d]+[条是，、])\s*", "",
                  heading_text(item).rstrip("…"))
    return text.strip("。；;，,：: “”")


def ordinal_in_document(resolver, question, analysis, thread):
    """「其中第三步要达到什么目标？」 with no list to point into: asked inside the document just used."""
    last = thread[-1]
    documents = resolver.documents_of(last)
    if not points_into_last(question, analysis) or len(documents) != 1:
        return None
    from assistant.conversation.resolver import speech_name

    query = f"{speech_name(resolver.record(documents[0]))}里，{AMONG.sub('', question)}"
    return resolver.resolved(question, query, last.resolution.exclude, documents, "ordinal_in_document")


def points_into_last(question: str, analysis) -> bool:
    """A short question naming an ordinal and no document of its own."""
    ordinal = analysis.constraints.ordinal if analysis.constraints.ordinal is not None else ordinal_asked(question)
    return ordinal is not None and len(question) <= SHORT_FOLLOW_UP and not analysis.scope.speech_ids


def reference(resolver, question, analysis, thread):
    """「那次会议上…」「那一年的…」「这篇讲话…」「它…」: the pointer replaced by what it points to."""
    last = thread[-1].resolution
    documents = resolver.documents_of(thread[-1])
    record = resolver.record(documents[0]) if len(documents) == 1 else None
    query = question
    if last.analysis.constraints.years:
        query = YEAR_REF.sub(f"{last.analysis.constraints.years[-1]}年", query, count=1)
    if record is not None:
        from assistant.conversation.resolver import speech_name

        query = MEETING_REF.sub(record.meta.meeting or record.meta.title or "", query, count=1)
        query = SPEECH_REF.sub(speech_name(record), query, count=1)
    if query == question:
        return None
    within = documents if record is not None else last.within
    return resolver.resolved(question, query, last.exclude, within, "reference")


def part_of_answer(resolver, question, analysis, thread):
    """「其中要破解瓶颈促招商具体讲了什么？」: a part of what the last answer gave, in its document."""
    documents = resolver.documents_of(thread[-1])
    if not AMONG.match(question) or len(documents) != 1:
        return None
    query = AMONG.sub("", question)
    return resolver.resolved(question, query, thread[-1].resolution.exclude, documents, "part_of_answer")


def correction(resolver, question, analysis, thread):
    """「我是说2019年的」: what is said put in place of its like in the last question."""
    said, last = corrected(question), thread[-1].resolution
    query = substitute(last.query, said) if said else None
    return resolver.resolved(question, query, last.exclude, last.within, "correction") if query else None


def year_before(resolver, question, analysis, thread):
    """「和去年比呢」 after a figure of one year: that figure for the year before and that year."""
    last = thread[-1].resolution
    years = last.analysis.constraints.years
    if not compares_with_year_before(question) or not years or f"{years[-1]}年" not in last.query:
        return None
    year = years[-1]
    query = ASKS_FIGURE.sub(r"分别\1", last.query.replace(f"{year}年", f"{year - 1}年和{year}年", 1), count=1)
    return resolver.resolved(question, query, last.exclude, last.within, "year_before")


def substitution(resolver, question, analysis, thread):
    """「那株洲呢？」「那签约项目呢？」「那2023年那份呢？」: the new part in place of its like."""
    last = thread[-1].resolution
    topic = topic_of(question) if is_follow_up(question) else None
    query = substitute(last.query, topic) if topic else None
    if not query or query == last.query:
        return None
    return resolver.resolved(question, query, last.exclude, last.within, "substitution")


def more(resolver, question, analysis, thread):
    """「还有呢？」「其他的呢？」: the last question again; after a question about which documents,
    those the last answer quoted are left out."""
    if not is_follow_up(question) or topic_of(question).strip("的还有其他别") :
        return None
    last = thread[-1]
    exclude = last.resolution.exclude
    if last.resolution.analysis.intent is Intent.CROSS:
        exclude = tuple(dict.fromkeys(exclude + resolver.documents_of(last)))
    return resolver.resolved(question, last.resolution.query, exclude, last.resolution.within, "more")


def new_slot(resolver, question, analysis, thread):
    """「那最多能延长多久？」「是谁作的？」: another question about what the last one was about,
    asked inside the documents it was answered from."""
    if not is_follow_up(question):
        return None
    last = thread[-1]
    asked = (topic_of(question) or question).rstrip("？?。")
    documents = resolver.documents_of(last)
    if len(documents) == 1:  # asked in that document: its own words decide, not the last question's
        from assistant.conversation.resolver import speech_name

        query = f"{speech_name(resolver.record(documents[0]))}里，{asked}？"
    else:
        query = f"{question_subject(last.resolution.query)}，{asked}？"
    return resolver.resolved(question, query, last.resolution.exclude, documents, "new_slot")


EDITS = (another_document, other_ordinal, item_of_outline, item_of_answer, ordinal_in_document, reference,
         part_of_answer, correction, year_before, substitution, more, new_slot)

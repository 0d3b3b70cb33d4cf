"""The sentence picker's kind, the fallback every question reaches: a who/when line when asked, then
each part of the question answered from its passages (or from the speech's opening when it asks about
the meeting), else the part of the named speech a heading names."""

from __future__ import annotations

from assistant.answering.kinds.base import Ask, Kind, Run
from assistant.answering.structured import in_section, joined
from assistant.understanding.lexicon.forms import asked_form
from assistant.understanding.lexicon.metadata import answered_by_metadata
from assistant.understanding.service import narrowed, preferred, search_text


def run(pipeline, ask: Ask) -> Run:
    """The answerer's draft (streamed), part by part, after a meta line when one applies."""
    analysis, evidences, structured = ask.analysis, ask.evidences, pipeline.structured
    meta = structured.meta(analysis, evidences)
    if meta is not None and not meta.grounded:
        return meta
    if meta is not None:
        yield meta.text + "\n"
    parts = analysis.parts
    picked = None
    for part in parts:
        drafted = structured.opening(analysis, part, evidences)
        if drafted is not None:
            yield drafted.text + "\n"
        else:
            part_evidence = evidences if len(parts) == 1 else part_evidences(pipeline, ask, part)
            drafted = yield from pick(pipeline, ask, part if len(parts) > 1 else None, part_evidence)
        picked = drafted if picked is None else joined(picked, drafted)
    if picked is None and len(parts) == 1:
        picked = structured.by_heading(analysis, evidences)
        if picked is not None:
            yield picked.text
    if meta is None or (picked is None and not answered_by_metadata(analysis.text)):
        return picked  # the meta line alone answers only a question about who / when / which meeting
    return joined(meta, picked)


def part_evidences(pipeline, ask: Ask, part: str):
    """The passages for one part of a question of several, inside the question's scope."""
    analysis, filters = ask.analysis, ask.filters
    named = "".join(term for term in analysis.scope.terms if term not in part)
    text = search_text(part, filters, analysis)  # inside a named speech, what the part asks
    text, span = in_section(named + part if text is part else text, ask.section)
    return pipeline.retriever.evidence(text, narrowed(filters, analysis), prefer=preferred(analysis),
                                       stating=asked_form(part), part=span)


def pick(pipeline, ask: Ask, part: str | None, evidences) -> Run:
    """The backend's draft for the question (or one part of it), streamed; None when it has no citation."""
    analysis = ask.analysis
    question, _ = in_section(analysis.focus if part is None else analysis.focus_of(part), ask.section)
    outline = pipeline.structured.outline_for(analysis, evidences)
    result = None
    for item in pipeline.answerer.stream(question, evidences, outline=outline, scoped=analysis.scope.certain):
        if isinstance(item, str):
            yield item
        else:
            result = item  # the backend's Draft, or None
    return result if result is not None and result.citations else None


PICKED = Kind("picked", run)

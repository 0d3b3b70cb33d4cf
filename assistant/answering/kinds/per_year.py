"""One figure asked for several years (「2010到2012年的赤字率分别是多少」): each year asked as its own
question and checked on its own (another year's figure is no answer for it); a year nothing answers
says so."""

from __future__ import annotations

from assistant.answering.answerer import Draft
from assistant.answering.kinds import picked
from assistant.answering.kinds.base import Ask, Kind, Run
from assistant.answering.structured import joined
from assistant.understanding.question import per_year


def run(pipeline, ask: Ask) -> Run:
    draft: Draft | None = None
    for year, question in per_year(ask.analysis.text):
        yield f"{year}年："
        analysis = pipeline.understanding.analyse(question)
        evidences = pipeline.evidence_for(question, analysis, ask.filters, ask.section)
        found = yield from picked.run(pipeline, Ask(analysis, evidences, ask.filters, ask.section))
        checked = pipeline.checked(analysis, found)
        if checked is None or not checked.grounded or not checked.citations:
            yield "没有找到。"
            line = Draft(f"{year}年：没有找到。", ())
        else:
            line = Draft(f"{year}年：{checked.text}", checked.citations)
        yield "\n"
        draft = line if draft is None else joined(draft, line) if line.citations else \
            Draft(f"{draft.text}\n{line.text}", draft.citations)
    return draft if draft is not None and draft.citations else None


PER_YEAR = Kind("per_year", run)

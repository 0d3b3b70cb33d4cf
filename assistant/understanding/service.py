"""The question analysis bound to an index: its catalogue of speeches, places and phrase lookup."""

from __future__ import annotations

from dataclasses import replace

from assistant.understanding.catalogue import catalogue_of
from assistant.understanding.question import QuestionAnalysis, analyse
from assistant.understanding.reading import read_question
from vectorstore.speech.metadata import find_places
from vectorstore.search import SearchFilters

PHRASE_LOOKUP_LIMIT = 50
ANALYSED_KEPT = 2000


class Understanding:
    """``analyse(question)`` against what the index holds now."""

    def __init__(self, index):
        self.index = index
        self._catalogue = None
        self._analysed: dict[str, QuestionAnalysis] = {}  # of the current catalogue: history turns come back every turn

    def read(self, text: str) -> str:
        """The question as typed → the text every later step reads (繁→简, noise, misspelt names)."""
        return read_question(text, catalogue_of(self.index.speeches()).names_heard)

    def analyse(self, question: str) -> QuestionAnalysis:
        catalogue = catalogue_of(self.index.speeches())
        if catalogue is not self._catalogue or len(self._analysed) > ANALYSED_KEPT:
            self._catalogue, self._analysed = catalogue, {}
        if question not in self._analysed:
            self._analysed[question] = analyse(question, catalogue, places_in=places_in, speeches_with=self.speeches_with)
        return self._analysed[question]

    def speeches_with(self, phrase: str) -> set[str]:
        return {chunk.speech_id for chunk in self.index.chunks_containing(phrase, limit=PHRASE_LOOKUP_LIMIT)}


def places_in(text: str) -> tuple[str, ...]:
    return tuple(find_places(text))


MIN_SEARCH_CHARS = 4  # a focus shorter than this (「呢？」) searches with the whole question


def narrowed(filters: SearchFilters | None, analysis: QuestionAnalysis) -> SearchFilters | None:
    """A certain scope narrows the search to its speech (within what the user's filters allow)."""
    scope = analysis.scope
    if not scope.certain:
        return filters
    base = filters or SearchFilters()
    if base.speech_ids and scope.best not in base.speech_ids:
        return filters  # the user chose other speeches: theirs wins
    return replace(base, speech_ids=(scope.best,))


def search_text(query: str, filters: SearchFilters | None, analysis: QuestionAnalysis) -> str:
    """What to rank a narrowed speech's passages by: the question without the words that only
    named the speech (every passage of it shares its name; they would rank its shortest first)."""
    if narrowed(filters, analysis) is filters:
        return query
    focus = analysis.focus_of(query)  # the very text the picker embeds: one query vector for both
    return focus if len(focus.strip()) >= MIN_SEARCH_CHARS else query


def preferred(analysis: QuestionAnalysis) -> tuple[str, ...]:
    """A partial scope ranks its speeches first (not for questions across speeches)."""
    from assistant.understanding.intent import Intent

    scope = analysis.scope
    return () if scope.certain or scope.weak or analysis.intent is Intent.CROSS else scope.speech_ids

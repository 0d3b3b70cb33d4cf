"""Understanding a question: which speeches it means (scope), what it asks (intent), what an
answer must meet (constraints). Pure functions over the question text and a catalogue of the
indexed speeches' metadata; no model, a few milliseconds."""

from assistant.understanding.catalogue import SpeechCatalogue
from assistant.understanding.question import Constraints, Intent, QuestionAnalysis, Scope, analyse

__all__ = ["Constraints", "Intent", "QuestionAnalysis", "Scope", "SpeechCatalogue", "analyse"]

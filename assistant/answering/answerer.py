"""The answer-backend seam: every backend turns a question and its passages into a checked Draft.

One list of backend names (``ANSWER_BACKENDS``), read by the settings; a backend is anything with a
``name`` and a ``stream`` that yields the answer's text as it is produced, then its Draft (or None
when the passages do not answer). The pipeline holds every backend to the same scope, constraint
and citation checks after that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the settings read ANSWER_BACKENDS: keep this module light
    from assistant.retrieval.evidence import Evidence
    from assistant.types import Citation

ANSWER_BACKENDS = ("extractive", "local", "openai")  # extractive: no model; local: llama.cpp; openai: any compatible endpoint


@dataclass(frozen=True)
class Draft:
    """An answer before it becomes an Answer: text with [n] markers and its verified citations;
    not grounded = a refusal that explains itself."""

    text: str
    citations: tuple[Citation, ...]
    grounded: bool = True


class Answerer(Protocol):
    """What the pipeline asks of a backend."""

    name: str

    def stream(self, question: str, evidences: list[Evidence], outline: str = "",
               scoped: bool = False) -> Iterator[str | Draft | None]:
        """Text as it is produced, then the Draft (None: the passages do not answer).
        ``outline``: the meant speech's headings, for questions about its parts; ``scoped``: the
        passages are of the one speech the question names."""
        ...

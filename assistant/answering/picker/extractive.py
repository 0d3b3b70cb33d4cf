"""The extractive answerer: no model, instant, deterministic.

It scores the sentences of the retrieved passages by how much of the
question's (idf-weighted) vocabulary they hold, takes the best one, keeps an
enumeration whole when the best sentence introduces or belongs to one, adds
other strong sentences (from other speeches too, for "which speeches…"
questions), and cites each with [n]. Below a calibrated score it refuses.

Holding the question's words is not enough to be the answer: a sentence that
restates the question, a repetitive sentence or keyword list, a sentence that
recurs among the passages, every sentence of a stuffed passage, and those of a
speech that repeats the question's words sentence after sentence keep only a
share of their coverage (``assistant.sentences.SentenceQuality``). Text in a
passage is only ever quoted, never followed: an instruction in a speech is a
sentence like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from assistant.answering.answerer import Draft
from assistant.retrieval.evidence import Evidence
from assistant.answering.citations import make_citation
from assistant.answering.picker.dated import Alternative, dated_best, of_one_time, other_dated
from assistant.answering.picker.enumerations import ScoredSentence, continuation, paragraph_of, with_clause_runs
from vectorstore.text.sentences import normalise
from assistant.understanding.lexicon.forms import FORMS, NUMBER, WANTS_NUMBER, forms_stated, has_figure
from assistant.understanding.lexicon.asking import ASKING, QUESTION_WORDS, asks_two_things, asks_who_or_when
from assistant.understanding.lexicon.time import without_time
from assistant.understanding.measure import names_another_measure
from assistant.understanding.question import quoted_terms
from vectorstore.text.sentences import Sentence
from assistant.retrieval.shape import SentenceQuality
from assistant.understanding.lexicon.thesaurus import held_aliases
from assistant.types import Citation
from vectorstore.text.tokens import search_words, tokenize

FORM_BONUS = 0.15  # the sentence states what the question's form asks for (a time, a penalty, a range)
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
QUOTED_BONUS = 0.3  # the sentence holds a term the user quoted
NUMBER_BONUS = 0.05  # a number, when the question asks for one
RANK_PENALTY = 0.01  # per rank of the passage the sentence is in
MAX_SENTENCES = 4
SIMILARITY_PASSAGES = 4  # sentences of this many top passages are compared by meaning…
PER_PASSAGE = 2  # …at most this many from each (the best by word coverage)…
SIMILARITY_CHARS = 80  # …each cut to this length (bounds the embedding time)
VECTOR_CACHE = 20_000  # sentence embeddings kept
FORM_PARAGRAPH_SHARE = 0.5  # a sentence of the best one's paragraph stating the asked form, this well covered…
FORM_PARAGRAPH_MAX = 2  # …is added, at most this many
SCOPED_COVERAGE = 0.15  # in the speech a question names, the best sentence may hold this little of its words…
SCOPED_MARGIN = 3.0  # …when it holds this many times more than any other sentence
SCOPED_NUMBER_COVERAGE = 0.25  # and a figure answers a "how much" question with this coverage (else 0.30)
ALSO_SHARE = 0.8  # a further sentence must score this share of the best one
COMPLEMENT_GAP = 0.25  # the chosen sentences leave out this share of the question's weighted words…
THEME_PASSAGES = 4  # with this many passages of one speech read…
THEME_SHARE = 0.8  # …a word this share of them holds…
THEME_FACTOR = 0.5  # …weighs this much
COMPLEMENT_MIN = 0.15  # …and another sentence of the speech holds this share of the whole: it is added


@dataclass(frozen=True)
class Thresholds:
    """When to refuse (calibrated on the dev questions plus tests/data/calibration_unanswerable.jsonl)."""

    coverage: float = 0.25  # a sentence this covered answers a non-number question…
    similarity: float = 0.90  # …and so does one this close in meaning (paraphrases)
    number_coverage: float = 0.30  # a "how much" question needs a sentence with a number and this coverage


class ExtractiveAnswerer:
    """Selects and cites the sentences that answer a question."""

    name = "extractive"

    def __init__(self, idf: Callable[[list[str]], dict[str, float]], embeddings, thresholds: Thresholds):
        self.idf = idf
        self.embeddings = embeddings  # for paraphrases: sentence similarity, only when words do not match
        self.thresholds = thresholds

    def stream(self, question: str, evidences: list[Evidence], outline: str = "", scoped: bool = False):
        """The answer text a line at a time, then its Draft or None (``outline`` is for generators;
        ``scoped``: the passages are of the one speech the question names)."""
        result = self.answer(question, evidences, scoped)
        if result:
            lines = result[0].split("\n")
            for number, line in enumerate(lines):
                yield line + ("\n" if number < len(lines) - 1 else "")
        yield Draft(result[0], tuple(result[1])) if result else None

    def answer(self, question: str, evidences: list[Evidence], scoped: bool = False) -> tuple[str, list[Citation]] | None:
        """(text with [n] markers, citations), or None when nothing answers the question."""
        chosen = self.chosen_sentences(question, evidences, scoped)
        return _compose(chosen) if chosen else None

    def answering_passages(self, question: str, evidences: list[Evidence]) -> list[int] | None:
        """Numbers of the passages holding the answer's sentences, best first; None when none answers."""
        chosen = self.chosen_sentences(question, evidences)
        return list(dict.fromkeys(s.evidence.n for s in chosen)) if chosen else None

    def chosen_sentences(self, question: str, evidences: list[Evidence], scoped: bool = False) -> list[ScoredSentence] | None:
        """The sentences that answer, in answer order; None when the passages do not answer."""
        scored = self.score_sentences(question, evidences)
        best = self.best_supported(question, scored) or (self.clear_winner(question, scored) if scoped else None)
        if best is None:
            return None
        answering = self.answering(question, scored)
        best = dated_best(question, best, answering)
        chosen = of_one_time(best, self._choose(best, scored, question))
        other = other_dated(question, chosen, answering)
        return chosen + [other] if other else chosen

    def answering(self, question: str, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """The sentences that each could answer on their own: a figure of the measure asked, or enough of the question's words."""
        if WANTS_NUMBER.search(question):
            return [s for s in scored if states_the_figure(question, s.sentence.text) and s.coverage >= self.thresholds.number_coverage]
        return [s for s in scored if s.coverage >= self.thresholds.coverage and holds_a_word(question, s)]

    def best_supported(self, question: str, scored: list[ScoredSentence]) -> ScoredSentence | None:
        """The sentence to build the answer on, or None when the passages do not answer."""
        if not scored:
            return None
        if WANTS_NUMBER.search(question):
            numeric = [s for s in scored if states_the_figure(question, s.sentence.text)
                       and s.coverage >= self.thresholds.number_coverage]
            return numeric[0] if numeric else None
        if scored[0].coverage >= self.thresholds.coverage and holds_a_word(question, scored[0]):
            return scored[0]
        closest, similarity = self.closest_in_meaning(question, scored)
        return closest if similarity >= self.thresholds.similarity else None

    def clear_winner(self, question: str, scored: list[ScoredSentence]) -> ScoredSentence | None:
        """Inside the one speech a question names, a sentence that stands far above all others
        answers it even when it holds less of the question's words (「跻身全国两百强」 for 「多少强」)."""
        if WANTS_NUMBER.search(question):
            numeric = [s for s in scored if states_the_figure(question, s.sentence.text) and s.coverage >= SCOPED_NUMBER_COVERAGE]
            if numeric:
                return numeric[0]
        if not scored or scored[0].coverage < SCOPED_COVERAGE or not holds_a_word(question, scored[0]):
            return None
        best = scored[0]
        others = [s for s in scored[1:] if s.sentence.text != best.sentence.text]
        outshone = others and best.coverage < SCOPED_MARGIN * max(s.coverage for s in others)
        if outshone and not _states_form_alone(question, best, others):
            return None
        if WANTS_NUMBER.search(question) and not states_the_figure(question, best.sentence.text):
            return None
        return best

    def closest_in_meaning(self, question: str, scored: list[ScoredSentence]) -> tuple[ScoredSentence | None, float]:
        """The sentence of the top passages nearest the question by embedding, and its cosine."""
        per_passage: dict[int, int] = {}
        candidates = []
        for item in scored:  # best-covered sentences first, a few from each top passage
            n = item.evidence.n
            if n <= SIMILARITY_PASSAGES and len(item.sentence.text) >= 6 and per_passage.get(n, 0) < PER_PASSAGE:
                per_passage[n] = per_passage.get(n, 0) + 1
                candidates.append(item)
        if not candidates or self.embeddings is None:
            return None, 0.0
        query = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        vectors = self.sentence_vectors([c.sentence.text[:SIMILARITY_CHARS] for c in candidates])
        similarities = vectors @ query
        best = int(similarities.argmax())
        return candidates[best], float(similarities[best])

    def sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Embeddings of sentences, each embedded once (the same passages come back question after question)."""
        cache = self.__dict__.setdefault("_vectors", {})
        missing = list(dict.fromkeys(text for text in texts if text not in cache))
        if missing:
            if len(cache) > VECTOR_CACHE:
                cache.clear()
            cache.update(zip(missing, np.asarray(self.embeddings.embed_documents(missing), dtype=np.float32)))
        return np.stack([cache[text] for text in texts]) if texts else np.zeros((0, 1), dtype=np.float32)

    def score_sentences(self, question: str, evidences: list[Evidence]) -> list[ScoredSentence]:
        """Every candidate sentence, best first: weighted coverage of the question's words, times
        the sentence's quality, plus bonuses."""
        focus = question_terms(question)
        wants_number = bool(WANTS_NUMBER.search(question))
        weights = self.idf(focus) if wants_number else theme_discounted(self.idf(focus), evidences)
        total = sum(weights.values()) or 1.0
        forms = [(bool(pattern.search(question)), form) for pattern, form in FORMS]
        quoted = [normalise(term) for term in quoted_terms(question)]
        candidates = [(rank, evidence, sentence, _covered(sentence.text, weights, total, question))
                      for rank, evidence in enumerate(evidences) for sentence in evidence.sentences()
                      if not _is_title(sentence, evidence)]
        quality = SentenceQuality(question, _distinct_sentences(evidences),
                                  [(e.passage.speech_id, covered) for _, e, _, covered in candidates])
        scored = []
        for rank, evidence, sentence, covered in candidates:
            share = quality(evidence.passage.speech_id, evidence.passage.text, sentence.text)
            bonus = QUOTED_BONUS * any(term in normalise(sentence.text) for term in quoted)
            bonus += NUMBER_BONUS if wants_number and NUMBER.search(sentence.text) else 0.0
            bonus += FORM_BONUS * any(asked and form.search(sentence.text) for asked, form in forms)
            score = share * (covered + bonus) - RANK_PENALTY * rank
            scored.append(ScoredSentence(evidence, sentence, score, share * covered))
        return sorted(scored, key=lambda s: -s.score)

    def _choose(self, best: ScoredSentence, scored: list[ScoredSentence], question: str) -> list[ScoredSentence]:
        evidences = list(dict.fromkeys(s.evidence for s in scored))
        chosen = [best] + continuation(best, evidences, question)
        chosen += [line for line in byline(question, best, evidences) if not _overlaps(line, chosen)]
        for extra in same_paragraph_forms(question, best, scored):
            if not _overlaps(extra, chosen):
                chosen.append(extra)
        for candidate in scored:
            if len(chosen) >= MAX_SENTENCES or candidate.score < ALSO_SHARE * best.score:
                break
            if not _overlaps(candidate, chosen):
                chosen.append(candidate)
        extra = self.complement(question, chosen, scored)
        return with_clause_runs(chosen + ([extra] if extra else []), evidences, question)

    def complement(self, question: str, chosen: list[ScoredSentence], scored: list[ScoredSentence]) -> ScoredSentence | None:
        """For a question of two things (「A和B分别…」), the sentence of the same speech that holds
        the question's words the chosen sentences leave out, when they leave out a good share."""
        if not asks_two_things(question):
            return None
        weights = self.idf(word_terms(question))
        total = sum(weights.values()) or 1.0
        held = frozenset().union(*(held_tokens(c.sentence.text, question) for c in chosen))
        missing = {token: weight for token, weight in weights.items() if token not in held}
        if sum(missing.values()) / total < COMPLEMENT_GAP:
            return None
        speech = chosen[0].evidence.passage.speech_id
        same = [s for s in scored if s.evidence.passage.speech_id == speech and not _overlaps(s, chosen)]
        best = max(same, key=lambda s: _covered(s.sentence.text, missing, total, question), default=None)
        return best if best is not None and _covered(best.sentence.text, missing, total, question) >= COMPLEMENT_MIN else None


def states_the_figure(question: str, text: str) -> bool:
    """The sentence states a figure of the measure asked, not of a sibling measure."""
    return has_figure(question, text) and not names_another_measure(question, text)


def theme_discounted(weights: dict[str, float], evidences: list[Evidence]) -> dict[str, float]:
    """Inside one speech (a scoped question), a word nearly every passage read holds is the speech's
    theme (「招商引资」 in a speech on 招商引资), not what the question asks: it weighs less. (Not for
    a "how much" question: there the figure a sentence states is the evidence, and the theme word
    is often the very quantity asked, 「经济增长…定在什么幅度」.)"""
    passages = list({e.passage.chunk_id: e.passage.text for e in evidences}.values())
    if len({e.passage.speech_id for e in evidences}) != 1 or len(passages) < THEME_PASSAGES:
        return weights
    held = [sentence_tokens(text) for text in passages]
    share = {token: sum(token in tokens for tokens in held) / len(held) for token in weights}
    return {token: weight * (THEME_FACTOR if share[token] >= THEME_SHARE else 1.0) for token, weight in weights.items()}


def same_paragraph_forms(question: str, best: ScoredSentence, scored: list[ScoredSentence]) -> list[ScoredSentence]:
    """When the question asks for a time or a range and the best sentence states one, the other
    sentences of its paragraph that state one too (「每年年底前…备案；临时决定举办的，应当于
    活动举办三十日前…备案」: the rule and its exception)."""
    if not forms_stated(question, best.sentence.text):
        return []
    return [s for s in scored if s is not best and s.evidence.passage.speech_id == best.evidence.passage.speech_id
            and paragraph_of(s) == paragraph_of(best) and forms_stated(question, s.sentence.text)
            and s.coverage >= FORM_PARAGRAPH_SHARE * best.coverage and s.sentence.start != best.sentence.start
            ][:FORM_PARAGRAPH_MAX]


def _states_form_alone(question: str, best: ScoredSentence, others: list[ScoredSentence]) -> bool:
    """The best sentence states the form the question asks for (a range, a time), and no other
    sentence with a third of its coverage does: it stands out even without the margin."""
    if not forms_stated(question, best.sentence.text):
        return False
    return not any(forms_stated(question, s.sentence.text) and s.coverage >= best.coverage / SCOPED_MARGIN for s in others)


@lru_cache(maxsize=4096)
def question_terms(question: str) -> tuple[str, ...]:
    """The terms a sentence's coverage of the question is measured by: its tokens, asking words masked."""
    terms = [t for t in dict.fromkeys(tokenize(ASKING.sub(" ", without_time(question)))) if t not in QUESTION_WORDS]
    return tuple(terms or [t for t in dict.fromkeys(tokenize(question)) if t not in QUESTION_WORDS])


@lru_cache(maxsize=4096)
def word_terms(question: str) -> tuple[str, ...]:
    """The question's words and the character pairs inside its longer words, without the pairs
    that straddle two words (「和粮」「量分」: no sentence holds them) or single characters; for
    measuring what the chosen sentences leave out."""
    words = [w for w in search_words(question) if w not in QUESTION_WORDS]
    inside = [w[i:i + 2] for w in words if len(w) >= 3 and _HAN_WORD.fullmatch(w) for i in range(len(w) - 1)]
    terms = [t for t in dict.fromkeys(words + inside) if (len(t) >= 2 or not _HAN_WORD.fullmatch(t)) and t not in QUESTION_WORDS]
    return tuple(terms or [t for t in dict.fromkeys(tokenize(question)) if t not in QUESTION_WORDS])


def holds_a_word(question: str, scored: ScoredSentence) -> bool:
    """The sentence holds one of the question's words, not only character pairs that straddle two
    of them (「讲话里对…」 gives 「里对」, which 「省里对市里」 holds)."""
    return bool(held_tokens(scored.sentence.text, question) & set(word_terms(question)))


def _distinct_sentences(evidences: list[Evidence]) -> list[Sentence]:
    """Every sentence of the passages once (a sentence is its speech and offset)."""
    seen: dict[tuple[str, int], Sentence] = {}
    for evidence in evidences:
        for sentence in evidence.sentences():
            seen.setdefault((evidence.passage.speech_id, sentence.start), sentence)
    return list(seen.values())


def _covered(text: str, weights: dict[str, float], total: float, question: str = "") -> float:
    """Share of the question's idf weight whose words the sentence holds (in its own words or
    in the policy words of their group: 「经济增速」 by 「国内生产总值增长」)."""
    tokens = held_tokens(text, question)
    return sum(weight for token, weight in weights.items() if token in tokens) / total


def held_tokens(text: str, question: str = "") -> frozenset[str]:
    """The sentence's tokens, plus those of the question's words it states in other words."""
    tokens = sentence_tokens(text)
    said = (held_aliases(question, text) + forms_stated(question, text)) if question else ()
    return tokens.union(*(sentence_tokens(word) for word in said)) if said else tokens


@lru_cache(maxsize=50_000)
def sentence_tokens(text: str) -> frozenset[str]:
    """Keyword tokens of a sentence (cached: the same passages come back for many questions)."""
    return frozenset(tokenize(text))


def _is_title(sentence: Sentence, evidence: Evidence) -> bool:
    """The speech's title line is not an answer."""
    title = evidence.passage.title or (evidence.record.title if evidence.record else None)
    return bool(title) and sentence.text.strip() == title


def byline(question: str, best: ScoredSentence, evidences: list[Evidence]) -> list[ScoredSentence]:
    """For who/when questions, the header line that states the speaker or date."""
    record = best.evidence.record
    if not asks_who_or_when(question) or record is None:
        return []
    wanted = [value for value in (record.speaker, _chinese_date(record.date)) if value]
    return [ScoredSentence(e, s, best.score, best.coverage) for e in evidences
            if e.passage.speech_id == best.evidence.passage.speech_id
            for s in e.sentences() if any(value in s.text for value in wanted)][:1]


def _chinese_date(date: str | None) -> str | None:
    parts = (date or "").split("-")
    return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日" if len(parts) == 3 else None


def _overlaps(candidate: ScoredSentence, chosen: list[ScoredSentence]) -> bool:
    return any(c.evidence.passage.speech_id == candidate.evidence.passage.speech_id
               and c.sentence.start < candidate.sentence.end and candidate.sentence.start < c.sentence.end
               for c in chosen)


def _compose(chosen: list[ScoredSentence]) -> tuple[str, list[Citation]] | None:
    """One line per sentence, in speech order within each speech, each with its [n]."""
    ordered = sorted(chosen, key=lambda s: (isinstance(s, Alternative), _speech_rank(s, chosen), s.sentence.start))
    citations: list[Citation] = []
    lines = []
    for item in ordered:
        citation = make_citation(len(citations) + 1, item.evidence, item.sentence)
        if citation is None:  # never show a quote that is not verbatim
            continue
        citations.append(citation)
        lines.append(alternative_line(item, citation.n) if isinstance(item, Alternative) else f"{item.sentence.text}[{citation.n}]")
    return ("\n".join(lines), citations) if citations else None


def alternative_line(item: Alternative, n: int) -> str:
    """「另据《…》（2014-05-01）：…[n]（较早的文件，说法不同）」: an alike sentence of another date."""
    record = item.evidence.record
    name = f"《{record.title}》" if record is not None and record.title else item.evidence.passage.source
    date = record.date if record is not None else None
    when = "较晚" if item.later else "较早"
    differs = f"（{when}的文件，说法不同）" if item.differs else f"（{when}的文件）"
    return f"另据{name}（{date}）：{item.sentence.text}[{n}]{differs}"


def _speech_rank(item: ScoredSentence, chosen: list[ScoredSentence]) -> int:
    speeches = list(dict.fromkeys(c.evidence.passage.speech_id for c in chosen))
    return speeches.index(item.evidence.passage.speech_id)

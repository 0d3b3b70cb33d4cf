"""Answers composed from a speech's outline and metadata, by intent.

* outline — the part the question names (by its ordinal, or by its heading), then its parts;
* item — the N-th part of the list the question names; past the end, a refusal that says how many;
* summary — the top-level parts, each with what it holds;
* meta — who, when, at which meeting, from SpeechMeta, citing where the speech states it.

Every line quotes a verbatim sentence of the speech (a Citation checked against its passage).
A composer returns None when the speech's structure does not answer the question; the
sentence picker answers then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from assistant.answering.answerer import Draft
from assistant.answering.speech_view import SpeechView, text_between
from assistant.types import REFUSAL, Citation
from assistant.understanding import Intent, QuestionAnalysis
from assistant.understanding.intent import stated_count, without_ordinals
from assistant.understanding.lexicon.asking import QUESTION_WORDS, STRUCTURE_WORDS, names_article
from vectorstore.text.sentences import Sentence, split_sentences
from assistant.understanding.lexicon.thesaurus import held_aliases
from vectorstore.text.tokens import STOP_WORDS, normalize, segment, tokenize

MIN_HEADING_MATCH = 0.34  # share of the question's weighted words a part's heading and intro must hold
COUNT_BONUS = 0.4  # the part has as many parts as the question says (「三点承诺」, 「7个抓」)
ROOT_FACTOR = 0.8
CLEAR_MATCH = 0.15  # a weaker match still names a part that matches this many times better than any other
CLEAR_MARGIN = 2.0
HEADING_ALONE = 0.25  # a heading holding this share of the question's words…
HEADING_MARGIN = 3.0  # …this many times any other heading's names its part (when no sentence answers)
DEEPER_SHARE = 0.8  # a list inside the matched part that matches this share as well is the one meant
INTRO_CHARS = 200  # the text before a part's first part that introduces them (「从以下四个方面…」)
HEADING_SLACK = 40  # a heading's sentence is quoted whole unless it runs this much past the heading
ITEM_SENTENCES = 8
ITEM_CHARS = 260  # an item is quoted up to about this many characters (at least its first sentence)
CN_ORDINALS = "一二三四五六七八九十"
# Words that only say a question asks for parts (「这篇讲话包括哪几部分」), not which part
INLINE_ITEMS = 2  # a sentence with this many 、 lists items in itself
ARTICLE_CHARS = 400  # an article of a regulation is quoted up to about this many characters


@dataclass(frozen=True)
class Part:
    """A node of the outline, or the speech itself as the root whose parts are the top-level nodes."""

    heading_start: int
    start: int
    end: int
    children: tuple
    is_root: bool = False
    node: object = None  # the OutlineNode (None for the root)


def compose(analysis: QuestionAnalysis, view: SpeechView, idf: Callable) -> Draft | None:
    composer = {Intent.OUTLINE: compose_outline, Intent.ITEM: compose_item, Intent.SUMMARY: compose_summary,
                Intent.LIST: compose_list}
    handler = composer.get(analysis.intent)
    return handler(analysis, view, idf) if handler and view.outline else None


def compose_summary(analysis: QuestionAnalysis, view: SpeechView, idf: Callable) -> Draft | None:
    citations: list[Citation] = []
    lines = [f"{label(view)}分为{len(view.outline.nodes)}个部分："]
    for node in view.outline.nodes:
        line = heading_quote(view, citations, node)
        if line:
            inner = "；".join(child.heading for child in node.children[:8])
            lines.append(line + (f"（下分：{inner}）" if inner else ""))
    return Draft("\n".join(lines), tuple(citations)) if citations else None


def compose_outline(analysis: QuestionAnalysis, view: SpeechView, idf: Callable, part: Part | None = None) -> Draft | None:
    part = part or named_part(analysis, view, idf, want_children=not analysis.constraints.top_level)
    if part is None or part.is_root:  # 「…的讲话分了哪几个方面？」: the speech's own parts
        return compose_summary(analysis, view, idf) if asks_whole_speech(analysis) else None
    citations: list[Citation] = []
    if not part.children:  # a part without parts: its heading, then what the question quotes, or its first sentences
        head = heading_quote(view, citations, part.node)
        after = citations[-1].quote_end if head else part.heading_start  # the heading's sentence is quoted once
        held = sentences_holding(view, citations, part, analysis.quoted)
        body = held or [quote_line(view, citations, after, ITEM_SENTENCES, part.end, budget=ITEM_CHARS)]
        return Draft("\n".join(filter(None, [head, *body])), tuple(citations)) if head else None
    head = heading_quote(view, citations, part.node)
    lines = [head, f"下面分为{len(part.children)}点："]
    lines += [f"{i}. {line}" for i, child in enumerate(part.children, start=1)
              if (line := heading_quote(view, citations, child))]
    return Draft("\n".join(filter(None, lines)), tuple(citations)) if head else None


def heading_named(analysis: QuestionAnalysis, view: SpeechView, idf: Callable) -> Draft | None:
    """Inside the one named speech, the part whose heading alone holds the question's words (or
    their group's policy words: 「载体」 by 「要凭平台招商」), its heading and opening quoted;
    None unless one heading clearly stands out."""
    question = asked_of_parts(analysis)
    scored = sorted(((match_share(question, node.heading, idf), i, node) for i, (_, node)
                     in enumerate(view.outline.walk() if view.outline else ())), key=lambda item: item[:2], reverse=True)
    if not scored or scored[0][0] < HEADING_ALONE:
        return None
    if len(scored) > 1 and scored[1][0] * HEADING_MARGIN > scored[0][0]:
        return None
    return compose_outline(analysis, view, idf, as_part(scored[0][2]))


def quoted_heading(outline, quoted: tuple[str, ...]):
    """(node, phrase): the one node of the outline whose heading holds a phrase the question
    quotes, or None when none or several do."""
    found = [(node, phrase) for _, node in (outline.walk() if outline else ()) for phrase in quoted
             if phrase in node.heading]
    return found[0] if len(found) == 1 else None


def asks_whole_speech(analysis: QuestionAnalysis) -> bool:
    """The question names no part, only the speech and the form of its parts (「分了哪几个方面」)."""
    return analysis.scope.certain and not set(content_words(analysis.focus)) - STRUCTURE_WORDS


def compose_list(analysis: QuestionAnalysis, view: SpeechView, idf: Callable) -> Draft | None:
    """「…禁止哪些做法？」 in the speech a question names: the enumeration whose heading matches it
    well (「禁止下列增加企业负担的行为：（一）…」), else None for the sentence picker."""
    if not analysis.scope.certain:
        return None
    quoted = quoted_heading(view.outline, analysis.quoted)
    if quoted is not None and not quoted[0].children:  # 「“抓好X”这部分有哪些…」: that part's own text
        return compose_outline(analysis, view, idf, as_part(quoted[0]))
    part = named_part(analysis, view, idf, want_children=True)
    if part is None or part.is_root:
        return None
    score = part_score(analysis, view, part, idf, stated_count(analysis.text))
    if score < MIN_HEADING_MATCH or said_in_one_sentence(analysis, view, idf, score):
        return None
    return compose_outline(analysis, view, idf, innermost(analysis, view, part, score, idf))


def said_in_one_sentence(analysis: QuestionAnalysis, view: SpeechView, idf: Callable, score: float) -> bool:
    """A sentence that lists items with 、 and matches the question better than the enumeration's
    heading (「政府投资资金应当投向…社会公益服务、公共基础设施、农业农村…」) is the answer: the picker's."""
    return any(text.count("、") >= INLINE_ITEMS and part_match(analysis, (text, ""), idf) > score
               for text in (sentence.text for _, sentence in view.sentences_from(0, count=10**6)))


def innermost(analysis: QuestionAnalysis, view: SpeechView, part: Part, score: float, idf: Callable) -> Part:
    """A chapter matches, and so does its article that holds the list (「第二章禁止…」 → 「第十四条
    禁止下列…行为：（一）…」): the deepest enumeration that matches nearly as well."""
    while True:
        inner = [(part_score(analysis, view, child, idf, None), child) for node in part.children
                 for child in parts_of(node) if len(child.children) >= 2]
        best = max(inner, key=lambda item: item[0], default=None)
        if best is None or best[0] < DEEPER_SHARE * score:
            return part
        score, part = best


def numbered_article(analysis: QuestionAnalysis, view: SpeechView):
    """「第十五条」 in a text whose articles are numbered through (a regulation): that article; not when
    the question names the part the item is in (「第二部分的第三条」「“凭条件招商”下面的第一条」)."""
    if not analysis.constraints.ordinal or not names_article(analysis.text) or analysis.constraints.part:
        return None
    if quoted_heading(view.outline, analysis.quoted) is not None:
        return None
    return next((node for _, node in view.outline.walk()
                 if node.kind == "第条" and node.ordinal == analysis.constraints.ordinal), None)


def compose_item(analysis: QuestionAnalysis, view: SpeechView, idf: Callable) -> Draft | None:
    ordinal = analysis.constraints.ordinal
    article = numbered_article(analysis, view)
    if article is not None:
        citations: list[Citation] = []
        line = quote_line(view, citations, article.heading_start, ITEM_SENTENCES, article.end, budget=ARTICLE_CHARS)
        return Draft(line, tuple(citations)) if line else None
    part = item_parent(analysis, view, idf)
    if ordinal is None or part is None or not part.children:
        return None
    if ordinal > len(part.children):
        return Draft(f"{REFUSAL}{where(view, part)}只列了{len(part.children)}点，没有第{ordinal}点。", (), grounded=False)
    child = part.children[ordinal - 1] if ordinal > 0 else part.children[-1]
    citations: list[Citation] = []
    line = quote_line(view, citations, child.heading_start, ITEM_SENTENCES, child.end, budget=ITEM_CHARS)
    return Draft(line, tuple(citations)) if line else None


def part_offsets(analysis: QuestionAnalysis, view: SpeechView, idf: Callable) -> list[int]:
    """Where the part a question names is: the item asked for first, then the part's heading;
    for a summary, the top-level headings."""
    if analysis.intent is Intent.SUMMARY:
        return [node.heading_start for node in view.outline.nodes]
    article = numbered_article(analysis, view)
    if article is not None:
        return [article.heading_start]
    part = item_parent(analysis, view, idf) if analysis.intent is Intent.ITEM else \
        named_part(analysis, view, idf, want_children=not analysis.constraints.top_level)
    if part is None:
        return []
    ordinal = analysis.constraints.ordinal
    item = [part.children[ordinal - 1 if ordinal > 0 else -1].heading_start] if (
        analysis.intent is Intent.ITEM and ordinal and abs(ordinal) <= len(part.children)) else []
    return item + ([] if part.is_root else [part.heading_start])


def item_parent(analysis: QuestionAnalysis, view: SpeechView, idf: Callable) -> Part | None:
    """The part whose Nth item a question asks for, its items counted in order whatever their numbers say
    (「第二条，…；第三条，…；第三条，…」): the top-level part it names (「第二部分的第三条」), the part
    whose heading holds the phrase it quotes (「“凭条件招商”下面的第一条」), else the best heading match."""
    nodes, part = view.outline.nodes, analysis.constraints.part
    if part:
        return as_part(nodes[part - 1]) if part <= len(nodes) else None
    quoted = quoted_heading(view.outline, analysis.quoted)
    if quoted is not None and len(quoted[0].children) >= 2:
        return as_part(quoted[0])
    return named_part(analysis, view, idf, want_children=True)


def named_part(analysis: QuestionAnalysis, view: SpeechView, idf: Callable, want_children: bool) -> Part | None:
    """The part a question names: a top-level ordinal (「第三部分」), else the best heading match."""
    nodes = view.outline.nodes
    ordinal = analysis.constraints.ordinal
    if analysis.constraints.top_level and ordinal:
        return as_part(nodes[ordinal - 1 if ordinal > 0 else -1]) if abs(ordinal) <= len(nodes) else None
    count = stated_count(analysis.text)
    candidates = [root_part(view)] + [part for _, node in view.outline.walk() for part in parts_of(node)]
    if want_children:
        candidates = [part for part in candidates if len(part.children) >= 2]
    scored = [(part_score(analysis, view, part, idf, count), not part.is_root, -i, part)
              for i, part in enumerate(candidates)]
    ranked = sorted(scored, key=lambda item: item[:3], reverse=True)
    if not ranked:
        return None
    best, runner_up = ranked[0][0], (ranked[1][0] if len(ranked) > 1 else 0.0)
    clear = best >= CLEAR_MATCH and best >= CLEAR_MARGIN * runner_up  # the speech's only list, or far ahead
    return ranked[0][3] if best >= MIN_HEADING_MATCH or clear else None


def part_score(analysis: QuestionAnalysis, view: SpeechView, part: Part, idf: Callable, count: int | None) -> float:
    """A part's match, with the bonus for the count the question states; the speech itself (whose
    opening mentions everything) counts for less unless the count names it."""
    counted = COUNT_BONUS * (len(part.children) == count)
    match = part_match(analysis, intro_text(view, part), idf, of_root=part.is_root)
    return (match if not part.is_root or counted else ROOT_FACTOR * match) + counted


def part_match(analysis: QuestionAnalysis, texts: tuple[str, str], idf: Callable, of_root: bool = False) -> float:
    """How well a part matches the question by its heading and intro; a quoted term it or several
    of its parts' headings hold (「六个“促招商”」) is a full match. The speech itself is named by
    the words naming the speech; a part of it is not."""
    own, parts = texts
    if any(term in own or sum(term in heading for heading in parts.split("\n")) >= 2 for term in analysis.quoted):
        return 1.0  # a quoted term one part's heading alone holds names that part, not its list
    return match_share(without_ordinals(analysis.focus if of_root else asked_of_parts(analysis)), own, idf)


def asked_of_parts(analysis: QuestionAnalysis) -> str:
    """What a part's heading must hold: the question without the words naming its speech, also
    when they only partly named it (「县委书记动员会上说的招商重点…」: the speech's title holds them)."""
    if analysis.scope.certain:
        return analysis.focus
    text = analysis.text
    for term in sorted(analysis.scope.terms, key=len, reverse=True):
        text = text.replace(term, " ")
    return text


def as_part(node) -> Part:
    return Part(node.heading_start, node.start, node.end, node.children, node=node)


def parts_of(node) -> list[Part]:
    """A node as a part, and, when its children hold several lists (一是…三是, then 一是…四是),
    each list as a part of its own."""
    runs = ordinal_runs(node.children)
    whole = as_part(node)
    if len(runs) < 2:
        return [whole]
    return [whole] + [Part(node.heading_start, node.start, node.end, run, node=node) for run in runs]


def ordinal_runs(children: tuple) -> list[tuple]:
    """Children split where their numbering starts again."""
    runs: list[list] = []
    for child in children:
        if not runs or child.ordinal <= runs[-1][-1].ordinal:
            runs.append([])
        runs[-1].append(child)
    return [tuple(run) for run in runs]


def root_name(view: SpeechView) -> str:
    """What names the speech itself: its title and meeting."""
    meta = view.record.meta
    return " ".join(filter(None, (meta.title, meta.meeting)))


def root_part(view: SpeechView) -> Part:
    first = view.outline.nodes[0].start if view.outline.nodes else 0
    return Part(0, 0, first, view.outline.nodes, is_root=True)


def intro_text(view: SpeechView, part: Part) -> tuple[str, str]:
    """What names a part: its heading, the sentence that introduces its parts (「作三点承诺：」,
    「从以下四个方面…」: the last one before the first part) and its parts' headings."""
    first_child = part.children[0].start if part.children else part.end
    heading = root_name(view) if part.is_root else text_between(view.chunks, part.heading_start, part.node.heading_end)
    before = text_between(view.chunks, max(part.heading_start, first_child - INTRO_CHARS), first_child)
    lead = split_sentences(before)[-1].text if before.strip() else ""
    return "\n".join([heading, lead]), "\n".join(child.heading for child in part.children)


def heading_quote(view: SpeechView, citations: list[Citation], node) -> str | None:
    """A heading, quoted with its sentence, or alone when the sentence runs on far past it."""
    found = view.sentences_from(node.heading_start, 1)
    if not found:
        return None
    evidence, sentence = found[0]
    if sentence.end > node.heading_end + HEADING_SLACK:
        sentence = Sentence(node.heading_start, node.heading_end, node.heading)
    marker = view.cite(citations, evidence, sentence)
    return f"{sentence.text}[{marker}]" if marker is not None else None


def sentences_holding(view: SpeechView, citations: list[Citation], part: Part, terms: tuple[str, ...]) -> list[str]:
    """The part's sentences that hold a quoted term, each cited (not those already quoted: its heading)."""
    lines = []
    quoted = {citation.quote_start for citation in citations}
    for evidence, sentence in view.sentences_from(part.heading_start, 10_000, part.end):
        if sentence.start in quoted or not any(term in sentence.text for term in terms):
            continue
        if marker := view.cite(citations, evidence, sentence):
            lines.append(f"{sentence.text}[{marker}]")
    return lines


def match_share(question: str, text: str, idf: Callable) -> float:
    """Share of the question's idf-weighted words that ``text`` holds (in its own words or in the
    policy words of their group: 「重点地区」 by 「重点区域」)."""
    words = content_words(question)
    weights = idf(words)
    total = sum(weights.values()) or 1.0
    held = set(tokenize(text)).union(*(tokenize(word) for word in held_aliases(question, text)))
    return sum(weight for word, weight in weights.items() if word in held) / total


@lru_cache(maxsize=4096)
def content_words(text: str) -> tuple[str, ...]:
    """The question's own words (jieba), without question words, stop words and single characters
    (cached: a question is matched against every heading of a speech)."""
    words = (word.strip() for word in segment(normalize(text)))
    return tuple(dict.fromkeys(w for w in words if len(w) >= 2 and w not in QUESTION_WORDS and w not in STOP_WORDS))


def quote_line(view: SpeechView, citations: list[Citation], offset: int, count: int, end: int | None = None,
               budget: int | None = None) -> str | None:
    """The sentences from ``offset`` on (up to ``count``, or ``budget`` characters), each with its [n] marker."""
    parts, used = [], 0
    for evidence, sentence in view.sentences_from(offset, count, end):
        if parts and budget is not None and used >= budget:
            break
        marker = view.cite(citations, evidence, sentence)
        if marker is not None:
            parts.append(f"{sentence.text}[{marker}]")
            used += len(sentence.text)
    return "".join(parts) or None


def label(view: SpeechView) -> str:
    meta = view.record.meta
    name = meta.title or (f"在{meta.meeting}上的讲话" if meta.meeting else meta.source)
    return f"《{name}》"


def where(view: SpeechView, part: Part) -> str:
    return label(view) if part.is_root else f"{label(view)}这一部分"

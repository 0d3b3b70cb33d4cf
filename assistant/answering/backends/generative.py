"""Generated answers: a Chinese prompt over numbered passages, then citation checks.

The chain is langchain's: ``ChatPromptTemplate | chat model``, streamed. The
model is asked for [n] markers and a fixed refusal phrase; what it returns is
checked by :func:`assistant.answering.citations.cite_generated` — markers pointing
nowhere are dropped, unmarked sentences are matched to passages, and an
answer no passage supports is turned into a refusal.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Callable, Iterator

from langchain_core.messages import AIMessageChunk
from langchain_core.prompts import ChatPromptTemplate

from assistant.answering.answerer import Draft
from assistant.answering.cross import speech_label
from assistant.retrieval.evidence import Evidence
from assistant.answering.citations import cite_generated
from assistant.conversation.rules import is_follow_up, last_user_question, rewrite_by_rules
from assistant.types import REFUSAL

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "你是政策讲话问答助手，只根据下面给出的讲话段落回答问题。\n"
    "要求：\n"
    "1. 尽量使用段落原文的说法，不要编造段落里没有的内容。\n"
    "2. 每句话后面用方括号标注所依据段落的编号，例如[1]或[2]。\n"
    "3. 段落中只要有与问题相关的内容，就据此回答，不要轻易拒绝。\n"
    f"4. 只有所有段落都完全没有提到问题所问的内容时，才只回答：{REFUSAL}\n"
    "5. 回答简洁，用中文。"
)
ANSWER_PROMPT = ChatPromptTemplate.from_messages([
    ("system", SYSTEM_PROMPT),
    ("human", "{outline}讲话段落：\n{passages}\n\n问题：{question}"),
])
REWRITE_PROMPT = ChatPromptTemplate.from_messages([
    ("system", "把用户最后的追问改写成一个完整、独立的问题，补全它省略的对象。只输出改写后的问题，不要回答。"),
    ("human", "上一个问题：{previous}\n追问：{question}"),
])
_REFUSAL_SIGNS = re.compile(r"资料中没有|没有找到相关|无法回答|段落(?:中)?(?:没有|未)(?:提到|提及|涉及)")


def format_passages(evidences: list[Evidence], budget: int) -> tuple[str, list[Evidence]]:
    """Numbered passages within a character budget (at least one)."""
    blocks, used, size = [], [], 0
    for evidence in evidences:
        speech = speech_label(evidence.record) if evidence.record is not None else evidence.passage.title
        header = " · ".join(part for part in (speech, evidence.passage.section) if part)
        block = f"[{evidence.n}] {header}\n{evidence.passage.text}"
        if used and size + len(block) > budget:
            break
        blocks.append(block)
        used.append(evidence)
        size += len(block)
    return "\n\n".join(blocks), used


def is_refusal(text: str) -> bool:
    return not text.strip() or bool(_REFUSAL_SIGNS.search(text[:60]))


# Which passages answer the question, best first; None when none does (the calibrated gate).
Focus = Callable[[str, list[Evidence]], list[int] | None]


def focus_first(evidences: list[Evidence], focus: list[int]) -> list[Evidence]:
    """The passages that hold the answer first, renumbered [1], [2]… in that order."""
    by_n = {e.n: e for e in evidences}
    first = [n for n in dict.fromkeys(focus) if n in by_n]
    chosen = set(first)
    ordered = [by_n[n] for n in first] + [e for e in evidences if e.n not in chosen]
    return [dataclasses.replace(e, n=number) for number, e in enumerate(ordered, start=1)]


class GenerativeAnswerer:
    """Answers with a chat model (local llama.cpp or an OpenAI-compatible endpoint).

    ``focus`` is the same calibrated relevance check the extractive backend uses:
    when it finds no passage that answers, the model is not asked (an honest
    refusal, at once); otherwise the passages it found go first, so a small
    model reads the answer within a short context.
    """

    def __init__(self, chat_model, name: str, context_chars: int, focus: Focus | None = None):
        self.chat_model = chat_model
        self.chain = ANSWER_PROMPT | chat_model
        self.name = name
        self.context_chars = context_chars
        self.focus = focus

    def warm_up(self) -> None:
        """Load a local model's weights now rather than at the first question."""
        load = getattr(self.chat_model, "load", None)
        if callable(load):
            load()

    def stream(self, question: str, evidences: list[Evidence], outline: str = "", scoped: bool = False) -> Iterator:
        """Text deltas, then the Draft — or None when the answer is a refusal or unsupported.

        ``outline``: the meant speech's outline, for questions about its parts."""
        if evidences and self.focus is not None:
            focus = self.focus(question, evidences)
            evidences = focus_first(evidences, focus) if focus else []
        if not evidences:
            yield None
            return
        passages, used = format_passages(evidences, self.context_chars)
        pieces = []
        framed = f"讲话提纲：\n{outline}\n\n" if outline else ""
        for chunk in self.chain.stream({"passages": passages, "question": question, "outline": framed}):
            delta = chunk.content if isinstance(chunk, AIMessageChunk) else str(chunk)
            if delta:
                pieces.append(delta)
                yield delta
        text = "".join(pieces).strip()
        if is_refusal(text):
            yield None
            return
        checked, citations = cite_generated(text, used)
        yield Draft(checked, tuple(citations)) if citations else None


def llm_rewriter(chat_model):
    """A rewriter that asks the model to complete follow-ups (rules as the fallback)."""
    chain = REWRITE_PROMPT | chat_model

    def rewrite(question: str, history: list[dict]) -> str:
        previous = last_user_question(history)
        if not previous or not is_follow_up(question):
            return question.strip()
        try:
            reply = chain.invoke({"previous": previous, "question": question}).content
        except Exception as error:  # a model failure must not lose the question
            log.warning("LLM rewrite failed (%s); using rules", error)
            return rewrite_by_rules(question, history)
        candidate = reply.strip().split("\n")[0].strip("“”\"' ")
        return candidate if 0 < len(candidate) <= 3 * len(previous) + 20 else rewrite_by_rules(question, history)

    return rewrite

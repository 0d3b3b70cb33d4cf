"""The Assistant core: cited answers, refusals, follow-ups, streaming — real Chroma, cheap embedder."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import factory
from assistant.types import REFUSAL, Answer
from tests.fakes import BigramEmbeddings
from vectorstore.errors import InputError

WUPI = ["硬着头皮", "厚着脸皮", "磨破嘴皮", "饿着肚皮", "踏破脚皮"]
SIQIAN = ["千言万语", "千里迢迢", "千方百计", "千辛万苦"]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.settings import load_settings

    settings = load_settings(index_dir=tmp_path_factory.mktemp("assistant") / "index", llm="extractive")
    return factory.build_assistant(settings, embeddings=BigramEmbeddings())


def fake_llm(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=reply) for reply in replies]))


def test_default_corpus_is_indexed_on_first_use(assistant):
    assert len(assistant.speeches()) == 9


def test_list_answer_keeps_the_enumeration_whole_and_cites_verbatim(assistant):
    answer = assistant.ask("什么是“四千精神”？", history=[])
    assert answer.grounded and answer.backend == "extractive"
    assert all(term in answer.text for term in SIQIAN)
    assert "[1]" in answer.text and answer.citations[0].source == "000_00b9841ddb1ffabe.txt"
    for citation in answer.citations:
        assert citation.text[citation.quote_start - citation.start:citation.quote_end - citation.start] == citation.quote
        assert f"[{citation.n}]" in answer.text


def test_unanswerable_question_is_refused_with_related_reading(assistant):
    answer = assistant.ask("讲话中规定的新能源汽车购置补贴标准是多少？")
    assert not answer.grounded and answer.text == REFUSAL
    assert answer.citations == () and answer.related


def test_follow_up_is_rewritten_and_shown(assistant):
    history = [{"role": "user", "content": "什么是“四千精神”？"}, {"role": "assistant", "content": "…"}]
    answer = assistant.ask("那五皮精神呢？", history=history)
    assert answer.query == "什么是“五皮精神”？" and answer.rewritten
    assert all(term in answer.text for term in WUPI)


def test_stream_yields_text_then_the_answer(assistant):
    items = list(assistant.stream("“144520”招商引资机制是哪里探索形成的？"))
    assert isinstance(items[-1], Answer) and all(isinstance(i, str) for i in items[:-1])
    assert "".join(items[:-1]) == items[-1].text and "安康" in items[-1].text


def test_search_and_empty_question(assistant):
    hits = assistant.search("五皮精神", k=3, mode="keyword")
    assert hits[0].source == "000_00b9841ddb1ffabe.txt"
    with pytest.raises(InputError):
        assistant.ask("   ")


def test_markdown_export_holds_quotes_and_sources(assistant):
    markdown = assistant.ask("什么是“四千精神”？").to_markdown()
    assert "千言万语" in markdown and "000_00b9841ddb1ffabe.txt" in markdown and "> " in markdown


# -- generative backend with a scripted chat model -------------------------------
def generative(assistant, *replies):
    from assistant.core import Assistant
    from assistant.answering.backends.generative import GenerativeAnswerer

    llm = fake_llm(*replies)
    return Assistant(assistant.settings, assistant.index, assistant.searcher, assistant.retriever,
                     GenerativeAnswerer(llm, "openai", 2400), assistant.rewriter)


def test_generated_markers_are_checked_and_renumbered(assistant):
    reply = "四千精神是指“千言万语、千里迢迢、千方百计、千辛万苦”[1]。这是招商的重要精神[9]。"
    answer = generative(assistant, reply).ask("什么是“四千精神”？")
    assert answer.grounded and answer.backend == "openai"
    assert "[9]" not in answer.text and "[1]" in answer.text
    assert answer.citations[0].source == "000_00b9841ddb1ffabe.txt"


def test_generated_answer_without_markers_gets_citations_by_matching(assistant):
    reply = "要发扬“硬着头皮、厚着脸皮、磨破嘴皮、饿着肚皮、踏破脚皮”的“五皮精神”。"
    answer = generative(assistant, reply).ask("什么是五皮精神？")
    assert answer.grounded and answer.citations and "[1]" in answer.text
    assert "硬着头皮" in answer.citations[0].quote


def test_generated_refusal_and_unsupported_answers_become_refusals(assistant):
    refused = generative(assistant, REFUSAL).ask("讲话中规定的新能源汽车购置补贴标准是多少？")
    assert not refused.grounded and refused.related
    invented = generative(assistant, "补贴标准为每辆车三万元。").ask("讲话中规定的新能源汽车购置补贴标准是多少？")
    assert not invented.grounded and invented.text == REFUSAL


# -- the calibrated gate in front of a generator -------------------------------------
class RecordingLLM(GenericFakeChatModel):
    """A scripted chat model that keeps the prompts it was given."""

    prompts: list = []

    def _generate(self, messages, *args, **kwargs):
        self.prompts.append(messages[-1].content)
        return super()._generate(messages, *args, **kwargs)

    def _stream(self, messages, *args, **kwargs):
        self.prompts.append(messages[-1].content)
        return super()._stream(messages, *args, **kwargs)


def gated(assistant, *replies):
    from assistant.core import Assistant

    llm = RecordingLLM(messages=iter([AIMessage(content=reply) for reply in replies]), prompts=[])
    answerer = factory.build_answerer(assistant.settings, assistant.index, chat_model=llm)
    return Assistant(assistant.settings, assistant.index, assistant.searcher, assistant.retriever,
                     answerer, assistant.rewriter), llm


def test_generator_is_not_asked_when_nothing_relevant_is_retrieved(assistant):
    gated_assistant, llm = gated(assistant, "补贴标准为每辆车三万元[1]。")
    answer = gated_assistant.ask("讲话中规定的新能源汽车购置补贴标准是多少？")
    assert not answer.grounded and answer.text == REFUSAL and llm.prompts == []


def test_generator_reads_the_answering_passage_first(assistant):
    gated_assistant, llm = gated(assistant, "要发扬“五皮精神”[1]。")
    answer = gated_assistant.ask("什么是五皮精神？")
    first_passage = llm.prompts[0].split("\n\n[2]")[0]
    assert first_passage.startswith("讲话段落：\n[1]") and "硬着头皮" in first_passage
    assert answer.grounded and answer.citations[0].source == "000_00b9841ddb1ffabe.txt"


def test_generator_reads_each_passage_under_its_speech_header(assistant):
    gated_assistant, llm = gated(assistant, "要发扬“五皮精神”[1]。")
    gated_assistant.ask("什么是五皮精神？")
    first = llm.prompts[0].split("\n", 2)[1]
    assert first.startswith("[1] 《县委书记在招商引资工作动员会上的讲话》（县委书记）")


def test_a_generator_asked_about_parts_gets_the_outline(assistant):
    from assistant.answering.structured import StructuredAnswers
    from assistant.understanding import Intent

    structured = StructuredAnswers(assistant.index, assistant.index.keyword.idf)
    analysis = assistant.understanding.analyse("县委书记在招商引资工作动员会上的讲话主要讲了哪几个方面？")
    assert analysis.intent is Intent.SUMMARY
    outline = structured.outline_for(analysis, [])
    assert outline.splitlines()[0].startswith("一、认清形势") and "  （一）招商重点要精准" in outline

"""Follow-up rules, sentence offsets, citation checks and the evaluation metrics, in isolation."""

from __future__ import annotations

import pytest

from assistant.retrieval.evidence import Evidence
from assistant.answering.citations import cite_generated, make_citation
from assistant.evaluation.metrics import Evidence as Gold, Question, below_thresholds, supports, term_coverage
from assistant.conversation.rules import is_follow_up, rewrite_by_rules
from assistant.understanding.question import quoted_terms
from vectorstore.text.sentences import Sentence, overlap, split_sentences
from vectorstore.speech.types import Passage

SPEECH = "开场白。\n一、要发扬“四千精神”。千言万语、千里迢迢、千方百计、千辛万苦！\n二、其他内容；再说一句"


def history(question: str) -> list[dict]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": "……"}]


@pytest.mark.parametrize("question,previous,expected", [
    ("那五皮精神呢？", "什么是“四千精神”？", "什么是“五皮精神”？"),
    ("资金到位率呢？", "安阳一季度签约项目开工率是多少？", "安阳一季度签约项目资金到位率是多少？"),
    ("那株洲呢？", "安阳市的招商重点是什么？", "株洲市的招商重点是什么？"),
    ("它是谁提出的？", "什么是“四千精神”？", "“四千精神”是谁提出的？"),
    ("招商的重点区域有哪些？", "什么是“四千精神”？", "招商的重点区域有哪些？"),
])
def test_follow_ups_become_standalone(question, previous, expected):
    assert rewrite_by_rules(question, history(previous)) == expected


def test_without_history_nothing_is_rewritten():
    assert rewrite_by_rules("那五皮精神呢？", []) == "那五皮精神呢？"
    assert not is_follow_up("对招商引资项目要实行什么样的退出机制？")


def test_sentences_carry_exact_offsets():
    sentences = split_sentences(SPEECH[5:], offset=5)
    assert [SPEECH[s.start:s.end] for s in sentences] == [s.text for s in sentences]
    assert sentences[1].text == "千言万语、千里迢迢、千方百计、千辛万苦！"


def test_quoted_terms():
    assert quoted_terms("什么是“四千精神”？") == ["四千精神"]
    assert quoted_terms("“144520”招商引资机制是哪里探索形成的？") == ["144520"]
    assert quoted_terms("安阳市2024年的地区生产总值是多少？") == []


def evidence(n: int = 1) -> Evidence:
    start = SPEECH.index("一、")
    end = SPEECH.index("\n二、")
    passage = Passage(chunk_id="s:0001", speech_id="s", source="s.txt", title="测试讲话", section="一、",
                      start=start, end=end, text=SPEECH[start:end], score=0.5)
    return Evidence(n, passage, None)


def test_citation_is_refused_for_a_quote_that_is_not_verbatim():
    good = Sentence(SPEECH.index("千言"), SPEECH.index("！") + 1, "千言万语、千里迢迢、千方百计、千辛万苦！")
    assert make_citation(1, evidence(), good).quote == good.text
    shifted = Sentence(good.start + 1, good.end + 1, good.text)
    assert make_citation(1, evidence(), shifted) is None
    outside = Sentence(0, 4, "开场白。")
    assert make_citation(1, evidence(), outside) is None


def test_generated_markers_are_checked():
    text, citations = cite_generated("四千精神是千言万语、千里迢迢、千方百计、千辛万苦[3]。", [evidence()])
    assert citations and text.endswith("[1]") and "[3]" not in text
    text, citations = cite_generated("今年要大力发展新能源汽车产业。", [evidence()])
    assert citations == [] and "[" not in text
    text, citations = cite_generated("[1]", [evidence()])
    assert citations == [] and text == ""


def test_overlap_is_directional():
    assert overlap("千言万语", "要发扬千言万语的精神") == 1.0
    assert overlap("新能源汽车", "千言万语") == 0.0


def test_metrics_definitions():
    gold = Gold("002_x.txt", "招大商、大招商")
    assert supports("002_x.txt#1", "牢固树立“招大商,大招商”", Gold("002_x.txt", "招大商，大招商"))
    assert not supports("001_x.txt", "招大商、大招商", gold)
    assert term_coverage("京津冀和长三角", ["京津冀", "长三角", "珠三角"]) == pytest.approx(2 / 3)
    assert below_thresholds({"hit@5": 0.9, "mrr@10": 0.95}, {"hit@5": 0.97, "mrr@10": None}) == ["hit@5 0.900 < 0.970"]
    assert Question("x", "q", "fact", True).answerable

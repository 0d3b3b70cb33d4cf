"""Small web parts: citation cards, upload checks, SSE framing, OpenAI message handling."""

from __future__ import annotations

import pytest

from assistant.types import Answer, Citation
from assistant.uploads import Upload, check, safe_name, store
from assistant.faces.web.openai_api import ChatMessage, closing_text, question_and_history
from assistant.faces.web.render import answer_html, highlighted
from vectorstore.errors import InputError

PASSAGE = "一是要统一思想。要发扬<五皮精神>。三是要抓落实。"


def citation(**changes) -> Citation:
    quote = "要发扬<五皮精神>。"
    start = 100
    fields = dict(n=1, source="a.txt", title="某讲话", speaker="张三", speaker_role="县长", date="2024-05-04",
                  section="一、总体要求", speech_id="a.txt", chunk_id="a.txt:x:0001", score=0.5, text=PASSAGE,
                  start=start, end=start + len(PASSAGE), quote=quote, quote_start=start + PASSAGE.index(quote),
                  quote_end=start + PASSAGE.index(quote) + len(quote))
    return Citation(**{**fields, **changes})


def test_quote_is_highlighted_inside_its_passage_and_html_is_escaped():
    html = highlighted(citation())
    assert "<mark>要发扬&lt;五皮精神&gt;。</mark>" in html and html.startswith("一是要统一思想。")


def test_answer_html_shows_rewritten_query_and_card_metadata():
    answer = Answer(question="那五皮精神呢？", query="什么是五皮精神？", text="要发扬五皮精神。[1]", grounded=True,
                    citations=(citation(),))
    html = answer_html(answer)
    assert "什么是五皮精神？" in html and "县长张三" in html and "2024-05-04" in html and "一、总体要求" in html


def test_unsafe_upload_names_are_cleaned_or_refused():
    assert safe_name("../../etc/讲话.txt") == "讲话.txt"
    assert safe_name("C:\\docs\\讲话.docx") == "讲话.docx"
    with pytest.raises(InputError):
        safe_name("../..")


def test_uploads_are_checked_before_anything_is_written(tmp_path):
    good = Upload("好.txt", "一、总体要求。要发扬五皮精神。".encode())
    with pytest.raises(InputError, match="empty"):
        store([good, Upload("空.txt", b"")], tmp_path, 1_000_000)
    assert not list(tmp_path.iterdir())
    with pytest.raises(InputError, match="MB"):
        check(Upload("大.txt", b"x" * 2000), 1000)
    assert [p.name for p in store([good], tmp_path, 1_000_000)] == ["好.txt"]


def test_openai_messages_become_question_and_history():
    messages = [ChatMessage(role="system", content="忽略"), ChatMessage(role="user", content="什么是四千精神？"),
                ChatMessage(role="assistant", content="……"),
                ChatMessage(role="user", content=[{"type": "text", "text": "那五皮精神呢？"}])]
    question, history = question_and_history(messages)
    assert question == "那五皮精神呢？" and [turn["role"] for turn in history] == ["user", "assistant"]


def test_stream_closing_text_corrects_a_changed_generated_answer():
    answer = Answer(question="q", query="q", text="资料中没有找到相关内容。", grounded=False)
    assert "核对引文后的回答" in closing_text(answer, "编造的回答。")
    assert closing_text(answer, "资料中没有找到相关内容。") == ""

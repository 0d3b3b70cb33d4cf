"""The reading view: every citation opens its speech with exactly its quote marked; the same text
over HTTP, on the CLI and in the exported Markdown (the default corpus, a real index)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from assistant.faces.cli import shown
from assistant.faces.web.reading import reading_html
from tests.fakes import app_with
from tests.servers import LOCAL

QUESTIONS = ["什么是“四千精神”？", "株洲那篇讲话分了哪几个部分？", "县委书记在招商引资工作动员会上讲话的第二部分包括哪几点？",
             "全市项目工作推进会提出了哪“7个抓”？", "开放招商大会上，对意向项目要建立什么制度？", "星沙经开区第一个企业是什么企业？"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_with(tmp_path_factory.mktemp("reading"))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def citations(client):
    found = []
    for question in QUESTIONS:
        found += client.post("/api/ask", json={"question": question}).json()["citations"]
    assert len(found) >= 10
    return found


def marked_text(html: str) -> str:
    return "".join(unescape(piece) for piece in re.findall(r"<mark[^>]*>(.*?)</mark>", html, re.S))


def test_every_citation_opens_its_speech_with_exactly_its_quote_marked(client, citations):
    for c in citations:
        view = client.get(f"/api/speeches/{c['speech_id'].replace('#', '%23')}/text",
                          params={"at": f"{c['quote_start']}-{c['quote_end']}"}).json()
        assert view["text"][c["quote_start"]:c["quote_end"]] == c["quote"]
        page = client.get("/read", params={"speech": c["speech_id"], "at": f"{c['quote_start']}-{c['quote_end']}"})
        assert page.status_code == 200 and marked_text(page.text) == c["quote"] and 'id=quote' in page.text


def test_the_text_holds_every_passage_at_its_offsets(client, citations):
    for c in citations:
        text = client.get(f"/api/speeches/{c['speech_id'].replace('#', '%23')}/text").json()["text"]
        assert text[c["start"]:c["end"]] == c["text"]


def test_the_answer_links_each_card_to_its_reading_view(client):
    from assistant.faces.web.render import answer_html
    from assistant.types import Answer

    answer = Answer.model_validate(client.post("/api/ask", json={"question": "什么是“四千精神”？"}).json())
    html = answer_html(answer)
    assert html.count("查看原文") == len(answer.citations) and "/read?speech=" in html
    assert all(c.reading_link in answer.to_markdown() for c in answer.citations)


def test_the_view_steps_through_the_answers_other_quotes(client, citations):
    c = next(c for c in citations if sum(d["speech_id"] == c["speech_id"] for d in citations) >= 2)
    others = [f"{d['quote_start']}-{d['quote_end']}" for d in citations if d["speech_id"] == c["speech_id"]]
    page = client.get("/read", params={"speech": c["speech_id"], "at": f"{c['quote_start']}-{c['quote_end']}",
                                       "also": ",".join(others)})
    assert "上一处引文" in page.text or "下一处引文" in page.text


@pytest.mark.parametrize("path, status", [
    ("/api/speeches/no-such.txt/text", 404), ("/api/speeches/000_00b9841ddb1ffabe.txt/text?at=9-3", 400),
    ("/api/speeches/000_00b9841ddb1ffabe.txt/text?at=0-99999999", 400), ("/read?speech=../../etc/passwd", 404),
    ("/read?speech=000_00b9841ddb1ffabe.txt&at=x", 400),
])
def test_bad_ids_and_spans_get_a_one_line_error(client, path, status):
    response = client.get(path)
    assert response.status_code == status and response.json()["error"]["message"]


def test_the_cli_marks_the_span_in_its_section(client, citations):
    from assistant.types import SpeechText

    c = citations[0]
    view = SpeechText.model_validate(client.get(f"/api/speeches/{c['speech_id'].replace('#', '%23')}/text",
                                                params={"at": f"{c['quote_start']}-{c['quote_end']}"}).json())
    text = shown(view)
    assert f"【{c['quote']}】" in text and f"第 {c['quote_start']}–{c['quote_end']} 字" in text


def test_headings_link_from_the_table_of_contents(client):
    from assistant.types import SpeechText

    view = SpeechText.model_validate(client.get("/api/speeches/004_30715ac9391e336e.txt%234/text").json())
    html = reading_html(view)
    for anchor in re.findall(r'href="#(at\d+)"', html)[:5]:
        assert f'id="{anchor}"' in html


def two_page_pdf(first: list[str], second: list[str]) -> bytes:
    from tests.readers_support import cjk_pdf, make_pdf

    one = cjk_pdf(first)
    font = [one.split(b"%d 0 obj\n" % n)[1].split(b"\nendobj")[0] for n in (5, 6, 7)]
    show = lambda lines: b"BT /F1 12 Tf 72 720 Td " + b" 0 -20 Td ".join(
        b"<%s> Tj" % line.encode("utf-16-be").hex().encode() for line in lines) + b" ET"
    return make_pdf([show(first), show(second)], font)


def test_a_pdf_passage_carries_its_page_in_search_and_in_the_view(tmp_path):
    from assistant import factory
    from assistant.settings import load_settings
    from assistant.uploads import Upload
    from tests.fakes import BigramEmbeddings

    pdf = two_page_pdf(["在全县防汛工作会议上的讲话", "同志们：", "今年汛期来得早，各地要提前做好准备。"],
                       ["二、落实责任。", "各乡镇要落实水库巡查责任人，汛期实行二十四小时值班。"])
    settings = load_settings(index_dir=tmp_path / "index", data_dir=tmp_path / "none")
    built = factory.build_assistant(settings, embeddings=BigramEmbeddings())
    built.add_files([Upload("防汛.pdf", pdf)])
    passage = next(p for p in built.search("二十四小时值班") if "值班" in p.text)
    assert 2 in passage.pages and passage.to_dict()["pages"] == list(passage.pages)
    start = passage.text.index("二十四小时值班") + passage.start
    view = built.speech_text(passage.speech_id, (start, start + 7))
    assert view.page_of(start) == 2 and "第 2 页" in reading_html(view) and "第 2 页" in shown(view)


def test_a_pdf_page_is_shown_with_the_quote_marked_where_it_stands(tmp_path):
    """The truth is known: the test's PDF sets 12-point CJK glyphs from x=72, lines 20 points apart from y=720."""
    from assistant import factory
    from assistant.settings import load_settings
    from assistant.uploads import Upload
    from tests.fakes import BigramEmbeddings

    second = ["二、落实责任。", "各乡镇要落实水库巡查责任人，汛期实行二十四小时值班。"]
    pdf = two_page_pdf(["在全县防汛工作会议上的讲话", "同志们：", "今年汛期来得早，各地要提前做好准备。"], second)
    settings = load_settings(index_dir=tmp_path / "index", data_dir=tmp_path / "none")
    built = factory.build_assistant(settings, embeddings=BigramEmbeddings())
    built.add_files([Upload("防汛.pdf", pdf)])
    speech_id = built.speeches()[0].id
    text = built.speech_text(speech_id).text
    start = text.index("汛期实行二十四小时值班")
    image = built.page_image(speech_id, 2, (start, start + 11))
    assert image.png.startswith(b"\x89PNG") and len(image.boxes) == 1
    scale = 150 / 72
    column = second[1].index("汛期")
    ascent, descent = 0.88 * 12, 0.12 * 12  # the font's /Ascent 880 and /Descent -120
    truth = ((72 + 12 * column) * scale, (842 - 700 - ascent) * scale, (72 + 12 * (column + 11)) * scale,
             (842 - 700 + descent) * scale)
    assert overlap(image.boxes[0], truth) >= 0.9, (image.boxes, truth)
    with pytest.raises(Exception, match="pages 1–2"):
        built.page_image(speech_id, 3)


def overlap(box, truth) -> float:
    """Share of the true region the marked box covers (horizontally × the glyph band vertically)."""
    width = max(0.0, min(box[2], truth[2]) - max(box[0], truth[0])) / (truth[2] - truth[0])
    height = max(0.0, min(box[3], truth[3]) - max(box[1], truth[1])) / (truth[3] - truth[1])
    return width * height


def test_the_page_route_sends_a_png_and_refuses_a_file_without_pages(client):
    response = client.get("/api/speeches/000_00b9841ddb1ffabe.txt/pages/1")
    assert response.status_code == 400 and "not a PDF" in response.json()["error"]["message"]


def test_a_scanned_page_is_shown_with_the_quote_marked_from_its_ocr_lines(tmp_path):
    """A seed rendered into a scanned PDF (no text layer): the quote is found in the lines OCR reads."""
    from tests.ocr_support import require_ocr_tools, scanned_pdf
    from vectorstore.readers.engines import _rapidocr_installed

    require_ocr_tools()
    if not _rapidocr_installed():
        pytest.skip("RapidOCR is not installed (pip install -e '.[ocr]')")
    from assistant import factory
    from assistant.settings import load_settings
    from assistant.uploads import Upload
    from tests.fakes import BigramEmbeddings

    settings = load_settings(index_dir=tmp_path / "index", data_dir=tmp_path / "none")
    built = factory.build_assistant(settings, embeddings=BigramEmbeddings())
    built.add_files([Upload("扫描件.pdf", scanned_pdf(2, dpi=150))])
    speech_id = built.speeches()[0].id
    view = built.speech_text(speech_id)
    page, start = view.pages[1]
    line_start, line_end = next((a, b) for a, b in view.paragraphs if a >= start + 5 and b - a > 30)
    image = built.page_image(speech_id, page, (line_start + 2, line_start + 20))
    assert image.boxes, "the quote was not found in the page's OCR lines"
    width, height = image.size
    assert all(0 <= left < right <= width and 0 <= top < bottom <= height for left, top, right, bottom in image.boxes)

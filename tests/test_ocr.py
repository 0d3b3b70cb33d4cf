"""Scans: OCR of PDF pages and images (tesseract chi_sim), pages carried to citations, limits and missing tools.

The parts that need no OCR (TSV to paragraphs, page joins and offsets, limits,
bombs, missing tools, rendering of 「第 N 页」) always run; reading real scans
needs tesseract, pdftoppm and a CJK font (tests/ocr_support.py).
"""

from __future__ import annotations

import difflib
import time

import pytest

from bench.ocr import cer, squeezed
from tests.ocr_support import png, png_header, require_ocr_tools, scanned_pdf, seed_pages, tiff
from tests.readers_support import input_error, make_pdf, write
from vectorstore.readers import ReadLimits, check_file, load_file
from vectorstore.readers.ocr import Line, paragraphs, parse_tsv, tidy
from vectorstore.readers.pages import join_pages
from vectorstore.readers.scan import rescale


def tsv_row(block: int, line: int, word: int, left: int, width: int, text: str, height: int = 40) -> str:
    return "\t".join(map(str, (5, 1, block, 1, line, word, left, 100 * line, width, height, 90, text)))


# ------------------------------------------------------------- TSV → paragraphs
def test_tsv_lines_become_paragraphs():
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
            tsv_row(1, 1, 1, 180, 400, "同志们："),  # indented, short: a paragraph of its own
            tsv_row(1, 2, 1, 180, 900, "今天召开全县"), tsv_row(1, 2, 2, 1080, 920, "大会，主要"),
            tsv_row(1, 3, 1, 100, 1900, "任务是 GDP"), tsv_row(1, 3, 2, 2005, 0, ""),
            tsv_row(1, 4, 1, 100, 600, "增长5%。"),  # ends short: the paragraph ends
            tsv_row(1, 5, 1, 180, 1800, "一、认清形势"), tsv_row(2, 6, 1, 100, 1900, "新的一块")]
    lines = parse_tsv("\n".join(rows))
    assert [line.text for line in lines] == ["同志们：", "今天召开全县大会，主要", "任务是 GDP", "增长5%。", "一、认清形势",
                                             "新的一块"]
    assert paragraphs(lines) == ["同志们：", "今天召开全县大会，主要任务是 GDP增长5%。", "一、认清形势", "新的一块"]


def test_paragraphs_of_nothing_and_ascii_joins():
    assert paragraphs([]) == []
    lines = [Line(1, 100, 2000, 40, "Report on the"), Line(1, 100, 900, 40, "work")]
    assert paragraphs(lines) == ["Report on the work"]


def test_tidy_spaces_and_punctuation_next_to_chinese():
    assert tidy("招商 引资 , 项目:落地 (一) 2.5 亿元; GDP 5%") == "招商引资，项目：落地（一）2.5亿元；GDP 5%"
    assert tidy("服务机制|，又要 | 健全") == "服务机制，又要健全"


def test_rescale_to_what_the_model_reads_best():
    assert rescale(None) == 1.0 and rescale(40) == 1.0 and rescale(30) == 1.0
    assert rescale(80) == pytest.approx(0.5) and rescale(20) == pytest.approx(2.0) and rescale(2) == 4.0


# --------------------------------------------------------------------- pages
def test_join_pages_runs_on_and_drops_page_numbers():
    text, starts = join_pages(["标题\n正文一二三，继续\n- 1 -", "写下去。\n第2页", "二、第二部分", "", "Page 5"])
    assert text == "标题\n正文一二三，继续写下去。\n二、第二部分\nPage 5"
    assert starts == (0, 11, 16, 22, 23)
    assert text[starts[1]:].startswith("写下去") and text[starts[2]:].startswith("二、")


def test_page_starts_survive_cleaning_and_splitting():
    from vectorstore.speech.records import SpeechRecord, record_from_metadata, record_metadata
    from vectorstore.speech.speeches import speeches_from_document
    from vectorstore.speech.types import RawDocument

    pages = ["本文系网友投稿\n汇编\n第一篇：在会上的讲话\n同志们：今天 召开会议，部署招商引资" + "一" * 60,
             "工作。要 抓 项目落地。" + "二" * 60 + "\n第二篇：在另一会上的讲话\n同志们：项目为王。" + "三" * 60,
             "要优化营商环境。" + "四" * 60]
    text, starts = join_pages(pages)
    speeches = speeches_from_document(RawDocument(source="a.pdf", text=text, page_starts=starts))
    assert [s.id for s in speeches] == ["a.pdf#1", "a.pdf#2"]
    first, second = speeches
    at = first.text.index("工作。要抓项目落地")
    assert "\n" not in first.text[at - 5:at + 5]  # the sentence runs on over the page break
    assert first.meta.pages == ((1, 0), (2, at)) and first.meta.pages_of(at, at + 3) == (2,)
    assert first.meta.pages_of(0, at + 3) == (1, 2)
    assert second.meta.pages[0] == (2, 0) and second.meta.pages_of(second.text.index("要优化"), len(second.text)) == (3,)
    record = SpeechRecord(id=second.id, file="a.pdf", path="/a.pdf", hash="h", text_hash="t", chunk_count=1,
                          meta=second.meta)
    assert record_from_metadata(second.id, record_metadata(record)).meta == second.meta


def test_files_without_pages_keep_their_content_hash():
    from vectorstore.speech.model import SpeechMeta

    assert "pages" not in SpeechMeta(title="t").to_dict()
    assert SpeechMeta(pages=((1, 0), (2, 9))).pages_of(3, 12) == (1, 2) and SpeechMeta().pages_of(0, 5) == ()


# --------------------------------------------------------- limits and bombs
def test_page_limit(tmp_path):
    pdf = make_pdf([b"BT /F1 12 Tf 72 720 Td (one) Tj ET", b"BT /F1 12 Tf 72 720 Td (two) Tj ET"])
    path = write(tmp_path, "long.pdf", pdf)
    message = input_error(path, limits=ReadLimits(max_pages=1))
    assert message == "the PDF has 2 pages, over the 1 page limit (POLICYQA_MAX_PAGES); split it"
    with pytest.raises(Exception, match="POLICYQA_MAX_PAGES"):
        check_file(path, ReadLimits(max_pages=1))


def test_image_bomb_is_refused_from_its_header(tmp_path):
    path = write(tmp_path, "bomb.png", png_header(100_000, 100_000))
    assert path.stat().st_size < 100
    started = time.perf_counter()
    assert "pixel limit" in input_error(path)
    with pytest.raises(Exception, match="pixel limit"):
        check_file(path)
    assert time.perf_counter() - started < 2


def test_not_an_image(tmp_path):
    assert "cannot read the image" in input_error(write(tmp_path, "x.jpg", b"\xff\xd8\xff not really a jpeg"))


# ------------------------------------------------------------- missing tools
def test_missing_tesseract_names_the_packages(tmp_path, monkeypatch):
    from vectorstore.readers import tools

    monkeypatch.setattr(tools, "find", lambda tool: None)
    message = input_error(write(tmp_path, "page.png", png_header(800, 1000)), limits=ReadLimits(ocr_engine="tesseract"))
    assert message == ("an image needs OCR, but tesseract is not installed; install the Debian packages "
                       "tesseract-ocr tesseract-ocr-chi-sim (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")


def test_missing_rapidocr_names_the_package(tmp_path, monkeypatch):
    from vectorstore.readers import engines

    monkeypatch.setattr(engines, "_rapidocr_installed", lambda: False)
    message = input_error(write(tmp_path, "page.png", png_header(800, 1000)), limits=ReadLimits(ocr_engine="rapidocr"))
    assert "pip install rapidocr-onnxruntime" in message and "POLICYQA_OCR_ENGINE=tesseract" in message


def test_auto_reads_with_tesseract_when_rapidocr_is_not_installed(monkeypatch):
    from vectorstore.readers import engines, tools

    monkeypatch.setattr(engines, "_rapidocr_installed", lambda: False)
    monkeypatch.setattr(tools, "find", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(tools, "languages", lambda tesseract: frozenset({"chi_sim"}))
    assert engines.ocr_engine("auto").name == "tesseract"


def test_missing_chinese_data_names_the_package(tmp_path, monkeypatch):
    from vectorstore.readers import tools

    monkeypatch.setattr(tools, "find", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(tools, "languages", lambda tesseract: frozenset({"eng", "osd"}))
    message = input_error(write(tmp_path, "page.png", png_header(800, 1000)), limits=ReadLimits(ocr_engine="tesseract"))
    assert "chi_sim" in message and "apt-get install tesseract-ocr-chi-sim" in message


def test_ingest_reports_the_missing_tool_and_goes_on(ingestor, tmp_path, monkeypatch):
    from vectorstore.readers import engines, tools

    monkeypatch.setattr(tools, "find", lambda tool: None)
    monkeypatch.setattr(engines, "_rapidocr_installed", lambda: False)
    write(tmp_path / "in", "scan.png", png_header(800, 1000))
    write(tmp_path / "in", "a.txt", "同志们：今天召开全县招商引资工作会议，部署全年的招商引资工作。" * 3)
    report = ingestor.ingest([tmp_path / "in"], progress=False)
    assert report.added == ["a.txt"]
    assert [(name.rsplit("/", 1)[-1], "tesseract-ocr-chi-sim" in why) for name, why in report.skipped] == [("scan.png", True)]


# --------------------------------------------------------- 「第 N 页」 shown
def citation(**changes):
    from assistant.types import Citation

    fields = dict(n=1, source="scan.pdf", title="讲话", speech_id="scan.pdf", chunk_id="c", score=1.0, text="甲乙丙。",
                  start=0, end=4, quote="甲乙丙。", quote_start=0, quote_end=4)
    return Citation(**{**fields, **changes})


def test_page_in_citation_card_and_markdown():
    from assistant.types import Answer
    from assistant.faces.web.render import citation_card

    cited = citation(pages=(2,))
    assert cited.page_label == "第 2 页" and citation(pages=(2, 3)).page_label == "第 2–3 页"
    assert "scan.pdf · 第 2 页 · 第 0–4 字" in citation_card(cited)
    answer = Answer(question="问", query="问", text="甲乙丙[1]", grounded=True, citations=(cited,))
    assert "[1] 讲话，第 2 页（scan.pdf）" in answer.to_markdown()
    assert "页" not in citation_card(citation()) .replace("第 0–4 字", "")


# ------------------------------------------------------------ real OCR (tools)
@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    require_ocr_tools()
    folder = tmp_path_factory.mktemp("scans")
    (folder / "scan.pdf").write_bytes(scanned_pdf(2))
    (folder / "page.png").write_bytes(png(1))
    return folder


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, squeezed(a), squeezed(b), autojunk=False).ratio()


def test_scanned_pdf_is_read_page_by_page(scans):
    (doc,) = load_file(scans / "scan.pdf")
    reference = [text for _, text in seed_pages(2)]
    assert cer("".join(reference), doc.text) < 0.03
    assert len(doc.page_starts) == 2 and doc.page_starts[0] == 0
    assert similar(doc.text[doc.page_starts[1]:], reference[1]) > 0.95


def test_png_and_multi_frame_tiff(scans, tmp_path):
    (doc,) = load_file(scans / "page.png")
    assert cer(seed_pages(2)[1][1], doc.text) < 0.03 and doc.page_starts == ()
    (frames,) = load_file(write(tmp_path, "two.tif", tiff(2)))
    assert len(frames.page_starts) == 2 and cer("".join(t for _, t in seed_pages(2)), frames.text) < 0.03


def test_time_limit_per_file(scans):
    started = time.perf_counter()
    message = input_error(scans / "scan.pdf", limits=ReadLimits(max_seconds=0.5))
    assert "POLICYQA_MAX_READ_SECONDS" in message and "pages done" in message
    assert time.perf_counter() - started < 10


def test_upload_check_does_not_ocr(scans):
    from assistant.uploads import Upload, check

    started = time.perf_counter()
    assert check(Upload("扫描件.pdf", (scans / "scan.pdf").read_bytes()), max_bytes=50 << 20) == "扫描件.pdf"
    assert check(Upload("照片.png", (scans / "page.png").read_bytes()), max_bytes=50 << 20) == "照片.png"
    assert time.perf_counter() - started < 2  # OCR of the two would take several seconds
    with pytest.raises(Exception, match="^炸弹.png: .*pixel limit"):
        check(Upload("炸弹.png", png_header(100_000, 100_000)), max_bytes=50 << 20)
    with pytest.raises(Exception, match="POLICYQA_MAX_PAGES"):
        check(Upload("长.pdf", (scans / "scan.pdf").read_bytes()), max_bytes=50 << 20, limits=ReadLimits(max_pages=1))


def test_scans_are_searched_and_cited_by_page(scans, settings, fake_embeddings):
    from assistant import factory
    from assistant.retrieval.evidence import Evidence
    from assistant.answering.citations import make_citation
    from vectorstore.text.sentences import split_sentences
    from assistant.faces.web.render import citation_card

    assistant = factory.build_assistant(settings.model_copy(update={"data_dir": scans}), embeddings=fake_embeddings)
    assert {info.id for info in assistant.speeches()} == {"scan.pdf", "page.png"}
    hits = [hit for hit in assistant.search("招引独角兽瞪羚企业", k=5) if hit.source == "scan.pdf"]
    assert hits and "瞪羚" in hits[0].text
    record = assistant.index.speeches()["scan.pdf"]
    quote = next(s for s in split_sentences(hits[0].text, hits[0].start) if "瞪羚" in s.text)
    cited = make_citation(1, Evidence(1, hits[0], record), quote)
    assert cited.pages == (2,) and "第 2 页" in citation_card(cited)
    assert assistant.index.speeches()["page.png"].meta.pages == ()


def test_rapidocr_boxes_on_one_printed_line_are_joined_left_to_right():
    from vectorstore.readers.engines import rows
    from vectorstore.readers.ocr import paragraphs

    def box(left, right, top, text, height=40):
        return ((top + top + height) / 2, height, left, right, top, text)

    found = rows([box(600, 700, 102, "工作会议。"), box(180, 580, 100, "今天召开全县招商"),  # one line, two boxes
                  box(100, 400, 160, "一、提高认识"), box(180, 1000, 220, "要把招商引资摆在"), box(100, 700, 280, "突出位置。")])
    assert [line.text for line in found] == ["今天召开全县招商工作会议。", "一、提高认识", "要把招商引资摆在", "突出位置。"]
    assert paragraphs(found) == ["今天召开全县招商工作会议。", "一、提高认识", "要把招商引资摆在突出位置。"]

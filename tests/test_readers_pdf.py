"""The PDF reader: the text layer page by page, broken and locked files (OCR'd pages: tests/test_ocr.py)."""

from __future__ import annotations

import io
import logging

import pytest

from tests.readers_support import cjk_pdf, input_error, load_one, make_pdf, write


# -------------------------------------------------------------------------- PDF
def test_pdf_text_layer_pages_joined(tmp_path):
    pdf = make_pdf([
        b"BT /F1 12 Tf 72 720 Td (Government work report) Tj 0 -20 Td (Second line) Tj ET",
        b"BT /F1 12 Tf 72 720 Td (Page two) Tj ET",
    ])
    doc = load_one(write(tmp_path, "report.pdf", pdf))
    assert doc.text == "Government work report\nSecond line\nPage two"
    assert doc.page_starts == (0, len("Government work report\nSecond line\n"))


def test_pdf_chinese_text_layer(tmp_path):
    lines = ["各位代表：", "现在，我代表国务院，向大会报告政府工作。"]
    doc = load_one(write(tmp_path, "zh.pdf", cjk_pdf(lines)))
    assert doc.text == "\n".join(lines)


def test_pdf_without_text_layer_and_without_ocr_tools(tmp_path, monkeypatch):
    from vectorstore.readers import tools

    monkeypatch.setattr(tools, "find", lambda tool: None)
    pdf = make_pdf([b"0 0 1 rg 72 72 400 600 re f", b"q 100 0 0 100 50 50 cm Q"])
    message = input_error(write(tmp_path, "scan.pdf", pdf))
    assert message == ("a PDF page without a text layer (a scan) needs pdftoppm, which is not installed; install "
                       "the Debian package poppler-utils (apt-get install poppler-utils)")


def test_pdf_with_some_pages_without_text_layer_and_no_ocr_tools(tmp_path, monkeypatch, caplog):
    from vectorstore.readers import tools

    monkeypatch.setattr(tools, "find", lambda tool: None)
    pdf = make_pdf([b"BT /F1 12 Tf 72 720 Td (Page one) Tj ET", b"0 0 1 rg 72 72 400 600 re f"])
    with caplog.at_level(logging.WARNING):
        doc = load_one(write(tmp_path, "mixed.pdf", pdf))
    assert doc.text == "Page one" and doc.page_starts == (0, 8)
    assert any("1 of 2 pages have no text layer" in record.getMessage() for record in caplog.records)


def test_pdf_blank_pages_from_pypdf(tmp_path):
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    assert "text layer" in input_error(write(tmp_path, "blank.pdf", buffer.getvalue()))


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage without xref\n", "cannot read the PDF"),
        (make_pdf([b"BT /F1 12 Tf (x) Tj ET"])[:150], "cannot read the PDF"),
        (b"<html>not a pdf</html>", "not a PDF file"),
    ],
    ids=["garbage", "truncated", "not-pdf"],
)
def test_corrupt_pdf(tmp_path, data, expected, caplog):
    with caplog.at_level(logging.ERROR, logger="pypdf"):
        message = input_error(write(tmp_path, "bad.pdf", data))
    assert expected in message


def test_password_protected_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(make_pdf([b"BT /F1 12 Tf 72 720 Td (Secret text) Tj ET"])))
    locked, open_ = PdfWriter(clone_from=reader), PdfWriter(clone_from=reader)
    locked.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    open_.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    for writer, name in ((locked, "locked.pdf"), (open_, "open.pdf")):
        buffer = io.BytesIO()
        writer.write(buffer)
        write(tmp_path, name, buffer.getvalue())
    assert "password-protected" in input_error(tmp_path / "locked.pdf")
    assert load_one(tmp_path / "open.pdf").text == "Secret text"

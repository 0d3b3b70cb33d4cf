"""The Word readers: .docx by python-docx; .doc and .wps (old Word) by antiword."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.readers_support import input_error, load_one, make_docx, write


# ------------------------------------------------------------------------- DOCX
def test_docx_paragraphs_and_tables_in_order(tmp_path):
    doc = load_one(make_docx(tmp_path / "speech.docx"))
    assert doc.text == (
        "政府工作报告\n各位代表：\n指标\t目标\t完成\nGDP\t5%\t5.0%\n合并\t单独\n现在，我代表国务院，向大会报告政府工作。"
    )


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"PK\x03\x04this is not really a zip archive", "cannot read the .docx (corrupt?)"),
        (b"just some text saved as docx", "not a .docx file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Word .doc"),
    ],
    ids=["bad-zip", "not-zip", "ole"],
)
def test_corrupt_docx(tmp_path, data, expected):
    assert expected in input_error(write(tmp_path, "bad.docx", data))


def test_docx_that_is_another_zip(tmp_path):
    import zipfile

    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    assert "cannot read the .docx" in input_error(path)


def test_docx_without_text(tmp_path):
    from docx import Document

    path = tmp_path / "empty.docx"
    Document().save(path)
    assert input_error(path) == "document has no text"


# ------------------------------------------------------------- .doc and .wps
FIXTURES = Path(__file__).resolve().parent / "data" / "readers"
SPEECH_DOC = FIXTURES / "speech.doc"  # made by LibreOffice (soffice --convert-to doc) from speech.txt


def require_antiword() -> None:
    """Skip (or, with POLICYQA_REQUIRE_OCR=1 as CI sets it, fail) without antiword."""
    from vectorstore.readers.tools import find

    if find("antiword") is None:
        if os.environ.get("POLICYQA_REQUIRE_OCR") == "1":
            pytest.fail("antiword is not installed (apt-get install antiword)")
        pytest.skip("antiword is not installed (apt-get install antiword)")


def expected_text() -> str:
    lines = (FIXTURES / "speech.txt").read_text(encoding="utf-8").split("\n")
    return "\n".join(line.strip() for line in lines if line.strip())


@pytest.mark.parametrize("name", ["讲话.doc", "讲话.wps", "OLD.DOC"])
def test_old_word_read_exactly(tmp_path, name):
    require_antiword()
    doc = load_one(write(tmp_path, name, SPEECH_DOC.read_bytes()))
    assert doc.text == expected_text()


def test_old_word_is_cleaned_and_outlined_like_docx(tmp_path):
    from docx import Document

    from vectorstore.speech.speeches import speeches_from_document

    require_antiword()
    word = Document()
    for line in expected_text().split("\n"):
        word.add_paragraph(line)
    word.save(tmp_path / "speech.docx")
    old = load_one(write(tmp_path, "speech.doc", SPEECH_DOC.read_bytes()))
    (from_doc,), (from_docx,) = speeches_from_document(old), speeches_from_document(load_one(tmp_path / "speech.docx"))
    assert from_doc.text == from_docx.text and from_doc.outline == from_docx.outline
    assert from_doc.meta.title == "县委书记在招商引资工作动员会上的讲话"
    assert [node.heading for node in from_doc.outline.nodes] == ["一、认清形势，坚定信心"]


def test_catdoc_reads_when_antiword_is_missing(tmp_path, monkeypatch):
    from vectorstore.readers import tools

    if tools.find("catdoc") is None:
        pytest.skip("catdoc is not installed (apt-get install catdoc)")
    monkeypatch.setattr(tools, "find", lambda tool: None if tool == "antiword" else tools.shutil.which(tool))
    doc = load_one(write(tmp_path, "speech.doc", SPEECH_DOC.read_bytes()))
    assert doc.text.startswith("本文系邮箱投稿，仅供学习参考，请勿照搬照抄！\n县委书记在招商引资工作动员会上的讲话")


def test_old_word_without_tools_names_the_package(tmp_path, monkeypatch):
    from vectorstore.readers import tools

    monkeypatch.setattr(tools, "find", lambda tool: None)
    assert input_error(write(tmp_path, "a.wps", SPEECH_DOC.read_bytes())) == (
        "a Word .wps file needs antiword, which is not installed; install the Debian package antiword "
        "(apt-get install antiword)")


def test_doc_that_is_really_docx_or_html(tmp_path):
    make_docx(tmp_path / "real.docx")
    assert load_one(write(tmp_path, "renamed.doc", (tmp_path / "real.docx").read_bytes())).text.startswith("政府工作报告")
    page = "<html><head><title>讲话</title></head><body><p>同志们：</p><p>今天开会。</p></body></html>"
    assert load_one(write(tmp_path, "web.doc", page)).text == "同志们：\n今天开会。"


@pytest.mark.parametrize("data, expected", [
    (b"{\\rtf1\\ansi hello}", "this is an RTF file"),
    (b"plain bytes, not a Word file", "not a Word .doc file (no OLE header)"),
])
def test_doc_that_is_not_word(tmp_path, data, expected):
    assert expected in input_error(write(tmp_path, "x.doc", data))


def test_broken_old_word(tmp_path):
    require_antiword()
    from vectorstore.readers.word import UNREADABLE

    message = input_error(write(tmp_path, "broken.doc", SPEECH_DOC.read_bytes()[:2048]))
    assert message in (UNREADABLE, "document has no text (or only pictures)")  # our words, not the tools'
    assert "switch" not in message and "antiword" not in message

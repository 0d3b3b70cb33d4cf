"""Tests of vectorstore.loaders: discovery, decoding, extraction and bad input.

All fixtures are generated in tmp_path; PDFs are written by hand (a tiny PDF
writer below), the CJK one with the standard non-embedded Adobe font
STSong-Light and the UniGB-UTF16-H CMap, so no font file is needed.
"""

from __future__ import annotations

import io
import json
import logging
import os
import random
from pathlib import Path

import pytest

from vectorstore.errors import InputError, PolicyQAError
from vectorstore.loaders import SUPPORTED_SUFFIXES, discover, load_file
from vectorstore.types import RawDocument

REAL_JSONL = Path("/work/shared/corpus/scale/policy_texts_public.jsonl")

ZH = "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n一、2024年工作回顾\n过去一年，经济运行总体平稳、稳中有进。"
ZH_TRAD = "各位代表：\n現在，我代表國務院，向大會報告政府工作，請予審議，並請全國政協委員提出意見。"


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def load_one(path: Path, **kwargs) -> RawDocument:
    docs = load_file(path, **kwargs)
    assert len(docs) == 1
    assert docs[0].source == path.name
    assert docs[0].path == str(path.resolve())
    return docs[0]


def input_error(path: Path, **kwargs) -> str:
    """The message of the InputError that loading ``path`` raises; always one line."""
    with pytest.raises(InputError) as info:
        load_file(path, **kwargs)
    message = str(info.value)
    assert message and "\n" not in message and "\r" not in message
    assert isinstance(info.value, PolicyQAError)
    return message


# ------------------------------------------------------------------- PDF writer
def make_pdf(pages: list[bytes], font: list[bytes] | None = None) -> bytes:
    """A minimal valid PDF; ``pages`` are content streams, ``font`` the font objects (F1)."""
    font = font or [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    n, font_num = len(pages), 3 + 2 * len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode()]
    for i, content in enumerate(pages):
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font_num} 0 R >> >>"
            f" /Contents {4 + 2 * i} 0 R >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    objs.extend(font)
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, obj in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, obj))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def cjk_pdf(lines: list[str]) -> bytes:
    """One page of Chinese text; font objects are 5 (Type0), 6 (CIDFont), 7 (descriptor)."""
    font = [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H"
        b" /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    shows = b" 0 -20 Td ".join(b"<%s> Tj" % line.encode("utf-16-be").hex().encode() for line in lines)
    return make_pdf([b"BT /F1 12 Tf 72 720 Td " + shows + b" ET"], font)


# ------------------------------------------------------------------ plain text
def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".jsonl"}


def test_utf8(tmp_path):
    doc = load_one(write(tmp_path, "a.txt", ZH))
    assert doc.text == ZH
    assert doc.meta == {}


def test_utf8_bom_is_dropped(tmp_path):
    assert load_one(write(tmp_path, "a.txt", b"\xef\xbb\xbf" + ZH.encode())).text == ZH


def test_gbk_chinese_exact(tmp_path):
    raw = ZH.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert load_one(write(tmp_path, "gbk.txt", raw)).text == ZH


def test_gbk_short_and_with_gbk_only_chars(tmp_path):
    text = "朱镕基总理作政府工作报告。"  # 镕 is in GBK, not in GB2312
    assert load_one(write(tmp_path, "a.txt", text, "gbk")).text == text
    assert load_one(write(tmp_path, "b.txt", "政府工作报告", "gbk")).text == "政府工作报告"


def test_gb18030_four_byte_chars(tmp_path):
    text = ZH + "\n生僻字𠀀𪚥与欧元符号€。"
    raw = text.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    assert load_one(write(tmp_path, "gb.txt", raw)).text == text


def test_big5_traditional(tmp_path):
    assert load_one(write(tmp_path, "big5.txt", ZH_TRAD, "big5")).text == ZH_TRAD


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path, codec):
    raw = ZH.encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    assert raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert load_one(write(tmp_path, "u.txt", raw)).text == ZH


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", ["Report 2024\n" + ZH, ZH, "Plain English report.\n"])
def test_utf16_without_bom(tmp_path, codec, text):
    assert load_one(write(tmp_path, "u.txt", text.encode(codec))).text == text


def test_line_endings_and_control_chars(tmp_path):
    raw = "第一行\r\n第二行\r第三行\n\t缩进\x07响铃\x1b\x7f转义\x0c分页\u2028行\u2029段\x0b第四行\r\n".encode()
    text = "第一行\n第二行\n第三行\n\t缩进响铃转义\n分页\n行\n段\n第四行\n"
    assert load_one(write(tmp_path, "crlf.txt", raw)).text == text


def test_no_other_cleaning(tmp_path):
    text = "本文系邮箱投稿，仅供学习参考，请勿照搬照抄！\n  县委书记的讲话  \n\n\n正文。  \n"
    assert load_one(write(tmp_path, "a.txt", text)).text == text


@pytest.mark.parametrize("name", ["notes.md", "notes.MARKDOWN", "UPPER.TXT"])
def test_markdown_and_suffix_case(tmp_path, name):
    text = "# 标题\n\n- 第一点\n- 第二点\n"
    assert load_one(write(tmp_path, name, text)).text == text


def test_str_path_is_accepted(tmp_path):
    path = write(tmp_path, "a.txt", ZH)
    assert load_file(str(path))[0].text == ZH


def test_latin1_fallback_is_text(tmp_path):
    text = "The quick brown fox jumps over the lazy dog near the river bank.\n" * 3 + "Caf\xe9 and r\xe9sum\xe9.\n"
    doc = load_one(write(tmp_path, "latin.txt", text, "cp1252"))
    assert doc.text.startswith("The quick brown fox") and "Caf" in doc.text


# ------------------------------------------------------------------ bad text files
def test_empty_file(tmp_path):
    assert input_error(write(tmp_path, "empty.txt", b"")) == "file is empty"


def test_whitespace_only_file(tmp_path):
    assert "only whitespace" in input_error(write(tmp_path, "blank.txt", " \n\r\n\t\n"))


def test_binary_file_with_nuls(tmp_path):
    data = random.Random(7).randbytes(4096) + b"\x00\x00\x01\x00"
    assert "binary" in input_error(write(tmp_path, "blob.txt", data))


def test_control_heavy_file_is_binary(tmp_path):
    data = bytes(range(1, 9)) * 200 + b"some text"
    assert "binary" in input_error(write(tmp_path, "ctl.txt", data))


def test_misnamed_pdf_as_txt(tmp_path):
    message = input_error(write(tmp_path, "report.txt", make_pdf([b"BT /F1 12 Tf (x) Tj ET"])))
    assert "binary" in message and "rename it to .pdf" in message


@pytest.mark.parametrize(
    "data",
    [
        ZH.encode("utf-8") + ZH.encode("gbk"),  # a UTF-8 file with a GBK part appended
        random.Random(3).randbytes(3000).replace(b"\x00", b"\x01"),  # random, NUL-free
        b"abc \x81\xff\x80 def",
    ],
    ids=["utf8+gbk", "random", "short"],
)
def test_undecodable_bytes(tmp_path, data):
    assert input_error(write(tmp_path, "bad.txt", data)) == "cannot decode the text; save it as UTF-8"


def test_broken_utf16_after_bom(tmp_path):
    message = input_error(write(tmp_path, "u.txt", b"\xff\xfe" + "好".encode("utf-16-le") + b"\x00\xd8"))
    assert "UTF-16" in message and "save it as UTF-8" in message


def test_over_the_size_limit(tmp_path):
    path = write(tmp_path, "big.txt", "政" * 100)
    message = input_error(path, max_bytes=100)
    assert message.startswith("file is 300 bytes, over the 100 bytes limit")
    assert "split it or raise POLICYQA_MAX_FILE_MB" in message
    assert load_one(path, max_bytes=300).text == "政" * 100


def test_size_message_in_megabytes(tmp_path):
    path = write(tmp_path, "big.txt", b"a" * int(1.5 * 1024 * 1024))
    assert input_error(path, max_bytes=1024 * 1024) == (
        "file is 1.5 MB, over the 1 MB limit; split it or raise POLICYQA_MAX_FILE_MB"
    )


def test_missing_and_unsupported_files(tmp_path):
    assert input_error(tmp_path / "nope.txt") == "no such file or directory"
    assert "unsupported file type .xlsx" in input_error(write(tmp_path, "a.xlsx", b"PK\x03\x04"))
    assert "directory" in input_error(tmp_path)


# ------------------------------------------------------------------------- HTML
HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>  政府工作报告
 2025 </title>
<style>p { color: red }</style><script>var x = "不要";</script></head>
<body>
<header>网站首页 | 新闻</header>
<nav><a href="/">导航</a></nav>
<h1>政府工作报告</h1>
<div><p>各位代表：</p>
<p>现在，我代表国务院，
  向大会报告政府工作。<br>请予审议。</p></div>
<ul><li>第一点</li><li>第二 <b>点</b></li></ul>
<table><tr><td>指标</td><td>数值</td></tr><tr><td>GDP</td><td>5%</td></tr></table>
<!-- a comment -->
<footer>版权所有</footer>
<script>document.write("广告")</script>
</body></html>
"""


def test_html_structure_and_title_hint(tmp_path):
    doc = load_one(write(tmp_path, "page.html", HTML))
    assert doc.text == (
        "政府工作报告\n各位代表：\n现在，我代表国务院，向大会报告政府工作。\n请予审议。\n"
        "第一点\n第二 点\n指标\t数值\nGDP\t5%"
    )
    assert doc.meta == {"title_hint": "政府工作报告 2025"}
    for gone in ("不要", "广告", "导航", "网站首页", "版权所有", "color", "comment"):
        assert gone not in doc.text


def test_html_gbk_declared_and_undeclared(tmp_path):
    declared = HTML.replace('charset="utf-8"', 'charset="gb2312"')
    doc = load_one(write(tmp_path, "a.htm", declared, "gbk"))
    assert "现在，我代表国务院，向大会报告政府工作。" in doc.text
    undeclared = HTML.replace('<meta charset="utf-8">', "")
    assert load_one(write(tmp_path, "b.html", undeclared, "gbk")).text == doc.text


def test_html_declared_charset(tmp_path):
    latin = '<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body><p>na\xefve</p></body></html>'
    doc = load_one(write(tmp_path, "latin.html", latin, "cp1252"))
    assert (doc.text, doc.meta) == ("na\xefve", {"title_hint": "Caf\xe9"})
    wrong = HTML.replace('charset="utf-8"', 'charset="iso-8859-1"')  # a GBK page that lies
    assert "现在，我代表国务院" in load_one(write(tmp_path, "gbk.html", wrong, "gbk")).text


def test_html_without_visible_text(tmp_path):
    path = write(tmp_path, "x.html", "<html><head><title>t</title><script>x()</script></head><body> </body></html>")
    assert input_error(path) == "HTML page has no visible text"


# ------------------------------------------------------------------------- DOCX
def make_docx(path: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.add_heading("政府工作报告", level=1)
    doc.add_paragraph("各位代表：")
    doc.add_paragraph("")
    table = doc.add_table(rows=2, cols=3)
    for r, row in enumerate([["指标", "目标", "完成"], ["GDP", "5%", "5.0%"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = doc.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并"
    merged.cell(0, 2).text = "单独"
    doc.add_paragraph("现在，我代表国务院，向大会报告政府工作。")
    doc.save(path)
    return path


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


# -------------------------------------------------------------------------- PDF
def test_pdf_text_layer_pages_joined(tmp_path):
    pdf = make_pdf([
        b"BT /F1 12 Tf 72 720 Td (Government work report) Tj 0 -20 Td (Second line) Tj ET",
        b"BT /F1 12 Tf 72 720 Td (Page two) Tj ET",
    ])
    doc = load_one(write(tmp_path, "report.pdf", pdf))
    assert doc.text == "Government work report\nSecond line\nPage two"


def test_pdf_chinese_text_layer(tmp_path):
    lines = ["各位代表：", "现在，我代表国务院，向大会报告政府工作。"]
    doc = load_one(write(tmp_path, "zh.pdf", cjk_pdf(lines)))
    assert doc.text == "\n".join(lines)


def test_pdf_without_text_layer(tmp_path):
    pdf = make_pdf([b"0 0 1 rg 72 72 400 600 re f", b"q 100 0 0 100 50 50 cm Q"])
    assert input_error(write(tmp_path, "scan.pdf", pdf)) == "PDF has no text layer (scanned?); run OCR first"


def test_pdf_blank_pages_from_pypdf(tmp_path):
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    assert "no text layer" in input_error(write(tmp_path, "blank.pdf", buffer.getvalue()))


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


# ------------------------------------------------------------------------ JSONL
def jsonl_line(**fields) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_jsonl_good_and_bad_lines(tmp_path, caplog):
    lines = [
        jsonl_line(id="spr-1", title="报告一", date="2025", region="全国", speaker="李强", source="http://x", text="第一篇\r\n正文"),
        "",
        "{not json",
        jsonl_line(id="spr-2", title="无正文", speaker=None),
        jsonl_line(title="无编号", date=None, region="上海", speaker=None, text="第二篇\u2028同一段"),
        "[1, 2]",
        jsonl_line(id=7, text="   "),
        jsonl_line(id=8, text="数字编号"),
    ]
    path = write(tmp_path, "speeches.jsonl", "\n".join(lines) + "\n")
    with caplog.at_level(logging.WARNING, logger="vectorstore.loaders"):
        docs = load_file(path)
    assert [d.source for d in docs] == ["speeches.jsonl#spr-1", "speeches.jsonl#L5", "speeches.jsonl#8"]
    assert docs[0].meta == {"id": "spr-1", "title": "报告一", "date": "2025", "region": "全国", "speaker": "李强"}
    assert docs[0].text == "第一篇\n正文"
    assert docs[1].meta == {"title": "无编号", "region": "上海"}
    assert docs[1].text == "第二篇\n同一段"
    assert docs[2].meta == {"id": "8"}
    assert all(d.path == str(path.resolve()) for d in docs)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4
    assert any("line 3" in w and "not valid JSON" in w for w in warnings)
    assert any("line 4" in w and 'no "text" field' in w for w in warnings)
    assert any("line 6" in w and "not a JSON object" in w for w in warnings)
    assert any("line 7" in w and "empty" in w for w in warnings)


def test_jsonl_with_bom_and_crlf(tmp_path):
    data = b"\xef\xbb\xbf" + (jsonl_line(id="a", text="一") + "\r\n" + jsonl_line(id="b", text="二") + "\r\n").encode()
    docs = load_file(write(tmp_path, "x.jsonl", data))
    assert [(d.source, d.text) for d in docs] == [("x.jsonl#a", "一"), ("x.jsonl#b", "二")]


def test_jsonl_without_usable_line(tmp_path):
    path = write(tmp_path, "bad.jsonl", "\n".join(["{oops", jsonl_line(id="x", title="t"), "42", "null", "[]"]))
    message = input_error(path)
    assert message.startswith("no usable JSONL record (line 1: not valid JSON")
    assert 'line 2: no "text" field' in message and "(and 2 more)" in message
    assert 'non-empty "text" field' in message


@pytest.mark.skipif(not REAL_JSONL.is_file(), reason=f"real corpus {REAL_JSONL} is not present on this machine")
def test_real_public_jsonl():
    docs = load_file(REAL_JSONL)
    assert len(docs) == 341
    ids = [json.loads(line)["id"] for line in REAL_JSONL.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [d.source for d in docs] == [f"policy_texts_public.jsonl#{i}" for i in ids]
    assert len(set(d.source for d in docs)) == 341
    for doc in docs:
        assert doc.text.strip()
        assert "\r" not in doc.text
        assert doc.meta["id"] == doc.source.split("#", 1)[1]
        assert "text" not in doc.meta and "source" not in doc.meta
        assert all(value is not None for value in doc.meta.values())
    assert docs[0].meta["speaker"] == "李强" and docs[0].text.startswith("各位代表：")


# ---------------------------------------------------------------------- discover
def test_discover_tree(tmp_path):
    root = tmp_path / "corpus"
    for name in ["b.txt", "a.md", "sub/c.pdf", "sub/deeper/d.docx", "e.HTML", "f.jsonl", "g.markdown", "h.htm"]:
        write(root, name, b"x")
    for name in [".hidden.txt", ".git/config.txt", "sub/.cache/x.txt", "README.md", "sub/readme.MD"]:
        write(root, name, b"x")
    write(root, "table.xlsx", b"x")
    write(root, "sub/old.doc", b"x")
    write(root, "NOTES", b"x")
    files, skipped = discover([root])
    rel = [f.relative_to(root).as_posix() for f in files]
    assert rel == ["a.md", "b.txt", "e.HTML", "f.jsonl", "g.markdown", "h.htm", "sub/c.pdf", "sub/deeper/d.docx"]
    reasons = {Path(p).relative_to(root).as_posix(): r for p, r in skipped}
    assert set(reasons) == {"table.xlsx", "sub/old.doc", "NOTES"}
    assert reasons["table.xlsx"] == (
        "unsupported file type .xlsx (accepted: .txt .md .markdown .docx .pdf .html .htm .jsonl)"
    )
    assert reasons["sub/old.doc"].endswith("; save it as .docx in Word")
    assert "no extension" in reasons["NOTES"]
    assert all("\n" not in r for r in reasons.values())


def test_discover_files_missing_and_duplicates(tmp_path):
    a = write(tmp_path, "a.txt", "x")
    readme = write(tmp_path, "README.md", "explicitly named")
    hidden = write(tmp_path, ".secret.txt", "explicitly named")
    missing = tmp_path / "missing.txt"
    files, skipped = discover([a, str(missing), readme, hidden, tmp_path / "." / "a.txt", str(tmp_path / "a.xlsx")])
    assert files == [a, readme, hidden]
    assert skipped[0] == (str(missing), "no such file or directory")
    assert skipped[1][0] == str(tmp_path / "a.xlsx") and skipped[1][1] == "no such file or directory"


def test_discover_directory_given_twice_and_empty(tmp_path):
    write(tmp_path, "d/a.txt", "x")
    (tmp_path / "empty").mkdir()
    files, skipped = discover([tmp_path / "d", tmp_path / "d", tmp_path / "empty"])
    assert [f.name for f in files] == ["a.txt"] and skipped == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_discover_skips_non_regular_files(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    files, skipped = discover([tmp_path])
    assert files == [] and skipped == [(str(tmp_path / "pipe.txt"), "not a regular file")]


def test_discover_then_load_everything(tmp_path):
    write(tmp_path, "gbk.txt", ZH, "gbk")
    write(tmp_path, "page.html", HTML)
    make_docx(tmp_path / "speech.docx")
    write(tmp_path, "zh.pdf", cjk_pdf(["各位代表："]))
    write(tmp_path, "r.jsonl", jsonl_line(id="1", text="一") + "\n" + jsonl_line(id="2", text="二"))
    write(tmp_path, "empty.txt", b"")
    files, skipped = discover([tmp_path])
    assert skipped == []
    loaded, failed = [], []
    for path in files:
        try:
            loaded.extend(load_file(path))
        except InputError as err:
            failed.append((path.name, str(err)))
    assert failed == [("empty.txt", "file is empty")]
    assert [d.source for d in loaded] == ["gbk.txt", "page.html", "r.jsonl#1", "r.jsonl#2", "speech.docx", "zh.pdf"]

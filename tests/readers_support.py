"""Helpers of the reader tests: files written in tmp_path, one-line errors, tiny PDFs and .docx.

PDFs are written by hand (a tiny PDF writer below), the CJK one with the standard
non-embedded Adobe font STSong-Light and the UniGB-UTF16-H CMap, so no font file is needed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from vectorstore.errors import InputError, PolicyQAError
from vectorstore.readers import load_file
from vectorstore.speech.types import RawDocument

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


def jsonl_line(**fields) -> str:
    return json.dumps(fields, ensure_ascii=False)


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

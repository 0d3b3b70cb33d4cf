"""The text readers: plain text and Markdown (encodings, bad files), HTML, JSON Lines."""

from __future__ import annotations

import json
import logging
import random

import pytest

from tests.readers_support import HTML, REAL_JSONL, ZH, ZH_TRAD, input_error, jsonl_line, load_one, make_pdf, write
from vectorstore.readers import load_file


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



# ------------------------------------------------------------------------ JSONL
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
    skipped = []
    with caplog.at_level(logging.WARNING, logger="vectorstore.readers"):
        docs = load_file(path, skipped=skipped)
    assert [d.source for d in docs] == ["speeches.jsonl#spr-1", "speeches.jsonl#L5", "speeches.jsonl#8"]
    assert [what for what, _ in skipped] == [f"speeches.jsonl line {n}" for n in (3, 4, 6, 7)]
    assert skipped[1][1] == ('no "text" field; the other lines were indexed; fix this line (a JSON object with a '
                             'non-empty "text") and add the file again')
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


def test_a_record_file_over_the_record_limit_is_refused_before_any_record_is_read(tmp_path):
    from vectorstore.readers.base import ReadLimits

    lines = "\n".join(jsonl_line(id=f"r{i}", title=f"记录{i}", text=f"第{i}篇正文。") for i in range(5))
    path = write(tmp_path, "many.jsonl", lines)
    message = input_error(path, limits=ReadLimits(max_records=4))
    assert "5 records" in message and "POLICYQA_MAX_RECORDS" in message
    assert len(load_file(path, limits=ReadLimits(max_records=5))) == 5

"""Cleaning, speech splitting, metadata and outline chunking, on fixtures and the real seeds."""

from __future__ import annotations

import pytest

from tests.conftest import SEED_FILES
from vectorstore.speech.chunking import chunk_speech
from vectorstore.speech.cleaning import clean_text, is_boilerplate
from vectorstore.speech.metadata import extract_metadata, normalise_date
from vectorstore.speech.outline import heading_kind, outline_blocks, section_path
from vectorstore.speech.speeches import speeches_from_document
from vectorstore.speech.splitting import split_speeches
from vectorstore.speech.types import RawDocument


def seed_speeches():
    return [s for path in SEED_FILES for s in speeches_from_document(RawDocument(path.name, path.read_text("utf-8")))]


# -- cleaning -----------------------------------------------------------------
@pytest.mark.parametrize("line", [
    "中词库 / www.zciku.com",
    "来源：网络  作者：无殇蝶舞  更新时间：2025-04-30",
    "本文系邮箱投稿，仅供学习参考，请勿照搬照抄！",
])
def test_boilerplate_lines_are_recognised(line):
    assert is_boilerplate(line)
    assert clean_text(line + "\n同志们：今天我们召开会议。") == "同志们：今天我们召开会议。"


@pytest.mark.parametrize("line", [
    "要加强与www.example.com等平台合作，拓宽招商渠道，这一点必须长期坚持下去，形成机制，取得实效。",
    "今天召开全县开放招商大会，主要任务是全面贯彻会议精神。",
])
def test_content_is_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_bookmark_tags_are_removed():
    assert clean_text("[bookmark: _Toc1]在全市项目招商推进会上的讲话") == "在全市项目招商推进会上的讲话"


def test_broken_title_is_rejoined():
    raw = "在全市大招商暨项目落实工作推进会上的\n讲\n话\n市委书记\n张笑东（2024年5月4日）"
    assert clean_text(raw).split("\n")[0] == "在全市大招商暨项目落实工作推进会上的讲话"


def test_spurious_spaces_inside_chinese_are_removed_but_latin_spaces_kept():
    cleaned = clean_text("从当前情况看，经 济增长的内生动力不足，简化办事程 序，引进 Tesla Model 3 项目。")
    assert "经济增长" in cleaned and "办事程序" in cleaned and "Tesla Model 3" in cleaned


def test_one_line_file_with_space_separators_becomes_paragraphs():
    raw = ("同志们: 今天召开大会。下面,我讲三个方面: 一、解放思想,统一认识 发展为上,投资为本。 "
           "主要是“三个不强”: 一是招商意识不强 少数部门意识淡薄。 二是服务意识不强 效率低下。")
    lines = clean_text(raw).split("\n")
    assert "一、解放思想,统一认识" in lines
    assert "一是招商意识不强" in lines and "二是服务意识不强" in lines


def test_crlf_and_ideographic_spaces_are_normalised():
    assert clean_text("第一段。\r\n\u3000\u3000第二段。\r\n") == "第一段。\n第二段。"


# -- splitting ----------------------------------------------------------------
def test_compilation_splits_into_parts_and_drops_header_and_teaser():
    body = "今天召开会议，研究招商引资工作，大家要高度重视，认真抓好落实，确保完成任务。" * 2
    raw = ("合集标题[2篇材料]\n第一篇：甲会上的讲话" + body[:10] + "...\n"
           f"第一篇：甲会上的讲话\n甲会上的讲话\n{body}\n第二篇：乙会上的讲话\n乙会上的讲话\n{body}")
    parts = split_speeches(clean_text(raw))
    assert [p.heading for p in parts] == ["甲会上的讲话", "乙会上的讲话"]
    assert all(p.text.startswith(("甲会上的讲话", "乙会上的讲话")) for p in parts)
    assert not any("合集标题" in p.text for p in parts)


def test_seeds_hold_nine_speeches():
    speeches = seed_speeches()
    assert len(speeches) == 9
    assert [s.id for s in speeches if s.source.startswith("004")] == [
        f"004_30715ac9391e336e.txt#{n}" for n in range(1, 6)]


def test_seed_cleaning_removes_headers_everywhere():
    for speech in seed_speeches():
        for junk in ("www.", "[bookmark", "本文系邮箱投稿", "更新时间", "5篇材料"):
            assert junk not in speech.text, (speech.id, junk)


# -- metadata -----------------------------------------------------------------
def test_seed_metadata_is_extracted_by_rules():
    by_id = {s.id: s for s in seed_speeches()}
    fifth = by_id["004_30715ac9391e336e.txt#5"]
    assert (fifth.title, fifth.speaker_role, fifth.speaker, fifth.date) == (
        "在全市大招商暨项目落实工作推进会上的讲话", "市委书记", "张笑东", "2024-05-04")
    assert "安阳" in fifth.places and fifth.meeting == "全市大招商暨项目落实工作推进会"
    first = by_id["000_00b9841ddb1ffabe.txt"]
    assert first.title == "县委书记在招商引资工作动员会上的讲话" and first.speaker_role == "县委书记"
    assert "安康" in by_id["001_e9549dbf699c0fc2.txt"].places
    assert "株洲" in by_id["004_30715ac9391e336e.txt#1"].places


def test_placeholders_are_unknown_not_guessed():
    meta = extract_metadata("在XXXX项目推进会上的讲话\n县委书记 XXX\n（20XX年X月X日）\n同志们：今天开会。")
    assert meta.speaker_role == "县委书记"
    assert meta.speaker is None and meta.date is None
    assert extract_metadata("同志们：今天我们开会研究工作。").title is None


@pytest.mark.parametrize("byline, date", [("（二〇二四年五月四日）", "2024-05-04"), ("（一九九八年十二月三十一日）", "1998-12-31"),
                                          ("（2024年5月4日）", "2024-05-04"), ("（二〇二四年十三月一日）", None)])
def test_a_by_line_date_in_any_numerals_is_read_with_its_span(byline, date):
    text = f"在全市招商大会上的讲话\n市委书记 张笑东\n{byline}\n同志们：今天开会。"
    meta = extract_metadata(text)
    assert meta.date == date
    if date:
        start, end = meta.span("date")
        assert text[start:end] == byline.strip("（）")


def test_blessings_are_not_places():
    assert "安康" not in extract_metadata("最后，祝大家身体健康、吉祥安康！").places


@pytest.mark.parametrize("raw,expected", [
    ("2024", "2024"), ("2024-3-5", "2024-03-05"), ("2024年5月4日", "2024-05-04"), ("20XX年", None), (None, None),
])
def test_stated_dates_are_normalised(raw, expected):
    assert normalise_date(raw) == expected


# -- outline and chunks ---------------------------------------------------------
@pytest.mark.parametrize("line,kind", [
    ("一、认清形势", "cn、"), ("（一）招商重点要精准。", "(cn)"), ("1、抓开工", "n、"), ("2.树立招商新理念", "n、"),
    ("一是招商意识不强", "一是"), ("二要完善工作机制。", "一是"), ("第一条，就是要研究", "第条"),
    ("第二个，凭条件招商。", "第个"), ("第三章 招商引资", "第章"), ("第一百零一条　本条例自公布之日起施行。", "第条"), ("2024年是关键一年。", None), ("1.5亿元资金到位。", None), ("同志们：", None),
])
def test_heading_kinds(line, kind):
    assert heading_kind(line) == kind


def test_nested_outline_gives_section_paths():
    text = "开场白。\n一、总体要求\n正文。\n（一）第一点。内容。\n1、细项。\n（二）第二点。\n二、保障措施\n一要加强领导。内容。"
    paths = [section_path(block.path) for block in outline_blocks(text)]
    assert paths == ["", "一、总体要求", "一、总体要求 › （一）第一点", "一、总体要求 › （一）第一点 › 1、细项",
                     "一、总体要求 › （二）第二点", "二、保障措施", "二、保障措施 › 一要加强领导"]


def test_seed_chunks_are_exact_spans_with_sections():
    chunks = [c for s in seed_speeches() for c in chunk_speech(s, 300)]
    speeches = {s.id: s for s in seed_speeches()}
    assert len(chunks) > 100
    for chunk in chunks:
        assert chunk.text == speeches[chunk.speech_id].text[chunk.start:chunk.end]
        assert chunk.text.strip() == chunk.text and chunk.text
    sections = {c.section for c in chunks if c.source.startswith("000")}
    assert "二、突出重点，把握关键 › （二）招商方向要明确" in sections


@pytest.mark.parametrize("max_chars", [150, 400, 800])
def test_chunks_respect_size_and_never_straddle_top_sections(max_chars):
    for speech in seed_speeches():
        blocks = outline_blocks(speech.text)
        tops = [(b.start, b.end, b.top) for b in blocks]
        for chunk in chunk_speech(speech, max_chars):
            assert chunk.end - chunk.start <= max_chars
            covering = {top for start, end, top in tops if start < chunk.end and end > chunk.start}
            assert len(covering) == 1, (chunk.id, covering)


def test_seed_002_outline_is_found_inside_its_single_line():
    speech = next(s for s in seed_speeches() if s.source.startswith("002"))
    sections = {c.section for c in chunk_speech(speech, 300)}
    assert any(s.startswith("二、明确任务") and "1.明确招商新任务" in s for s in sections)
    assert any("三是项目储备不强" in s for s in sections)


def test_long_sentence_without_punctuation_is_still_cut():
    speech = speeches_from_document(RawDocument("long.txt", "讲话" + "很长的句子没有标点" * 200))[0]
    chunks = chunk_speech(speech, 300)
    assert all(len(c.text) <= 300 for c in chunks)
    assert "".join(c.text for c in chunks) == speech.text

"""Tests of vectorstore.stores.keyword_index: tokenisation, BM25 search, persistence."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from vectorstore.stores import keyword_index as keyword
from vectorstore.errors import IndexMismatchError
from vectorstore.stores.keyword_index import INDEX_FILE, KeywordIndex
from vectorstore.text.tokens import tokenize

# Passages quoted from the seed speeches in data/.
PASSAGES = {
    "spirit": "四是要进一步坚持一种精神，那就是发扬“千言万语、千里迢迢、千方百计、千辛万苦”的“四千精神”，"
    "发扬“硬着头皮、厚着脸皮、磨破嘴皮、饿着肚皮、踏破脚皮”的“五皮精神”，猛虎扑食、虎口夺食去抢项目、夺项目、争项目。",
    "mechanism": "严格落实“144520”招商引资机制，坚持开放合作聚活力、招商引资增动能，“引进来、走出去”并举，"
    "全员上阵、全民招商，努力构建招商引资新格局。“144520”机制是安康探索多年、也非常有效、经得起检验的招商工作机制。",
    "rate": "二是个别项目盯的不紧。部分地方的项目跟踪落实不到位，签约项目多，落地 项目少，建成的更少。"
    "从一季度通报看，全市新签约亿元以上项目的开工率为44.2 %，新开工亿元以上项目的资金到位率仅为 10.8%。",
    "exit": "要增强责任感，严把招商引资项目引进关口，既要建立和完善有效的引入服务机制，又要健全招商引资项目退出机制，"
    "对招商引资项目实行无绩效退出机制，实现质量招商、择优选商。",
    "regions": "招商的重点对象就是国际国内500强企业、行业领军企业、知名民营企业。招商的重点区域，第一是京津冀。"
    "京津冀地区由于北京等城市的发展需要，大量产业需要转移。",
    "weak": "主要是“三个不强”: 一是招商意识不强 少数部门和单位招商意识淡薄,缺乏引客商、争资金的热情,"
    "面对激烈的竞争态势,消极畏难,办法不多; 有的单位和部门仅仅满足于完成任务,没有更高的目标追求。",
}

QUERIES = [
    ("什么是五皮精神", "spirit"),
    ("什么是“四千精神”？", "spirit"),
    ("“144520”招商引资机制是哪里探索形成的？", "mechanism"),
    ("一季度全市新签约亿元以上项目的开工率是多少？", "rate"),
    ("对招商引资项目要实行什么样的退出机制？", "exit"),
    ("招商的重点区域有哪些？", "regions"),
]


def make_index(directory: Path) -> KeywordIndex:
    index = KeywordIndex(directory)
    index.upsert(list(PASSAGES), list(PASSAGES.values()))
    return index


def top_id(index: KeywordIndex, query: str, **kwargs) -> str | None:
    hits = index.search(query, **kwargs)
    return hits[0][0] if hits else None


@pytest.fixture
def index(tmp_path: Path) -> KeywordIndex:
    return make_index(tmp_path / "kw")


def test_tokenize_normalises_and_drops_punctuation_and_stop_words():
    tokens = tokenize("什么是“四千精神”？")
    assert {"四千", "精神", "千精"} <= set(tokens)
    assert not {"什么", "是", "“", "？", "?"} & set(tokens)
    assert "招商" in tokenize("我们要招商")  # content words stay


def test_tokenize_matches_slogans_and_numbers_between_query_and_passage():
    passage = set(tokenize(PASSAGES["spirit"] + PASSAGES["mechanism"] + PASSAGES["rate"]))
    for query in ("“四千精神”", "五皮精神", "“144520”", "开工率44.2%", "千言万语"):
        assert set(tokenize(query)) <= passage, query
    assert tokenize("ＡＢＣ１２３％") == ["abc123"]
    assert "44.2" in tokenize("44.2 %") and "44.2" in tokenize("44.2%")


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_search_ranks_the_right_passage_first(index: KeywordIndex, query: str, expected: str):
    assert top_id(index, query) == expected


def test_search_returns_positive_scores_best_first_limited_to_k(index: KeywordIndex):
    hits = index.search("招商引资项目", k=3)
    assert len(hits) == 3
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert index.search("xyzzy") == []
    assert index.search("招商", k=0) == []


def test_scores_equal_bm25s_lucene(index: KeywordIndex):
    bm25s = pytest.importorskip("bm25s")
    ids = sorted(PASSAGES)
    reference = bm25s.BM25(k1=keyword.BM25_K1, b=keyword.BM25_B, method="lucene")
    reference.index([tokenize(PASSAGES[i]) for i in ids], show_progress=False)
    query = list(dict.fromkeys(tokenize("招商引资项目退出机制")))
    expected = dict(zip(ids, reference.get_scores(query)))
    for chunk_id, score in index.search("招商引资项目退出机制", k=len(ids)):
        assert score == pytest.approx(float(expected[chunk_id]), rel=1e-5)


def test_delete_removes_from_results(index: KeywordIndex):
    assert index.delete(["spirit", "no-such-id"]) == 1
    assert "spirit" not in index.ids() and len(index) == len(PASSAGES) - 1
    assert all(chunk_id != "spirit" for chunk_id, _ in index.search("什么是五皮精神"))


def test_upsert_of_existing_id_replaces_it(index: KeywordIndex):
    index.upsert(["spirit"], ["安阳市重点推进文旅康养项目建设。"])
    assert len(index) == len(PASSAGES)
    assert all(chunk_id != "spirit" for chunk_id, _ in index.search("五皮精神"))
    assert top_id(index, "文旅康养") == "spirit"


def test_upsert_rejects_mismatched_lengths(tmp_path: Path):
    with pytest.raises(ValueError):
        KeywordIndex(tmp_path).upsert(["a", "b"], ["只有一段"])


def test_allowed_ids_filters_results(index: KeywordIndex):
    hits = index.search("招商引资", k=10, allowed_ids={"exit", "regions", "unknown"})
    assert {chunk_id for chunk_id, _ in hits} <= {"exit", "regions"} and hits
    assert index.search("五皮精神", allowed_ids={"exit"}) == []
    assert index.search("招商", allowed_ids=set()) == []


def test_save_open_round_trip_gives_identical_results(index: KeywordIndex, tmp_path: Path):
    index.delete(["weak"])
    index.save()
    loaded = KeywordIndex.open(tmp_path / "kw")
    assert loaded.ids() == index.ids()
    for query, _ in QUERIES:
        assert loaded.search(query) == index.search(query)
    loaded.upsert(["new"], ["新建葡萄串效应陶瓷产业集群"])  # the loaded vocabulary keeps working
    assert top_id(loaded, "陶瓷产业") == "new"


def test_open_of_missing_directory_gives_empty_index(tmp_path: Path):
    index = KeywordIndex.open(tmp_path / "nothing-here")
    assert len(index) == 0 and index.ids() == set()
    assert index.search("什么是五皮精神") == []


def test_empty_index_saves_and_loads(tmp_path: Path):
    KeywordIndex(tmp_path).save()
    assert KeywordIndex.open(tmp_path).search("招商") == []


def test_passages_without_tokens_are_kept_but_never_found(tmp_path: Path):
    index = KeywordIndex(tmp_path)
    index.upsert(["punct", "text"], ["！！！……", "招商引资"])
    assert index.ids() == {"punct", "text"}
    assert [chunk_id for chunk_id, _ in index.search("招商")] == ["text"]


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip at all", b"PK\x03\x04 truncated"],
    ids=["empty", "garbage", "truncated-zip"],
)
def test_corrupt_file_raises_index_mismatch(tmp_path: Path, content: bytes):
    (tmp_path / INDEX_FILE).write_bytes(content)
    with pytest.raises(IndexMismatchError, match="[Rr]ebuild"):
        KeywordIndex.open(tmp_path)


def rewrite_meta(path: Path, **changes) -> None:
    """Rewrite an index file with some metadata fields changed."""
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = {"format": keyword.FORMAT, "version": keyword.FORMAT_VERSION, "tokenizer": keyword.TOKENIZER_ID}
    arrays["meta"] = keyword._json_array({**meta, **changes})
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


@pytest.mark.parametrize(
    "changes",
    [{"version": 999}, {"tokenizer": "another-tokenizer"}, {"format": "something-else"}],
    ids=["version", "tokenizer", "format"],
)
def test_unknown_version_or_tokenizer_raises_index_mismatch(index: KeywordIndex, changes: dict):
    index.save()
    rewrite_meta(index.path, **changes)
    with pytest.raises(IndexMismatchError, match="[Rr]ebuild"):
        KeywordIndex.open(index.directory)


def test_inconsistent_tables_raise_index_mismatch(index: KeywordIndex):
    index.save()
    with np.load(index.path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays["terms"] = arrays["terms"] + 10**6
    with open(index.path, "wb") as handle:
        np.savez(handle, **arrays)
    with pytest.raises(IndexMismatchError):
        KeywordIndex.open(index.directory)


def test_crash_during_save_keeps_previous_file(index: KeywordIndex, monkeypatch: pytest.MonkeyPatch):
    index.save()
    before = KeywordIndex.open(index.directory).search("什么是五皮精神")
    index.delete(["spirit"])

    def crash(*args, **kwargs):
        raise OSError("killed mid-save")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="killed"):
        index.save()
    monkeypatch.undo()
    reopened = KeywordIndex.open(index.directory)
    assert "spirit" in reopened.ids()
    assert reopened.search("什么是五皮精神") == before
    assert [p.name for p in index.directory.iterdir()] == [INDEX_FILE]  # no temp file left


def test_save_writes_no_pickle(index: KeywordIndex):
    index.save()
    with zipfile.ZipFile(index.path) as archive:
        names = set(archive.namelist())
    assert names == {f"{n}.npy" for n in ("meta", "ids", "vocab", "offsets", "terms", "counts")}
    with np.load(index.path, allow_pickle=False) as loaded:
        assert all(loaded[name].dtype != object for name in loaded.files)


def test_rebuild_replaces_all_content(index: KeywordIndex):
    index.rebuild(["only"], ["无绩效退出机制"])
    assert index.ids() == {"only"}
    assert top_id(index, "退出机制") == "only"


MIXED = ("颗粒物(PM2.5)浓度下降，国内生产总值达到134.9万亿元、增长5.1%，实施《纲要(2011-2020年)》和"
         "C++、R&D投入，网址www.gov.cn，“十四五”时期——全面建成小康社会!!")


@pytest.mark.parametrize("text", [MIXED, *PASSAGES.values(),
                                  *(p.read_text(encoding="utf-8")[:4000] for p in sorted((Path(__file__).resolve().parents[1] / "data").glob("*.txt")))])
def test_search_mode_words_are_jiebas_word_for_word(text: str):
    """The fast cut (rjieba plus jieba's search-mode windows) gives jieba's own words, so the stored
    tokens of every index stay valid (the tokenizer id is unchanged)."""
    from vectorstore.text.tokens import _jieba, normalize, search_mode_words

    for variant in (text, normalize(text)):
        assert list(search_mode_words(variant)) == list(_jieba().cut_for_search(variant))

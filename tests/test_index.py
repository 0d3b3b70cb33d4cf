"""Ingestion into a real Chroma in tmp_path: incremental, crash-safe, bad input, filters."""

from __future__ import annotations

import os

import pytest

from tests.fakes import BigramEmbeddings
from vectorstore.search import SearchFilters, Searcher


def consistent(index) -> bool:
    """Chroma chunks, speech records and the keyword index agree."""
    records = index.speeches()
    return (index.chunk_count() == sum(r.chunk_count for r in records.values())
            and index.keyword.ids() == index.chunk_ids())


def test_ingest_seeds_then_nothing_to_do(ingestor, index, seed_dir, fake_embeddings):
    report = ingestor.ingest([seed_dir], progress=False)
    assert len(report.added) == 9 and not report.skipped
    assert consistent(index)
    calls = fake_embeddings.texts_embedded
    again = ingestor.ingest([seed_dir], progress=False)
    assert len(again.unchanged) == 9 and again.chunks_embedded == 0
    assert fake_embeddings.texts_embedded == calls


def test_changed_file_reembeds_only_its_speech(ingestor, index, seed_dir, fake_embeddings):
    ingestor.ingest([seed_dir], progress=False)
    path = seed_dir / "003_afb0ec9b2fd93498.txt"
    path.write_text(path.read_text("utf-8") + "\n同志们，让我们再接再厉，全力以赴完成全年招商任务！", "utf-8")
    before = fake_embeddings.texts_embedded
    report = ingestor.ingest([seed_dir], progress=False)
    assert report.updated == ["003_afb0ec9b2fd93498.txt"] and len(report.unchanged) == 8
    assert fake_embeddings.texts_embedded - before == index.speeches()["003_afb0ec9b2fd93498.txt"].chunk_count
    assert consistent(index)
    assert "再接再厉" in index.speech_chunks("003_afb0ec9b2fd93498.txt")[-1].text


def test_speech_dropped_from_compilation_is_removed(ingestor, index, seed_dir):
    ingestor.ingest([seed_dir], progress=False)
    path = seed_dir / "004_30715ac9391e336e.txt"
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("第五篇：")], "utf-8")
    report = ingestor.ingest([seed_dir], progress=False)
    assert report.removed == ["004_30715ac9391e336e.txt#5"]
    assert "004_30715ac9391e336e.txt#5" not in index.speeches() and consistent(index)


def test_removed_files_are_kept_unless_pruned(ingestor, index, seed_dir):
    ingestor.ingest([seed_dir], progress=False)
    (seed_dir / "003_afb0ec9b2fd93498.txt").unlink()
    assert ingestor.ingest([seed_dir], progress=False).removed == []
    assert ingestor.ingest([seed_dir], prune=True, progress=False).removed == ["003_afb0ec9b2fd93498.txt"]
    assert len(index.speeches()) == 8 and consistent(index)


def test_bad_inputs_are_skipped_with_reasons_and_nothing_is_lost(ingestor, index, seed_dir, tmp_path, settings):
    ingestor.ingest([seed_dir], progress=False)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (bad / "boilerplate.txt").write_text("中词库 / www.zciku.com\n来源：网络  作者：某某  更新时间：2025-04-30\n", "utf-8")
    (bad / "copy_of_000.txt").write_bytes((seed_dir / "000_00b9841ddb1ffabe.txt").read_bytes())
    (bad / "table.xlsx").write_bytes(b"PK\x03\x04")
    ingestor.max_bytes = 200_000
    (bad / "huge.txt").write_text("招商引资工作。" * 40_000, "utf-8")
    report = ingestor.ingest([bad, tmp_path / "missing.txt"], progress=False)
    reasons = {os.path.basename(what.split("#")[0]): reason for what, reason in report.skipped}
    assert set(reasons) == {"empty.txt", "binary.txt", "boilerplate.txt", "copy_of_000.txt", "table.xlsx",
                            "huge.txt", "missing.txt"}
    assert "000_00b9841ddb1ffabe.txt" in reasons["copy_of_000.txt"]
    assert all("\n" not in reason and reason for reason in reasons.values())
    assert len(index.speeches()) == 9 and not report.removed and consistent(index)


def test_interrupted_ingestion_leaves_index_usable_and_next_run_completes(ingestor, index, seed_dir, monkeypatch):
    import vectorstore.ingest

    ingestor.ingest([seed_dir / "000_00b9841ddb1ffabe.txt"], progress=False)
    monkeypatch.setattr(vectorstore.ingest, "_BATCH_CHUNKS", 15)
    real_put = index.put_speeches
    calls = {"n": 0}

    def dying_put(items):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the process dies here
        return real_put(items)

    monkeypatch.setattr(index, "put_speeches", dying_put)
    with pytest.raises(KeyboardInterrupt):
        ingestor.ingest([seed_dir], progress=False)
    monkeypatch.setattr(index, "put_speeches", real_put)
    committed = set(index.speeches())
    assert "000_00b9841ddb1ffabe.txt" in committed and 1 < len(committed) < 9
    assert Searcher(index).search("五皮精神", k=3, mode="keyword")[0].source == "000_00b9841ddb1ffabe.txt"
    report = ingestor.ingest([seed_dir], progress=False)
    assert len(index.speeches()) == 9 and consistent(index)
    assert set(report.unchanged) == committed and len(report.added) == 9 - len(committed)




def test_corrupt_keyword_index_is_rebuilt_from_chroma(settings, index, ingestor, seed_dir):
    from assistant import factory

    ingestor.ingest([seed_dir], progress=False)
    index.keyword.path.write_text("{not a keyword index", "utf-8")
    reopened = factory.build_index(settings, embeddings=BigramEmbeddings())
    assert consistent(reopened)
    assert reopened.keyword_search("五皮精神", 1)[0].chunk.source == "000_00b9841ddb1ffabe.txt"


def test_filters(index, ingestor, seed_dir):
    ingestor.ingest([seed_dir], progress=False)
    searcher = Searcher(index)
    for mode in ("dense", "keyword", "hybrid"):
        hits = searcher.search("招商引资", k=5, mode=mode, filters=SearchFilters(speaker="张笑东"))
        assert hits and {h.speech_id for h in hits} == {"004_30715ac9391e336e.txt#5"}
        hits = searcher.search("招商", k=5, mode=mode, filters=SearchFilters(place="株洲"))
        assert hits and {h.speech_id for h in hits} == {"004_30715ac9391e336e.txt#1"}
        dated = searcher.search("招商", k=5, mode=mode, filters=SearchFilters(date_from="2024-05", date_to="2024"))
        assert dated and {h.date for h in dated} == {"2024-05-04"}
        assert not searcher.search("招商", k=5, mode=mode, filters=SearchFilters(date_to="2023-12-31"))


def test_search_results_are_exact_spans_of_the_cleaned_speech(index, ingestor, seed_dir):
    from vectorstore.readers import load_file
    from vectorstore.speech.speeches import speeches_from_document

    ingestor.ingest([seed_dir], progress=False)
    texts = {s.id: s.text for path in sorted(seed_dir.iterdir())
             for document in load_file(path) for s in speeches_from_document(document)}
    for passage in Searcher(index).search("项目落地率和资金到位率", k=10):
        assert texts[passage.speech_id][passage.start:passage.end] == passage.text
        assert set(passage.to_dict()) >= {"source", "title", "section", "start", "end", "text", "score"}


def test_speech_chunks_cover_the_speech_but_blank_lines(index, ingestor, seed_dir):
    from vectorstore.readers import load_file
    from vectorstore.speech.speeches import speeches_from_document

    ingestor.ingest([seed_dir], progress=False)
    for speech in speeches_from_document(load_file(seed_dir / "004_30715ac9391e336e.txt")[0]):
        chunks = index.speech_chunks(speech.id)
        assert "".join("".join(c.text.split()) for c in chunks) == "".join(speech.text.split())

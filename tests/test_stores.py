"""The store contract, run against both stores: real Chroma and real Milvus Lite in tmp_path."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO
from tests.fakes import BigramEmbeddings
from vectorstore.errors import ConfigError, IndexMismatchError
from vectorstore.search import SearchFilters, Searcher
from vectorstore.stores.protocol import SpeechStore

pytest.importorskip("pymilvus", reason="the milvus extra is not installed: pip install -e '.[milvus]'")
STORES = ["chroma", "milvus"]
SEED_000 = "000_00b9841ddb1ffabe.txt"


@pytest.fixture(params=STORES)
def store_settings(request, settings, tmp_path):
    return settings.model_copy(update={"store": request.param, "milvus_uri": str(tmp_path / "milvus" / "pq.db")})


@pytest.fixture
def store(store_settings, fake_embeddings):
    from assistant import factory

    return factory.build_index(store_settings, embeddings=fake_embeddings)


@pytest.fixture
def store_ingestor(store_settings, store):
    from assistant import factory

    return factory.build_ingestor(store_settings, store)


def consistent(store) -> bool:
    """Chunks and speech records agree, and the keyword side counts every chunk."""
    records = store.speeches()
    ids = {chunk.id for speech_id in records for chunk in store.speech_chunks(speech_id)}
    return (store.chunk_count() == sum(r.chunk_count for r in records.values()) == len(ids)
            and store.chunk_ids() == ids and len(store.keyword) == len(ids))


def test_the_store_speaks_the_protocol(store, store_settings):
    assert isinstance(store, SpeechStore) and store.kind == store_settings.store


def test_incremental_ingest_by_content_hash(store, store_ingestor, seed_dir, fake_embeddings):
    assert len(store_ingestor.ingest([seed_dir], progress=False).added) == 9 and consistent(store)
    calls = fake_embeddings.texts_embedded
    assert len(store_ingestor.ingest([seed_dir], progress=False).unchanged) == 9
    assert fake_embeddings.texts_embedded == calls
    path = seed_dir / "003_afb0ec9b2fd93498.txt"
    path.write_text(path.read_text("utf-8") + "\n同志们，让我们再接再厉，全力以赴完成全年招商任务！", "utf-8")
    report = store_ingestor.ingest([seed_dir], progress=False)
    assert report.updated == ["003_afb0ec9b2fd93498.txt"] and len(report.unchanged) == 8
    assert fake_embeddings.texts_embedded - calls == store.speeches()["003_afb0ec9b2fd93498.txt"].chunk_count
    assert "再接再厉" in store.speech_chunks("003_afb0ec9b2fd93498.txt")[-1].text and consistent(store)
    path.unlink()
    assert store_ingestor.ingest([seed_dir], prune=True, progress=False).removed == ["003_afb0ec9b2fd93498.txt"]
    assert len(store.speeches()) == 8 and consistent(store)


def test_interrupted_ingestion_leaves_a_usable_index_the_next_run_completes(store, store_ingestor, seed_dir,
                                                                              monkeypatch):
    import vectorstore.ingest

    store_ingestor.ingest([seed_dir / SEED_000], progress=False)
    monkeypatch.setattr(vectorstore.ingest, "_BATCH_CHUNKS", 15)
    real_put, calls = store.put_speeches, {"n": 0}

    def dying_put(items):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_put(items)

    monkeypatch.setattr(store, "put_speeches", dying_put)
    with pytest.raises(KeyboardInterrupt):
        store_ingestor.ingest([seed_dir], progress=False)
    monkeypatch.setattr(store, "put_speeches", real_put)
    committed = set(store.speeches())
    assert SEED_000 in committed and 1 < len(committed) < 9
    assert Searcher(store).search("五皮精神", k=3, mode="keyword")[0].source == SEED_000
    report = store_ingestor.ingest([seed_dir], progress=False)
    assert len(store.speeches()) == 9 and consistent(store)
    assert set(report.unchanged) == committed and len(report.added) == 9 - len(committed)


@pytest.mark.parametrize("store_kind", STORES)
def test_killed_process_mid_ingestion(tmp_path, seed_dir, store_kind):
    """SIGKILL a real ingesting process, then check the index and finish the work."""
    script = tmp_path / "ingest_slowly.py"
    script.write_text(KILL_SCRIPT.format(repo=str(REPO), index=str(tmp_path / "index"), seeds=str(seed_dir),
                                         store=store_kind, uri=str(tmp_path / "pq.db")))
    process = subprocess.Popen([sys.executable, str(script), "slow"], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "started"
    time.sleep(2.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    done = subprocess.run([sys.executable, str(script), "check"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "consistent:9", done.stdout


KILL_SCRIPT = '''
import sys, time
sys.path.insert(0, {repo!r})
from pathlib import Path
from assistant.settings import Settings
from assistant import factory
import vectorstore.ingest
from tests.fakes import BigramEmbeddings
from tests.test_stores import consistent

class Slow(BigramEmbeddings):
    def embed_documents(self, texts):
        time.sleep(0.4)
        return super().embed_documents(texts)

settings = Settings(index_dir=Path({index!r}), store={store!r}, milvus_uri={uri!r})
slow = sys.argv[1] == "slow"
vectorstore.ingest._BATCH_CHUNKS = 4
index = factory.build_index(settings, embeddings=Slow() if slow else BigramEmbeddings())
if slow:
    print("started", flush=True)
else:
    print("before:%d" % len(index.speeches()))
report = factory.build_ingestor(settings, index).ingest([{seeds!r}], progress=False)
print(report.summary())
print("consistent:%d" % len(index.speeches()) if consistent(index) else "inconsistent")
'''


def test_index_built_by_another_model_or_chunker_is_refused(store_settings, store, store_ingestor, seed_dir):
    from assistant import factory

    store_ingestor.ingest([seed_dir / "003_afb0ec9b2fd93498.txt"], progress=False)
    other = BigramEmbeddings()
    other.model_id = "another/model"
    with pytest.raises(IndexMismatchError, match="policyqa ingest --rebuild"):
        factory.build_index(store_settings, embeddings=other)
    with pytest.raises(IndexMismatchError, match="chunker"):
        factory.build_index(store_settings.model_copy(update={"chunk_max_chars": 250}), embeddings=BigramEmbeddings())
    factory.drop_index(store_settings)
    assert factory.build_index(store_settings, embeddings=other).chunk_count() == 0


def test_filters_in_every_mode(store, store_ingestor, seed_dir):
    store_ingestor.ingest([seed_dir], progress=False)
    searcher = Searcher(store, keyword_weight=8.0)
    for mode in ("dense", "keyword", "hybrid"):
        hits = searcher.search("招商引资", k=5, mode=mode, filters=SearchFilters(speaker="张笑东"))
        assert hits and {h.speech_id for h in hits} == {"004_30715ac9391e336e.txt#5"}
        hits = searcher.search("招商", k=5, mode=mode, filters=SearchFilters(place="株洲"))
        assert hits and {h.speech_id for h in hits} == {"004_30715ac9391e336e.txt#1"}
        dated = searcher.search("招商", k=5, mode=mode, filters=SearchFilters(date_from="2024-05", date_to="2024"))
        assert dated and {h.date for h in dated} == {"2024-05-04"}
        assert not searcher.search("招商", k=5, mode=mode, filters=SearchFilters(date_to="2023-12-31"))
        ids = SearchFilters(speech_ids=(SEED_000,))
        assert {h.speech_id for h in searcher.search("项目", k=5, mode=mode, filters=ids)} == {SEED_000}


def test_search_gives_exact_spans_and_the_slogan_first(store, store_ingestor, seed_dir):
    from vectorstore.readers import load_file
    from vectorstore.speech.speeches import speeches_from_document

    store_ingestor.ingest([seed_dir], progress=False)
    texts = {s.id: s.text for path in sorted(seed_dir.iterdir())
             for document in load_file(path) for s in speeches_from_document(document)}
    for passage in Searcher(store, keyword_weight=8.0).search("项目落地率和资金到位率", k=10):
        assert texts[passage.speech_id][passage.start:passage.end] == passage.text
    first = Searcher(store, keyword_weight=8.0).search("什么是五皮精神", k=3, mode="keyword")[0]
    assert first.source == SEED_000 and "硬着头皮" in first.text
    assert not store.keyword_search("？", 5)


def test_exact_phrases_chunks_and_similarities(store, store_ingestor, seed_dir, tmp_path):
    odd = tmp_path / "odd"
    odd.mkdir()
    body = "同志们：今年全县招商引资工作取得新进展，重点项目建设稳步推进，营商环境持续改善。" * 3
    (odd / "odd.txt").write_text(f"在全县经济工作会议上的讲话\n\n{body}\n\n增长率达到100%_以上，\"引号\"和'单引号'"
                                 "以及反斜杠\\都要原样查到，这是对各项指标的基本要求。\n", "utf-8")
    store_ingestor.ingest([seed_dir, odd], progress=False)
    for phrase in ("100%_以上", "\"引号\"", "'单引号'", "反斜杠\\都"):
        assert [c.source for c in store.chunks_containing(phrase)] == ["odd.txt"], phrase
    assert not store.chunks_containing("100%_以上", where={"speech_id": SEED_000})
    assert {c.speech_id for c in store.chunks_containing("五皮精神")} == {SEED_000}
    ids = sorted(store.chunk_ids({"speech_id": SEED_000}))[:3]
    assert [c.id for c in store.get_chunks(ids + ["missing"])] == ids
    similar = store.similarities("五皮精神", ids)
    assert set(similar) == set(ids) and all(-1.0 <= value <= 1.0001 for value in similar.values())


def test_chroma_searches_its_graph_wide_new_or_old(settings):
    """New Chroma indexes explore SEARCH_EF HNSW candidates; one built with Chroma's default is widened on open."""
    from assistant import factory
    from vectorstore.stores.chroma import SEARCH_EF

    store = factory.build_index(settings, embeddings=BigramEmbeddings())
    assert store._chunks.configuration["hnsw"]["ef_search"] == SEARCH_EF
    store._chunks.modify(configuration={"hnsw": {"ef_search": 100}})  # as Chroma's default built it
    reopened = factory.build_index(settings, embeddings=BigramEmbeddings())
    assert reopened._chunks.configuration["hnsw"]["ef_search"] == SEARCH_EF


@pytest.fixture
def chroma_and_milvus(settings, seed_dir, tmp_path):
    """The seeds in both stores; Milvus with the analyzer a test asks for (``tokens`` by default)."""
    from assistant import factory

    def build(analyzer: str = "tokens"):
        chroma = factory.build_index(settings, embeddings=BigramEmbeddings())
        milvus = factory.build_index(settings.model_copy(update={
            "store": "milvus", "milvus_uri": str(tmp_path / f"{analyzer}.db"), "milvus_analyzer": analyzer}),
            embeddings=BigramEmbeddings())
        for store in (chroma, milvus):
            factory.build_ingestor(settings, store).ingest([seed_dir], progress=False)
        return chroma, milvus
    return build


@pytest.mark.parametrize("analyzer, tolerance", [("tokens", 1e-6), ("jieba", 0.15)])
def test_keyword_idf_counts_chunks_like_the_keyword_index(chroma_and_milvus, analyzer, tolerance):
    """Both stores weigh a question's words alike: exactly on the tokens analyzer, bigrams
    exactly and jieba words nearly on the engine's jieba."""
    chroma, milvus = chroma_and_milvus(analyzer)
    tokens = ["五皮", "精神", "招商", "项目", "千精", "不存在的词"]
    ours, theirs = chroma.keyword.idf(tokens), milvus.keyword.idf(tokens)
    assert len(chroma.keyword) == len(milvus.keyword)
    for token in tokens:
        assert theirs[token] == pytest.approx(ours[token], abs=tolerance), token


def test_milvus_bm25_over_our_tokens_ranks_as_the_keyword_index(chroma_and_milvus):
    chroma, milvus = chroma_and_milvus("tokens")
    for query in ("什么是五皮精神", "招商引资的主阵地和主要载体", "项目落地要抓哪些环节", "2024年安阳的GDP"):
        ours = [hit.chunk.id for hit in chroma.keyword_search(query, k=5)]
        theirs = [hit.chunk.id for hit in milvus.keyword_search(query, k=5)]
        assert theirs == ours, query


def test_a_milvus_index_built_with_another_analyzer_asks_for_a_rebuild(chroma_and_milvus, settings, tmp_path):
    from assistant import factory
    from vectorstore.errors import IndexMismatchError

    chroma_and_milvus("tokens")
    jieba = settings.model_copy(update={"store": "milvus", "milvus_uri": str(tmp_path / "tokens.db"),
                                        "milvus_analyzer": "jieba"})
    with pytest.raises(IndexMismatchError, match="POLICYQA_MILVUS_ANALYZER.*--rebuild"):
        factory.build_index(jieba, embeddings=BigramEmbeddings())


def test_milvus_keeps_nothing_on_local_disk_but_lite_file(settings, tmp_path, seed_dir):
    from assistant import factory

    milvus = settings.model_copy(update={"store": "milvus", "milvus_uri": str(tmp_path / "lite" / "pq.db")})
    store = factory.build_index(milvus, embeddings=BigramEmbeddings())
    factory.build_ingestor(milvus, store).ingest([seed_dir], progress=False)
    assert not milvus.keyword_dir.exists() and not (settings.index_dir / "chroma").exists()
    assert (tmp_path / "lite" / "pq.db").exists()


def test_milvus_lists_every_row_whatever_order_the_engine_keeps(settings, tmp_path, seed_dir, monkeypatch):
    """Listings page through all rows, however few a page holds: the last-written speech
    first in the engine's order does not hide the ones after it in key order."""
    from assistant import factory
    from vectorstore.stores import milvus as milvus_module

    monkeypatch.setattr(milvus_module, "_PAGE", 5)
    milvus = settings.model_copy(update={"store": "milvus", "milvus_uri": str(tmp_path / "pq.db")})
    store = factory.build_index(milvus, embeddings=BigramEmbeddings())
    ingestor = factory.build_ingestor(milvus, store)
    ingestor.ingest([sorted(seed_dir.glob("*.txt"))[-1]], progress=False)
    ingestor.ingest([seed_dir], progress=False)
    assert len(store.speeches()) == 9 and store.chunk_count() > 5 and consistent(store)
    assert store.repair() == 0


def test_another_replica_sees_writes(settings, tmp_path, seed_dir, monkeypatch):
    from assistant import factory
    from vectorstore.stores import milvus as milvus_module

    monkeypatch.setattr(milvus_module, "RECHECK_S", 0.0)
    milvus = settings.model_copy(update={"store": "milvus", "milvus_uri": str(tmp_path / "pq.db")})
    writer = factory.build_index(milvus, embeddings=BigramEmbeddings())
    reader = factory.build_index(milvus, embeddings=BigramEmbeddings())
    assert reader.speeches() == {} and len(reader.keyword) == 0
    factory.build_ingestor(milvus, writer).ingest([seed_dir], progress=False)
    assert len(reader.speeches()) == 9 and len(reader.keyword) == writer.chunk_count() > 0


def test_assistant_answers_on_milvus(settings, tmp_path, seed_dir):
    from assistant import factory

    milvus = settings.model_copy(update={"store": "milvus", "milvus_uri": str(tmp_path / "pq.db"),
                                         "data_dir": seed_dir})
    assistant = factory.build_assistant(milvus, embeddings=BigramEmbeddings())
    answer = assistant.ask("什么是“五皮精神”？")
    assert answer.grounded and answer.citations[0].source == SEED_000 and "硬着头皮" in answer.text


def test_bad_milvus_settings_are_one_line_errors(settings, tmp_path):
    from assistant import factory

    with pytest.raises(ConfigError, match="neither a Milvus Lite file"):
        factory.build_index(settings.model_copy(update={"store": "milvus", "milvus_uri": str(tmp_path / "x")}),
                            embeddings=BigramEmbeddings())
    with pytest.raises(ConfigError, match="weighted needs a Milvus server"):
        factory.build_index(settings.model_copy(update={"store": "milvus", "milvus_uri": str(tmp_path / "w.db"),
                                                        "milvus_fusion": "weighted"}), embeddings=BigramEmbeddings())
    (tmp_path / "old.db" / "collections").mkdir(parents=True)  # what Milvus Lite 3 left: a folder
    with pytest.raises(ConfigError, match="is a folder.*another .db path"):
        factory.build_index(settings.model_copy(update={"store": "milvus", "milvus_uri": str(tmp_path / "old.db")}),
                            embeddings=BigramEmbeddings())


def test_milvus_index_info_names_the_store(tmp_path, seed_dir):
    env = {**os.environ, "POLICYQA_STORE": "milvus", "POLICYQA_MILVUS_URI": str(tmp_path / "pq.db"),
           "POLICYQA_INDEX_DIR": str(tmp_path / "index"), "POLICYQA_EMBEDDING_MODEL": "hashing"}
    cli = [sys.executable, "-m", "assistant.faces.cli"]
    assert subprocess.run(cli + ["ingest", str(seed_dir)], env=env, cwd=REPO, capture_output=True).returncode == 0
    info = subprocess.run(cli + ["index", "info"], env=env, cwd=REPO, capture_output=True, text=True)
    assert "store: milvus" in info.stdout and "chunks: " in info.stdout, info.stderr[-1000:]
    assert not (tmp_path / "index" / "keyword").exists()


def test_a_speech_moves_to_another_collection_and_a_view_sees_only_its_own(store, store_ingestor, seed_dir):
    from vectorstore.stores.view import CollectionView

    store_ingestor.ingest([seed_dir], progress=False)
    first, *others = sorted(store.speeches())
    chunks = store.chunk_count()
    store.set_collection([first], "其他")
    store.save()
    assert store.speeches()[first].collection == "其他" and store.chunk_count() == chunks  # nothing re-embedded
    assert {store.speeches()[i].collection for i in others} == {"默认"}
    view = CollectionView(store, frozenset({"其他"}))
    assert list(view.speeches()) == [first] and view.chunk_count() == store.speeches()[first].chunk_count
    for hits in (view.dense_search("招商引资", 20), view.keyword_search("招商引资", 20),
                 view.hybrid_search("招商引资", 20, None, 1.0, 1.0)):
        assert hits and {hit.chunk.speech_id for hit in hits} == {first}
    assert view.speech_chunks(others[0]) == [] and all(c.speech_id == first for c in view.chunks_containing("招商"))

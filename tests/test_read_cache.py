"""What the Chroma store's reads found is kept until its next write (vectorstore/stores/read_cache.py):
a question asked again reads Chroma for its dense search only, and every write is seen at once."""

from __future__ import annotations

import pytest

from vectorstore.search import SearchFilters, Searcher
from vectorstore.stores.read_cache import ReadCache

SEED_000 = "000_00b9841ddb1ffabe.txt"
SEED_003 = "003_afb0ec9b2fd93498.txt"


class Reads:
    """A read function that counts its calls."""

    def __init__(self, result=None):
        self.calls, self.result = 0, result

    def __call__(self, *args):
        self.calls += 1
        return self.result(*args) if callable(self.result) else self.result


def test_a_value_is_read_once_until_the_store_changes():
    cache, read = ReadCache(), Reads("records")
    assert cache.value("speeches", read) == cache.value("speeches", read) == "records"
    assert read.calls == 1
    cache.changed()
    assert cache.value("speeches", read) == "records" and read.calls == 2


def test_a_value_read_while_a_write_was_under_way_is_not_kept():
    cache = ReadCache()
    read = Reads(lambda: cache.changed() or "read mid-write")  # a write starts or ends during the read
    assert cache.value("speeches", read) == "read mid-write"
    cache.value("speeches", read)
    assert read.calls == 2


def test_items_by_id_are_read_once_and_an_absent_id_is_kept_as_absent():
    cache = ReadCache()
    read = Reads(lambda ids: {i: i.upper() for i in ids if i != "gone"})
    assert cache.by_id("chunks", ["a", "gone", "b", "a"], read) == {"a": "A", "b": "B"}
    assert cache.by_id("chunks", ["b", "gone"], read) == {"b": "B"} and read.calls == 1
    assert cache.by_id("vectors", ["a"], read) == {"a": "A"} and read.calls == 2  # each kind its own
    cache.changed()
    cache.by_id("chunks", ["a"], read)
    assert read.calls == 3


def test_items_read_while_a_write_was_under_way_are_not_kept():
    cache = ReadCache()
    read = Reads(lambda ids: cache.changed() or {i: i for i in ids})
    cache.by_id("chunks", ["a"], read)
    cache.by_id("chunks", ["a"], read)
    assert read.calls == 2


def test_items_kept_stay_within_the_bound():
    cache = ReadCache(max_per_id=3)
    read = Reads(lambda ids: {i: i for i in ids})
    cache.by_id("chunks", ["a", "b", "c"], read)
    cache.by_id("chunks", ["d"], read)  # over the bound: the others are dropped
    cache.by_id("chunks", ["a", "d"], read)
    assert read.calls == 3


class Counted:
    """A Chroma collection whose get/count/query calls are counted."""

    def __init__(self, collection, calls: dict):
        self._collection, self._calls = collection, calls

    def __getattr__(self, name: str):
        attribute = getattr(self._collection, name)
        if name not in ("get", "count", "query"):
            return attribute

        def call(*args, **kwargs):
            self._calls[name] = self._calls.get(name, 0) + 1
            return attribute(*args, **kwargs)

        return call


@pytest.fixture
def seeded(index, ingestor, seed_dir):
    ingestor.ingest([seed_dir], progress=False)
    calls: dict[str, int] = {}
    index._chunks, index._speeches = Counted(index._chunks, calls), Counted(index._speeches, calls)
    return index, calls


def every_read(index, ids: list[str]) -> dict:
    """What a question reads of the store (and what the reading view does), as plain values."""
    where = SearchFilters(speech_ids=(SEED_000, SEED_003)).where()
    return {"speeches": sorted(index.speeches()), "count": index.chunk_count(),
            "chunks": [c.id for c in index.get_chunks(ids + ["missing"])],
            "similar": sorted(index.similarities("招商引资", ids)),
            "containing": [c.id for c in index.chunks_containing("招商", limit=50)],
            "speech": [c.id for c in index.speech_chunks(SEED_003)],
            "keyword": [s.chunk.id for s in index.keyword_search("招商引资", 10, where)],
            "hybrid": [p.chunk_id for p in Searcher(index).search("招商引资", k=10)]}


def test_a_question_asked_again_reads_chroma_for_its_dense_search_only(seeded):
    index, calls = seeded
    ids = sorted(index.chunk_ids({"speech_id": SEED_003}))[:4]
    first = every_read(index, ids)
    calls.clear()
    assert every_read(index, ids) == first
    assert calls == {"query": 1}  # the hybrid's dense search


def test_every_write_is_seen_by_the_next_read(seeded):
    index, _ = seeded
    ids = sorted(index.chunk_ids({"speech_id": SEED_003}))[:4]
    before = every_read(index, ids)
    assert SEED_003 in before["speeches"] and before["speech"] and before["chunks"]
    index.remove_speeches([SEED_003])
    after = every_read(index, ids)
    assert SEED_003 not in after["speeches"] and after["speech"] == [] and after["chunks"] == []
    assert after["similar"] == [] and after["count"] == before["count"] - len(before["speech"])
    assert not {chunk_id for chunk_id in after["containing"] + after["keyword"] + after["hybrid"]
                if chunk_id.startswith(SEED_003)}
    index.set_collection([SEED_000], "其他")
    assert index.speeches()[SEED_000].collection == "其他"

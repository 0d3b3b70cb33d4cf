"""Two writers on one index folder (two servers, or a server and `policyqa ingest`): nothing either wrote is lost.

Before the writer lock, the one that saved its keyword index last dropped the other's chunks from it:
keyword search there never found them and the file on disk lacked them.
"""

from __future__ import annotations

import os
import threading

import pytest

from tests.conftest import SEED_FILES
from tests.fakes import BigramEmbeddings
from vectorstore.runtime.writer_lock import IndexBusyError
from vectorstore.stores.keyword_index import KeywordIndex

COLD_CHAIN = ("在全市冷链物流产业推进会上的讲话\n同志们：今天我们召开冷链物流产业推进会，研究部署冷链仓储基地建设。"
              "要加快冷链仓储基地建设，年底前建成十万吨冷库。\n")
HARBOUR = ("在全县港口建设工作会议上的讲话\n同志们：今天召开港口建设工作会议。要加快集装箱码头扩建，"
           "年内新增泊位三个，打通铁水联运通道。\n")


@pytest.fixture
def hashing_settings(settings):
    return settings.model_copy(update={"embedding_model": "hashing", "index_write_wait": 0.3})


def store(settings):
    from assistant import factory

    return factory.build_index(settings, embeddings=BigramEmbeddings())


def ingest(settings, index, path):
    from assistant import factory

    return factory.build_ingestor(settings, index).ingest([path], progress=False)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def found_by_keyword(index, query: str) -> set[str]:
    return {hit.chunk.speech_id for hit in index.keyword_search(query, k=5)}


def test_the_second_writer_keeps_what_the_first_saved(hashing_settings, tmp_path):
    first, second = store(hashing_settings), store(hashing_settings)  # two servers, both open before any write
    ingest(hashing_settings, first, write(tmp_path, "冷链.txt", COLD_CHAIN))
    ingest(hashing_settings, second, write(tmp_path, "港口.txt", HARBOUR))
    assert_both_kept(hashing_settings, first, second)


def test_two_writers_at_once_both_keep_everything(hashing_settings, tmp_path):
    """The campaign's case: two servers uploading at the same moment."""
    settings = hashing_settings.model_copy(update={"index_write_wait": 60})
    first, second = store(settings), store(settings)
    jobs = [threading.Thread(target=ingest, args=(settings, first, write(tmp_path, "冷链.txt", COLD_CHAIN * 40))),
            threading.Thread(target=ingest, args=(settings, second, write(tmp_path, "港口.txt", HARBOUR * 40)))]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    assert_both_kept(settings, first, second)


def assert_both_kept(settings, first, second) -> None:
    on_disk = KeywordIndex.open(settings.keyword_dir)
    speeches = {record.file: speech_id for speech_id, record in second.speeches().items()}
    assert set(speeches) == {"冷链.txt", "港口.txt"}
    assert on_disk.ids() == second.chunk_ids()
    for index in (first, second):
        assert speeches["冷链.txt"] in found_by_keyword(index, "冷链仓储基地")
        assert speeches["港口.txt"] in found_by_keyword(index, "集装箱码头")


def test_a_write_while_another_holds_the_folder_is_refused_naming_it(hashing_settings, tmp_path):
    first, second = store(hashing_settings), store(hashing_settings)
    holding, release = threading.Event(), threading.Event()

    def hold():
        with first.writing("ingest of 冷链.txt"):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        holding.wait(10)
        with pytest.raises(IndexBusyError, match=f"process {os.getpid()} .*ingest of 冷链.txt"):
            ingest(hashing_settings, second, write(tmp_path, "港口.txt", HARBOUR))
    finally:
        release.set()
        holder.join()
    assert ingest(hashing_settings, second, write(tmp_path, "港口.txt", HARBOUR)).added  # free again


def test_a_stale_keyword_file_of_the_right_size_is_rebuilt_on_open(hashing_settings, tmp_path):
    index = store(hashing_settings)
    ingest(hashing_settings, index, SEED_FILES[0])
    stale = KeywordIndex(hashing_settings.keyword_dir)  # as many chunks, none of them the index's
    stale.upsert([f"gone-{i}" for i in range(index.chunk_count())], ["无关的旧文字"] * index.chunk_count())
    stale.save()
    reopened = store(hashing_settings)
    assert reopened.keyword.ids() == reopened.chunk_ids()
    assert KeywordIndex.open(hashing_settings.keyword_dir).ids() == reopened.chunk_ids()

"""A SpeechIndex sees what another writer (a second client, a CLI `policyqa ingest`) wrote, unrebuilt."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO, SEED_FILES
from tests.fakes import BigramEmbeddings

POLICYQA = os.path.join(os.path.dirname(sys.executable), "policyqa")
NEW_SPEECH = ("在全市冷链物流产业推进会上的讲话\n同志们：今天我们召开冷链物流产业推进会，"
              "研究部署冷链仓储基地建设。要加快冷链仓储基地建设，年底前建成十万吨冷库。\n")
_REMOVE = """
import sys
from pathlib import Path
from assistant import factory
from assistant.settings import Settings
from tests.fakes import BigramEmbeddings
settings = Settings(index_dir=Path(sys.argv[1]), embedding_model="hashing")
index = factory.build_index(settings, embeddings=BigramEmbeddings())
index.remove_speeches([sys.argv[2]])
index.save()
"""


@pytest.fixture
def hashing_settings(settings):
    return settings.model_copy(update={"embedding_model": "hashing"})


@pytest.fixture
def seeded(hashing_settings, tmp_path):
    """An index of two seed speeches files, built in this process."""
    from assistant import factory

    index = factory.build_index(hashing_settings, embeddings=BigramEmbeddings())
    factory.build_ingestor(hashing_settings, index).ingest(SEED_FILES[:2], progress=False)
    return index


def _new_file(tmp_path):
    path = tmp_path / "冷链讲话.txt"
    path.write_text(NEW_SPEECH, "utf-8")
    return path


def _cli(settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICYQA_INDEX_DIR": str(settings.index_dir), "POLICYQA_EMBEDDING_MODEL": "hashing",
           "PYTHONPATH": str(REPO)}
    done = subprocess.run(list(args), env=env, cwd=REPO, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return done


def _sees(index, speech_id: str) -> dict[str, bool]:
    return {
        "speeches": speech_id in index.speeches(),
        "keyword": any(hit.chunk.speech_id == speech_id for hit in index.keyword_search("冷链仓储基地", k=3)),
        "dense": any(hit.chunk.speech_id == speech_id for hit in index.dense_search("冷链仓储基地建设", k=3)),
    }


def test_second_index_in_this_process_sees_a_write_through_the_first(hashing_settings, seeded, tmp_path):
    from assistant import factory

    reader = factory.build_index(hashing_settings, embeddings=BigramEmbeddings())
    assert not any(_sees(reader, "冷链讲话.txt").values())
    factory.build_ingestor(hashing_settings, seeded).ingest([_new_file(tmp_path)], progress=False)
    assert _sees(reader, "冷链讲话.txt") == {"speeches": True, "keyword": True, "dense": True}


def test_index_sees_a_cli_ingest_and_delete_in_another_process(hashing_settings, seeded, tmp_path):
    keyword = seeded.keyword  # held by the answerer (its idf): must be updated in place
    assert not any(_sees(seeded, "冷链讲话.txt").values())
    _cli(hashing_settings, POLICYQA, "ingest", str(_new_file(tmp_path)))
    assert _sees(seeded, "冷链讲话.txt") == {"speeches": True, "keyword": True, "dense": True}
    assert seeded.keyword is keyword and seeded.chunk_count() == len(keyword)
    assert keyword.idf(["冷链"])["冷链"] < keyword.idf(["从未出现的词"])["从未出现的词"]
    _cli(hashing_settings, sys.executable, "-c", _REMOVE, str(hashing_settings.index_dir), "冷链讲话.txt")
    assert _sees(seeded, "冷链讲话.txt") == {"speeches": False, "keyword": False, "dense": False}
    assert seeded.chunk_count() == len(keyword) == sum(r.chunk_count for r in seeded.speeches().values())


def test_own_writes_do_not_reload(hashing_settings, seeded, tmp_path, monkeypatch):
    from assistant import factory

    reloads = []
    monkeypatch.setattr(type(seeded), "_reload", lambda self, stamp: reloads.append(stamp))
    factory.build_ingestor(hashing_settings, seeded).ingest([_new_file(tmp_path)], progress=False)
    assert "冷链讲话.txt" in seeded.speeches() and not reloads


def test_checking_for_changes_is_cheap(seeded):
    seeded.speeches()
    start = time.perf_counter()
    for _ in range(1000):
        seeded._refresh()
    assert (time.perf_counter() - start) / 1000 < 1e-4  # a stat; an ask makes a handful of reads

"""4. A file is not its bare name: another file of the same name (another folder, or an upload
named like a data/ speech) is added as its own speech, never silently replacing one."""

from __future__ import annotations

import shutil

from assistant import factory
from assistant.uploads import Upload
from tests.conftest import DATA_DIR
from tests.fakes import BigramEmbeddings

SEED_000 = "000_00b9841ddb1ffabe.txt"
IMPOSTOR = ("在全市安全生产工作会议上的讲话\n同志们：\n今天召开全市安全生产工作会议，主要任务是部署下一阶段的安全生产工作。\n"
            "一、安全生产责任重于泰山，各级各部门要坚持“管行业必须管安全、管业务必须管安全”。\n"
            "二、要开展重点行业领域隐患排查整治，对排查出的问题建立台账，逐项整改销号。\n")


def build(tmp_path):
    from assistant.settings import load_settings

    settings = load_settings(index_dir=tmp_path / "index", data_dir=DATA_DIR)
    return factory.build_assistant(settings, embeddings=BigramEmbeddings())


def test_an_upload_named_like_a_seed_is_its_own_speech(tmp_path):
    assistant = build(tmp_path)
    before = {s.id for s in assistant.speeches()}
    outcome = assistant.add_files([Upload(SEED_000, IMPOSTOR.encode())])
    assert outcome.added == (f"{SEED_000}~2",) and not outcome.updated
    assert {s.id for s in assistant.speeches()} == before | {f"{SEED_000}~2"}
    answer = assistant.ask("什么是四千精神？")
    assert answer.grounded and "千方百计" in answer.text
    assert answer.citations[0].source == SEED_000


def test_same_name_in_two_folders_gives_two_speeches_that_stay_apart(tmp_path):
    assistant = build(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text(IMPOSTOR.replace("全市", "甲县"), encoding="utf-8")
    (tmp_path / "b" / "x.txt").write_text(IMPOSTOR.replace("全市", "乙县"), encoding="utf-8")
    first = assistant.ingest([tmp_path / "a" / "x.txt"])
    second = assistant.ingest([tmp_path / "b" / "x.txt"])
    assert first.added == ["x.txt"] and second.added == ["x.txt~2"] and not second.updated
    again = assistant.ingest([tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt"])
    assert sorted(again.unchanged) == ["x.txt", "x.txt~2"]
    (tmp_path / "b" / "x.txt").write_text(IMPOSTOR.replace("全市", "乙县") + "三、要压实企业主体责任。\n",
                                          encoding="utf-8")
    assert assistant.ingest([tmp_path / "b" / "x.txt"]).updated == ["x.txt~2"]


def test_a_moved_file_keeps_its_speech(tmp_path):
    assistant = build(tmp_path)
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    (old / "y.txt").write_text(IMPOSTOR, encoding="utf-8")
    assert assistant.ingest([old]).added == ["y.txt"]
    shutil.move(old, new)
    report = assistant.ingest([new])
    assert report.unchanged == ["y.txt"] and not report.added

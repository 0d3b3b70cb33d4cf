"""The evaluation harness: fully right, per-kind rows, id halves, conversations, extra corpora (cheap embedder)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from assistant.faces import cli
from assistant.evaluation.runner import eval_settings, final_answer
from assistant.evaluation.metrics import (
    Evidence,
    Question,
    QuestionResult,
    load_questions,
    per_kind,
    select_ids,
    supports,
    summarise,
)
from vectorstore.errors import InputError

FOUR = {"source": "000_00b9841ddb1ffabe.txt", "quote": "千言万语、千里迢迢、千方百计、千辛万苦"}


def result(id="d01", kind="fact", answerable=True, grounded=True, coverage=1.0, supported=True) -> QuestionResult:
    return QuestionResult(id=id, kind=kind, question="?", answerable=answerable, has_evidence=answerable,
                          rank=1 if answerable else None, grounded=grounded,
                          coverage=coverage if answerable else None, supported=supported if answerable else None,
                          quotes=1, exact_quotes=1, answer="…", seconds=0.1)


def write_lines(path, rows) -> str:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return str(path)


# -- units ---------------------------------------------------------------------
def test_fully_right_needs_the_expected_grounding_and_every_term():
    assert result().fully_right
    assert not result(coverage=0.5).fully_right  # one must_include term missing
    assert not result(grounded=False).fully_right  # refused an answerable question
    assert result(kind="unanswerable", answerable=False, grounded=False).fully_right
    assert not result(kind="unanswerable", answerable=False, grounded=True).fully_right
    assert result().as_dict()["fully_right"] is True


def test_per_kind_counts_each_kind_then_all():
    rows = per_kind([result("d01"), result("d02", coverage=0.5, supported=False), result("d03", kind="list"),
                     result("d04", kind="unanswerable", answerable=False, grounded=True)])
    by_kind = {row["kind"]: row for row in rows}
    assert [row["kind"] for row in rows] == ["fact", "list", "unanswerable", "all"]
    assert by_kind["fact"] == {"kind": "fact", "questions": 2, "fully_right": 1, "coverage": 0.75,
                               "support": 0.5, "refusal": 1.0, "answered": 2, "precision": 0.5, "accuracy": 0.5}
    assert by_kind["unanswerable"]["fully_right"] == 0 and by_kind["unanswerable"]["refusal"] == 0.0
    assert by_kind["unanswerable"]["coverage"] is None and by_kind["unanswerable"]["support"] is None
    assert by_kind["all"]["questions"] == 4 and by_kind["all"]["fully_right"] == 2
    assert per_kind([result()])[0]["kind"] == "fact" and len(per_kind([result()])) == 1
    assert summarise([result(), result(coverage=0.0)])["fully_right"] == 0.5


def test_precision_is_right_among_answers_given_and_a_refusal_does_not_lower_it():
    right, wrong, refused = result("d01"), result("d02", coverage=0.5), result("d03", grounded=False, coverage=0.0)
    invented = result("d04", kind="unanswerable", answerable=False, grounded=True)
    assert summarise([right, refused])["precision"] == 1.0 and summarise([right, refused])["answered"] == 0.5
    assert summarise([right, wrong, invented])["precision"] == 1 / 3
    row = per_kind([refused])[0]
    assert row["answered"] == 0 and row["precision"] is None and row["accuracy"] == 0.0


def test_select_ids_keeps_odd_or_even_numbers():
    questions = [Question(id, "?", "fact", True) for id in ("d01", "p12", "q07", "t03", "x")]
    assert [q.id for q in select_ids(questions, "odd")] == ["d01", "q07", "t03"]
    assert [q.id for q in select_ids(questions, "even")] == ["p12"]
    assert len(select_ids(questions, "all")) == 5
    with pytest.raises(InputError, match="even"):
        select_ids(questions[:1], "even")


def test_a_conversation_line_is_a_question_with_turns(tmp_path):
    path = write_lines(tmp_path / "c.jsonl", [
        {"id": "t01", "turns": ["什么是“四千精神”？", "那五皮精神呢？"], "must_include": ["硬着头皮"], "evidence": [FOUR]},
        {"id": "t02", "turns": ["一问"], "kind": "meta", "must_include": []},
        {"id": "d01", "question": "什么是“四千精神”？", "kind": "list"},
    ])
    first, second, plain = load_questions(path)
    assert first.question == "那五皮精神呢？" and first.turns == ("什么是“四千精神”？", "那五皮精神呢？")
    assert first.kind == "conversation" and first.answerable and first.evidence[0].source == FOUR["source"]
    assert second.kind == "meta" and plain.turns == ()


def test_a_jsonl_evidence_source_matches_its_record_only():
    gold = Evidence("policy_texts_public.jsonl#spr-gwr-0000", "赤字率")
    assert supports("policy_texts_public.jsonl#spr-gwr-0000", "赤字率拟按4%左右安排", gold)
    assert not supports("policy_texts_public.jsonl#spr-gwr-0001", "赤字率拟按4%左右安排", gold)
    assert supports("policy_texts_public.jsonl#reg-1", "赤字率", Evidence("policy_texts_public.jsonl", "赤字率"))


def test_replay_sends_the_earlier_turns_and_the_assistants_own_answers():
    class Recording:
        def __init__(self):
            self.calls = []

        def ask(self, question, history=None):
            self.calls.append((question, list(history)))
            return SimpleNamespace(text=f"答{len(self.calls)}", query=question)

    recording = Recording()
    answer = final_answer(recording, Question("t01", "三问", "conversation", True, turns=("一问", "二问", "三问")))
    assert answer.text == "答3"
    assert recording.calls == [
        ("一问", []),
        ("二问", [{"role": "user", "content": "一问"}, {"role": "assistant", "content": "答1"}]),
        ("三问", [{"role": "user", "content": "一问"}, {"role": "assistant", "content": "答1"},
                 {"role": "user", "content": "二问"}, {"role": "assistant", "content": "答2"}]),
    ]


def test_an_explicit_index_dir_wins_over_the_cached_one(tmp_path):
    from assistant.settings import Settings

    implicit = Settings(cache_dir=tmp_path)
    chosen = eval_settings(implicit, ["a.txt"]).index_dir
    assert chosen.parent == tmp_path / "eval-index"
    assert eval_settings(implicit, ["a.txt"]).index_dir == chosen != eval_settings(implicit, ["b.txt"]).index_dir
    assert eval_settings(implicit, None) is implicit
    explicit = Settings(cache_dir=tmp_path, index_dir=tmp_path / "mine")
    assert eval_settings(explicit, ["a.txt"]).index_dir == tmp_path / "mine"


# -- through the command line -----------------------------------------------------
@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    for key in ("POLICYQA_CHROMA_HOST", "POLICYQA_CHUNK_MAX_CHARS", "POLICYQA_DATA_DIR"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("POLICYQA_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("POLICYQA_LLM", "extractive")
    monkeypatch.setenv("POLICYQA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("POLICYQA_INDEX_DIR", str(tmp_path / "index"))

    def invoke(*argv):
        code = cli.main(["eval", *argv])
        out, _ = capsys.readouterr()
        return code, out

    return invoke


def test_eval_of_a_conversation_file_prints_each_resolved_last_turn(run, tmp_path):
    path = write_lines(tmp_path / "c.jsonl", [
        {"id": "t01", "turns": ["什么是“四千精神”？", "那五皮精神呢？"], "must_include": ["硬着头皮"],
         "evidence": [{"source": "000_00b9841ddb1ffabe.txt", "quote": "硬着头皮"}]},
        {"id": "t02", "turns": ["什么是“五皮精神”？"], "must_include": []},
    ])
    code, out = run(path, "--report-dir", str(tmp_path / "report"))
    assert code == 0 and "| id | fully right | last-turn query |" in out
    assert "| kind | questions | fully right | coverage | support | refusal |" in out and "| conversation | 2 |" in out
    first = next(line for line in out.splitlines() if line.startswith("| t01 |"))
    assert "五皮精神" in first and first != "| t01 | no | 那五皮精神呢？ |"  # resolved with the history
    report = json.loads((tmp_path / "report" / "eval.json").read_text("utf-8"))
    assert report["per_kind"][0]["kind"] == "conversation" and report["ids"] == "all"
    assert "五皮精神" in report["questions"][0]["query"] and "fully_right" in report["questions"][0]
    assert "| kind | questions | fully right |" in (tmp_path / "report" / "eval.md").read_text("utf-8")


def test_ids_keeps_one_half_and_the_report_says_which(run, tmp_path):
    rows = [{"id": f"d0{n}", "question": "什么是“四千精神”？", "kind": "list", "answerable": True,
             "evidence": [FOUR], "must_include": ["千方百计"]} for n in (1, 2, 3)]
    path = write_lines(tmp_path / "q.jsonl", rows)
    code, out = run(path, "--ids", "odd", "--report-dir", str(tmp_path / "odd"))
    report = json.loads((tmp_path / "odd" / "eval.json").read_text("utf-8"))
    assert code == 0 and "2 questions: tuning (odd ids)" in out
    assert [q["id"] for q in report["questions"]] == ["d01", "d03"] and report["ids"] == "odd"
    assert "- ids: odd" in (tmp_path / "odd" / "eval.md").read_text("utf-8")
    code, out = run(path, "--ids", "even", "--min-hit5", "1.01", "--report-dir", str(tmp_path / "even"))
    assert code == 1 and "1 questions: held-out (even ids)" in out and "below threshold: hit@5" in out


def test_corpus_is_indexed_into_a_cached_index_and_reused(run, tmp_path, monkeypatch):
    monkeypatch.delenv("POLICYQA_INDEX_DIR")
    extra = tmp_path / "extra" / "green.txt"
    extra.parent.mkdir()
    extra.write_text("关于绿色低碳发展的讲话\n\n一、坚持绿色发展\n我们要大力推进光伏制氢示范工程，力争三年内建成十座加氢站。\n",
                     "utf-8")
    path = write_lines(tmp_path / "q.jsonl", [
        {"id": "x01", "question": "加氢站要建成多少座？", "kind": "number", "answerable": True,
         "evidence": [{"source": "green.txt", "quote": "力争三年内建成十座加氢站"}], "must_include": ["十座"]}])
    code, first = run(path, "--corpus", str(extra.parent), "--report-dir", str(tmp_path / "r1"))
    index_line = next(line for line in first.splitlines() if line.startswith("index: "))
    assert code == 0 and str(tmp_path / "cache" / "eval-index") in index_line
    assert "1 added" in first and "0 chunks embedded" not in first and "| hit@1 | 1.000 |" in first
    code, second = run(path, "--corpus", str(extra.parent), "--report-dir", str(tmp_path / "r2"))
    assert code == 0 and index_line in second.splitlines() and "0 added" in second and "0 chunks embedded" in second
    report = json.loads((tmp_path / "r2" / "eval.json").read_text("utf-8"))
    assert report["corpus"] == [str(extra.parent)] and report["index_dir"] == index_line.removeprefix("index: ")

"""Finding files (discover) and the suffix → reader registry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.readers_support import HTML, ZH, cjk_pdf, jsonl_line, make_docx, write
from vectorstore.errors import InputError
from vectorstore.readers import READERS, SUPPORTED_SUFFIXES, accepted, discover, load_file


# ------------------------------------------------------------------ plain text
def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".markdown", ".docx", ".doc", ".wps", ".pdf", ".png", ".jpg",
                                       ".jpeg", ".tif", ".tiff", ".html", ".htm", ".jsonl"}
    assert set(READERS) == set(SUPPORTED_SUFFIXES) and accepted().startswith(".txt .md .markdown .docx .doc .wps")


# ---------------------------------------------------------------------- discover
def test_discover_tree(tmp_path):
    root = tmp_path / "corpus"
    for name in ["b.txt", "a.md", "sub/c.pdf", "sub/deeper/d.docx", "e.HTML", "f.jsonl", "g.markdown", "h.htm"]:
        write(root, name, b"x")
    for name in [".hidden.txt", ".git/config.txt", "sub/.cache/x.txt", "README.md", "sub/readme.MD"]:
        write(root, name, b"x")
    write(root, "table.xlsx", b"x")
    write(root, "sub/old.doc", b"x")
    write(root, "scan.PNG", b"x")
    write(root, "photo.gif", b"x")
    write(root, "NOTES", b"x")
    files, skipped = discover([root])
    rel = [f.relative_to(root).as_posix() for f in files]
    assert rel == ["a.md", "b.txt", "e.HTML", "f.jsonl", "g.markdown", "h.htm", "scan.PNG", "sub/c.pdf",
                   "sub/deeper/d.docx", "sub/old.doc"]
    reasons = {Path(p).relative_to(root).as_posix(): r for p, r in skipped}
    assert set(reasons) == {"table.xlsx", "photo.gif", "NOTES"}
    assert reasons["table.xlsx"] == f"unsupported file type .xlsx (accepted: {accepted()})"
    assert reasons["photo.gif"].endswith("; save it as .png")
    assert "no extension" in reasons["NOTES"]
    assert all("\n" not in r for r in reasons.values())


def test_discover_files_missing_and_duplicates(tmp_path):
    a = write(tmp_path, "a.txt", "x")
    readme = write(tmp_path, "README.md", "explicitly named")
    hidden = write(tmp_path, ".secret.txt", "explicitly named")
    missing = tmp_path / "missing.txt"
    files, skipped = discover([a, str(missing), readme, hidden, tmp_path / "." / "a.txt", str(tmp_path / "a.xlsx")])
    assert files == [a, readme, hidden]
    assert skipped[0] == (str(missing), "no such file or directory")
    assert skipped[1][0] == str(tmp_path / "a.xlsx") and skipped[1][1] == "no such file or directory"


def test_discover_directory_given_twice_and_empty(tmp_path):
    write(tmp_path, "d/a.txt", "x")
    (tmp_path / "empty").mkdir()
    files, skipped = discover([tmp_path / "d", tmp_path / "d", tmp_path / "empty"])
    assert [f.name for f in files] == ["a.txt"] and skipped == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_discover_skips_non_regular_files(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    files, skipped = discover([tmp_path])
    assert files == [] and skipped == [(str(tmp_path / "pipe.txt"), "not a regular file")]


def test_discover_then_load_everything(tmp_path):
    write(tmp_path, "gbk.txt", ZH, "gbk")
    write(tmp_path, "page.html", HTML)
    make_docx(tmp_path / "speech.docx")
    write(tmp_path, "zh.pdf", cjk_pdf(["各位代表："]))
    write(tmp_path, "r.jsonl", jsonl_line(id="1", text="一") + "\n" + jsonl_line(id="2", text="二"))
    write(tmp_path, "empty.txt", b"")
    files, skipped = discover([tmp_path])
    assert skipped == []
    loaded, failed = [], []
    for path in files:
        try:
            loaded.extend(load_file(path))
        except InputError as err:
            failed.append((path.name, str(err)))
    assert failed == [("empty.txt", "file is empty")]
    assert [d.source for d in loaded] == ["gbk.txt", "page.html", "r.jsonl#1", "r.jsonl#2", "speech.docx", "zh.pdf"]

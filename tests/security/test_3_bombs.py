"""Decompression bombs: files within the byte limit that expand too far are refused, fast and lean.

The bombs are built here: a .docx whose document.xml unpacks to 1 GiB from
about 1 MB, and a small .docx of millions of short paragraphs.  Each is
loaded in a fresh subprocess that reports its error, time and peak RSS growth.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.conftest import REPO
from vectorstore.errors import InputError
from vectorstore.readers import DEFAULT_MAX_TEXT_CHARS, load_file
from tests.servers import LOCAL

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
TAIL = b"</w:body></w:document>"
MAX_SECONDS = 5
MAX_RSS_GROWTH_MB = 300

_PROBE = """
import json, sys, threading, time
import psutil
from vectorstore.errors import InputError
from vectorstore.readers import DEFAULT_MAX_TEXT_CHARS, load_file
import docx, lxml.etree  # imported before the baseline: only the refusal is measured

process, peak, done = psutil.Process(), [0], threading.Event()
def sample():  # the kernel's high-water mark is updated lazily: sample RSS instead
    while not done.is_set():
        peak[0] = max(peak[0], process.memory_info().rss)
        time.sleep(0.002)
before = process.memory_info().rss
sampler = threading.Thread(target=sample)
sampler.start()
start = time.perf_counter()
try:
    load_file(sys.argv[1], max_chars=int(sys.argv[2]))
    error = None
except InputError as exc:
    error = str(exc)
seconds = time.perf_counter() - start
peak[0] = max(peak[0], process.memory_info().rss)
done.set()
sampler.join()
print(json.dumps({"error": error, "seconds": seconds, "growth_mb": (peak[0] - before) / 2**20}))
"""


def _template_parts() -> dict[str, bytes]:
    """Every part of a minimal python-docx package but its document.xml."""
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "word/document.xml"}


def _repeated_deflate(head: bytes, block: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """(raw deflate, CRC, size) of HEAD + head + block * times + tail + TAIL, compressing one copy.

    After a full flush the compressor starts afresh, so each copy of ``block``
    compresses to the same bytes: compress it once, repeat the output.
    """
    head, tail = HEAD + head, tail + TAIL
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return start + body * times + end, crc, len(head) + len(block) * times + len(tail)


def _write_zip(path: Path, parts: dict[str, bytes], document: tuple[bytes, int, int]) -> None:
    """A zip of ``parts`` (stored) and word/document.xml as given (deflated), written by hand."""
    entries, out = [], io.BytesIO()
    members = [(n, _deflate(data), zlib.crc32(data), len(data), 8) for n, data in parts.items()]
    members.append(("word/document.xml", document[0], document[1], document[2], 8))
    for name, data, crc, size, method in members:
        entries.append((name.encode(), crc, len(data), size, method, out.tell()))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size,
                              len(name.encode()), 0) + name.encode() + data)
    directory = out.tell()
    for name, crc, csize, size, method, offset in entries:
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, csize,
                              size, len(name), 0, 0, 0, 0, 0, offset) + name)
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - directory,
                          directory, 0))
    path.write_bytes(out.getvalue())


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _paragraphs(text: str, count: int) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode() * count


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    parts = _template_parts()
    run = "一".encode() * (1 << 18)  # one text node of 1 GiB, as in the issue
    _write_zip(folder / "gigabyte.docx", parts,
               _repeated_deflate(b"<w:p><w:r><w:t>", run, (1 << 30) // len(run) + 1, b"</w:t></w:r></w:p>"))
    short = _paragraphs("招商引资项目为王开工率资金到位率稳步提高", 10_000)  # 21 characters with the line break
    _write_zip(folder / "paragraphs.docx", parts, _repeated_deflate(b"", short, 58, b""))
    varied = b"".join(_paragraphs(f"第{n}条：落实招商引资政策，项目编号{n * 7919 % 100003}。", 1) for n in range(4000))
    _write_zip(folder / "varied.docx", parts, _repeated_deflate(b"", varied, 40, b""))  # 4.4 M characters
    return {name: folder / f"{name}.docx" for name in ("gigabyte", "paragraphs", "varied")}


def _probe(path: Path, max_chars: int = DEFAULT_MAX_TEXT_CHARS) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(path), str(max_chars)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_bombs_are_what_the_issue_describes(bombs):
    assert bombs["gigabyte"].stat().st_size < 2 * 2**20
    with zipfile.ZipFile(bombs["gigabyte"]) as archive:
        assert archive.getinfo("word/document.xml").file_size > 2**30
    assert bombs["paragraphs"].stat().st_size < 300 * 1024
    with zipfile.ZipFile(bombs["paragraphs"]) as archive:
        with archive.open("word/document.xml") as stream:  # a valid deflate stream, CRC and all
            xml = stream.read()
    assert xml.count(b"<w:p>") * 21 > 12_000_000


@pytest.mark.parametrize("name", ["gigabyte", "paragraphs", "varied"])
def test_bomb_is_refused_fast_and_lean(bombs, name):
    result = _probe(bombs[name])
    assert result["error"] and "\n" not in result["error"]
    assert "split" in result["error"] or "re-save" in result["error"]
    assert result["seconds"] < MAX_SECONDS
    assert result["growth_mb"] < MAX_RSS_GROWTH_MB


def test_bomb_messages_say_why(bombs):
    with pytest.raises(InputError, match=r"expands to 1\.0 GB .*POLICYQA_MAX_TEXT_CHARS.*split"):
        load_file(bombs["gigabyte"])
    with pytest.raises(InputError, match=r"compressed \d+:1 .*zip bomb"):
        load_file(bombs["paragraphs"])
    with pytest.raises(InputError, match=r"more than 3,000,000 characters .*POLICYQA_MAX_TEXT_CHARS.*split"):
        load_file(bombs["varied"])


def test_many_characters_are_counted_while_streaming(tmp_path):
    from docx import Document

    doc = Document()
    for n in range(3000):
        doc.add_paragraph(f"第{n}条：各地要落实招商引资政策，项目编号{n * 7919 % 100003}。")
    doc.save(tmp_path / "long.docx")
    assert len(load_file(tmp_path / "long.docx")[0].text) > 60_000
    with pytest.raises(InputError, match=r"more than 10,000 characters .*POLICYQA_MAX_TEXT_CHARS"):
        load_file(tmp_path / "long.docx", max_chars=10_000)


def test_ordinary_docx_still_loads(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("在全市招商引资工作会议上的讲话")
    doc.add_paragraph("同志们：今天我们召开会议，部署全年招商工作。")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "签约项目", "45个"
    doc.save(tmp_path / "speech.docx")
    text = load_file(tmp_path / "speech.docx")[0].text
    assert text.splitlines() == ["在全市招商引资工作会议上的讲话", "同志们：今天我们召开会议，部署全年招商工作。",
                                 "签约项目\t45个"]


def test_text_file_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("招商引资。\n" * 2000, "utf-8")
    assert load_file(path, max_chars=12_000)
    with pytest.raises(InputError, match=r"^the file holds 12,000 characters, over the 11,999 limit "
                                         r"\(POLICYQA_MAX_TEXT_CHARS\); split it$"):
        load_file(path, max_chars=11_999)


def test_jsonl_record_over_the_limit_is_skipped(tmp_path):
    path = tmp_path / "speeches.jsonl"
    lines = [{"id": "a", "text": "短讲话。"}, {"id": "b", "text": "长" * 200}]
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), "utf-8")
    assert [doc.source for doc in load_file(path, max_chars=100)] == ["speeches.jsonl#a"]
    with pytest.raises(InputError, match="over the 3 limit"):
        load_file(path, max_chars=3)


def test_pdf_extraction_stops_past_the_limit(tmp_path):
    from tests.readers_support import make_pdf

    pages = [b"BT /F1 12 Tf 72 720 Td (" + b"Investment page %d " % n * 20 + b") Tj ET" for n in range(6)]
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(pages))
    assert load_file(path, max_chars=5_000)
    with pytest.raises(InputError, match=r"^the PDF holds more than 1,000 characters by page 3, .*split it$"):
        load_file(path, max_chars=1_000)


def test_bombs_uploaded_over_http_are_refused_and_nothing_indexed_changes(bombs, tmp_path):
    """What the issue's check does: both bombs through POST /api/speeches, refused within seconds."""
    import time

    from fastapi.testclient import TestClient

    from assistant import factory
    from assistant.settings import load_settings
    from assistant.faces.web.server import create_api
    from tests.conftest import DATA_DIR
    from tests.fakes import BigramEmbeddings

    settings = load_settings(index_dir=tmp_path / "index", data_dir=DATA_DIR)
    assistant = factory.build_assistant(settings, embeddings=BigramEmbeddings())
    before = [s.model_dump() for s in assistant.speeches()]
    with TestClient(create_api(assistant, settings), base_url=LOCAL) as client:
        for name in ("gigabyte", "paragraphs"):
            started = time.perf_counter()
            response = client.post("/api/speeches", files={"files": (f"{name}.docx", bombs[name].read_bytes())})
            assert response.status_code == 400 and time.perf_counter() - started < 10, response.text
            assert "\n" not in response.json()["error"]["message"]
    assert [s.model_dump() for s in assistant.speeches()] == before
    assert not any(settings.uploads_path.glob("*.docx"))

"""OCR quality and speed: seed speeches rendered into image-only PDFs, read back by the PDF reader.

    flock /tmp/cpu.lock .venv/bin/python -m bench.ocr                 # 300 and 150 dpi, the settings' embedder
    flock /tmp/cpu.lock .venv/bin/python -m bench.ocr --dpi 300 --embedding hashing
    flock /tmp/cpu.lock .venv/bin/python -m bench.ocr --engine tesseract   # the Debian engine, for comparison

Each seed of data/ is laid out on A4 pages (16 pt, a CJK font, two-character
indents, as a printed 讲话稿) and saved as a PDF of page images only, at each
dpi. The PDF reader OCRs them (tesseract chi_sim) and the bench reports, per
dpi: pages, OCR seconds per page, the character error rate (edit distance over
reference length, NFKC and whitespace removed, as the eval compares), and
hit@1 / hit@5 / MRR@10 of the fixed questions on an index of the OCR'd copies
next to an index of the original files. It also times a 20-page scan through
the whole ingest (OCR + chunking + embedding).
Targets: CER ≤ 3% at 300 dpi; hit@5 within 0.05 of the originals; 20 pages < 120 s.
"""

from __future__ import annotations

import argparse
import io
import logging
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from bench.common import QUESTIONS, SEEDS, SHARED, require, setup_logging, temporary_settings

log = logging.getLogger("bench.ocr")
STRUCTURE_QUESTIONS = SHARED / "eval" / "questions_structure.jsonl"
A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = 1.0
FONT_POINTS = 16  # 三号, the size of a printed 讲话稿
LINE_SPACING = 1.6


# -- rendering ---------------------------------------------------------------
def find_cjk_font() -> tuple[str, int] | None:
    """A font file (and face index) with simplified Chinese glyphs, by fontconfig; None when there is none."""
    if shutil.which("fc-match") is None:
        return None
    done = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{lang}", ":lang=zh-cn"], capture_output=True, text=True)
    parts = done.stdout.split("\t")
    if done.returncode != 0 or len(parts) < 3 or "zh-cn" not in parts[2].split("|"):
        return None
    return parts[0], int(parts[1] or 0)


def render_pages(text: str, dpi: int, font: tuple[str, int]) -> list[tuple[object, str]]:
    """``text`` laid out on A4 pages: (grey PIL image, the text on that page) per page."""
    from PIL import ImageFont

    face = ImageFont.truetype(font[0], round(FONT_POINTS / 72 * dpi), index=font[1])
    width = round((A4_INCHES[0] - 2 * MARGIN_INCHES) * dpi)
    lines = [line for paragraph in text.split("\n") if paragraph.strip()
             for line in wrap("\u3000\u3000" + paragraph.strip(), face, width)]
    per_page = int((A4_INCHES[1] - 2 * MARGIN_INCHES) * dpi // (face.size * LINE_SPACING))
    return [_page([*lines[at:at + per_page]], face, dpi) for at in range(0, len(lines), per_page)]


def wrap(paragraph: str, face, width: int) -> list[str]:
    """The paragraph cut into lines no wider than ``width`` pixels."""
    lines, line, used = [], "", 0.0
    for ch in paragraph:
        advance = face.getlength(ch)
        if line and used + advance > width:
            lines.append(line)
            line, used = "", 0.0
        line, used = line + ch, used + advance
    return lines + ([line] if line else [])


def _page(lines: list[str], face, dpi: int) -> tuple[object, str]:
    from PIL import Image, ImageDraw

    size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    top = left = round(MARGIN_INCHES * dpi)
    for number, line in enumerate(lines):
        draw.text((left, top + number * face.size * LINE_SPACING), line, font=face, fill=0)
    return image, "".join(lines)


def image_pdf(images: list, dpi: int) -> bytes:
    """A PDF whose pages are the images only (no text layer), as a scanner writes it."""
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


# -- measuring ---------------------------------------------------------------
def squeezed(text: str) -> str:
    """NFKC, whitespace removed: how the eval compares text."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, a numpy row at a time (insertions propagated by a running minimum)."""
    import numpy as np

    if not a or not b:
        return max(len(a), len(b))
    codes = np.array([ord(ch) for ch in b])
    steps = np.arange(len(b) + 1)
    row = steps.copy()
    for index, ch in enumerate(a, start=1):
        diagonal = row[:-1] + (codes != ord(ch))
        current = np.concatenate(([index], np.minimum(row[1:] + 1, diagonal)))
        row = np.minimum.accumulate(current - steps) + steps
    return int(row[-1])


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = squeezed(reference), squeezed(hypothesis)
    return edit_distance(ref, hyp) / max(len(ref), 1)


@dataclass
class Scan:
    """One seed rendered and read back at one dpi."""

    name: str
    pages: int
    reference: str
    text: str = ""
    seconds: float = 0.0


def make_scans(folder: Path, dpi: int, font) -> list[tuple[Path, Scan]]:
    """Every seed as an image-only PDF in ``folder``."""
    from vectorstore.readers import load_file

    folder.mkdir(parents=True, exist_ok=True)
    scans = []
    for seed in sorted(SEEDS.glob("*.txt")):
        pages = render_pages(load_file(seed)[0].text, dpi, font)
        pdf = folder / f"{seed.stem}.pdf"
        pdf.write_bytes(image_pdf([image for image, _ in pages], dpi))
        scans.append((pdf, Scan(pdf.name, len(pages), "".join(text for _, text in pages))))
    return scans


def read_scans(scans: list[tuple[Path, Scan]], engine: str = "auto") -> None:
    """OCR every scan through the PDF reader, timing each."""
    from vectorstore.readers import ReadLimits, load_file

    for pdf, scan in scans:
        started = time.perf_counter()
        scan.text = load_file(pdf, limits=ReadLimits(max_bytes=1 << 30, ocr_engine=engine), progress=True)[0].text
        scan.seconds = time.perf_counter() - started
        log.info("%s: %d pages in %.1f s, CER %.2f%%", scan.name, scan.pages, scan.seconds,
                 100 * cer(scan.reference, scan.text))


# -- retrieval ---------------------------------------------------------------
def questions_for(suffix: str) -> list:
    """The fixed seed questions, their evidence pointed at the copies with ``suffix`` (.txt: the originals)."""
    from assistant.evaluation.metrics import load_questions

    found = []
    for path in (QUESTIONS, STRUCTURE_QUESTIONS):
        if path.exists():
            found += [_retargeted(q, suffix) for q in load_questions(path) if q.answerable and q.evidence]
    return found


def _retargeted(question, suffix: str):
    evidence = tuple(replace(e, source=str(Path(e.source).with_suffix(suffix))) for e in question.evidence)
    return replace(question, evidence=evidence)


def retrieval(paths: list[Path], suffix: str, embeddings, overrides: dict) -> dict:
    """hit@1, hit@5, MRR@10 (hybrid search) of the fixed questions on an index of ``paths``.

    ``strict``: a hit supports a question when it holds the evidence quote verbatim (as the eval
    counts); ``fuzzy``: when it holds the quote up to FUZZY_ERRORS of its characters (OCR errors
    in the quote itself), which measures whether retrieval found the passage.
    """
    from assistant import factory
    from assistant.evaluation.metrics import retrieval_scores

    settings = temporary_settings(max_file_mb=1024, **overrides)  # a 300 dpi scan of seed 004 is 27 MB
    index = factory.build_index(settings, embeddings=embeddings)
    report = factory.build_ingestor(settings, index).ingest(paths, progress=False)
    if report.skipped:
        log.warning("not indexed: %s", report.skipped)
    searcher = factory.build_searcher(index, settings)
    questions = questions_for(suffix)
    results = {}
    for name, search in (("strict", lambda q: searcher.search(q, k=10, mode="hybrid")),
                         ("fuzzy", lambda q: fuzzy_hits(searcher.search(q, k=10, mode="hybrid"), questions))):
        scores = retrieval_scores(questions, search)
        results[name] = scores.as_dict() | {"misses": sorted(q for q, r in scores.per_question.items() if not r or r > 5)}
    return results


FUZZY_ERRORS = 0.1


def fuzzy_hits(hits, questions) -> list:
    """The hits with the text of a fuzzily matching evidence quote put in (for retrieval_scores' check)."""
    from dataclasses import replace as with_text

    quotes = [e.quote for q in questions for e in q.evidence]
    found = []
    for hit in hits:
        matched = [quote for quote in quotes if quote_distance(quote, hit.text) <= FUZZY_ERRORS * len(squeezed(quote))]
        found.append(with_text(hit, text=hit.text + "".join(matched)))
    return found


def quote_distance(quote: str, text: str) -> int:
    """Edit distance of ``quote`` to its best-matching span of ``text`` (free start and end in the text)."""
    import numpy as np

    needle, hay = squeezed(quote), squeezed(text)
    if not needle or not hay:
        return len(needle)
    codes = np.array([ord(ch) for ch in hay])
    steps = np.arange(len(hay) + 1)
    row = np.zeros(len(hay) + 1, dtype=int)
    for index, ch in enumerate(needle, start=1):
        diagonal = row[:-1] + (codes != ord(ch))
        current = np.concatenate(([index], np.minimum(row[1:] + 1, diagonal)))
        row = np.minimum.accumulate(current - steps) + steps
    return int(row.min())


def twenty_pages(scans: list[tuple[Path, Scan]], folder: Path, embeddings, overrides: dict) -> tuple[int, float]:
    """Seconds to ingest (OCR, chunk, embed) a 20-page scan: the first 20 pages of the seeds' scans."""
    from pypdf import PdfReader, PdfWriter

    from assistant import factory

    writer = PdfWriter()
    for pdf, _ in scans:
        for page in PdfReader(pdf).pages:
            if len(writer.pages) < 20:
                writer.add_page(page)
    target = folder / "twenty_pages.pdf"
    with target.open("wb") as handle:
        writer.write(handle)
    settings = temporary_settings(max_file_mb=1024, **overrides)
    index = factory.build_index(settings, embeddings=embeddings)
    started = time.perf_counter()
    factory.build_ingestor(settings, index).ingest([target], progress=True)
    return len(writer.pages), time.perf_counter() - started


# -- report ------------------------------------------------------------------
def report_dpi(dpi: int, scans: list[tuple[Path, Scan]], scores: dict | None) -> None:
    pages = sum(scan.pages for _, scan in scans)
    seconds = sum(scan.seconds for _, scan in scans)
    reference = "".join(scan.reference for _, scan in scans)
    errors = sum(edit_distance(squeezed(s.reference), squeezed(s.text)) for _, s in scans)
    print(f"\n{dpi} dpi: {len(scans)} files, {pages} pages, OCR {seconds:.0f} s ({seconds / max(pages, 1):.1f} s/page)")
    print(f"  CER {100 * errors / max(len(squeezed(reference)), 1):.2f}%  (" + ", ".join(
        f"{s.name[:3]} {100 * cer(s.reference, s.text):.2f}%" for _, s in scans) + ")")
    for name, row in (scores or {}).items():
        print(f"  retrieval on OCR'd copies ({name}): {_scores(row)}")


def _scores(row: dict) -> str:
    return (f"hit@1 {row['hit@1']:.3f} hit@5 {row['hit@5']:.3f} MRR@10 {row['mrr@10']:.3f}  "
            f"misses@5 {' '.join(row['misses'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dpi", type=int, nargs="+", default=[300, 150], help="scan resolutions to compare")
    parser.add_argument("--embedding", help="embedding model for the retrieval part (default: the settings')")
    parser.add_argument("--no-retrieval", action="store_true", help="only CER and speed")
    parser.add_argument("--keep", type=Path, help="keep the rendered PDFs in this folder")
    parser.add_argument("--engine", default="auto", choices=["auto", "rapidocr", "tesseract"],
                        help="POLICYQA_OCR_ENGINE for this run (auto: rapidocr when installed)")
    args = parser.parse_args()
    setup_logging()
    from assistant import factory
    from vectorstore.readers.tools import find

    font = find_cjk_font()
    if font is None or find("tesseract") is None or find("pdftoppm") is None:
        log.warning("skipped: needs a CJK font (fonts-noto-cjk), tesseract-ocr, tesseract-ocr-chi-sim, poppler-utils")
        return
    from vectorstore.readers.engines import ocr_engine

    overrides = ({"embedding_model": args.embedding} if args.embedding else {}) | {"ocr_engine": args.engine}
    print(f"OCR engine: {ocr_engine(args.engine).name}")
    embeddings = None if args.no_retrieval else factory.build_embeddings(temporary_settings(**overrides))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="policyqa-ocr-bench-"))
    if embeddings is not None and require(QUESTIONS):
        base = retrieval(sorted(SEEDS.glob("*.txt")), ".txt", embeddings, overrides)["strict"]
        print(f"originals: {_scores(base)}")
    first = None
    for dpi in args.dpi:
        scans = make_scans(folder / f"{dpi}dpi", dpi, font)
        read_scans(scans, args.engine)
        scores = retrieval([p for p, _ in scans], ".pdf", embeddings, overrides) if embeddings is not None else None
        report_dpi(dpi, scans, scores)
        first = first or scans
    if embeddings is not None and first:
        pages, seconds = twenty_pages(first, folder, embeddings, overrides)
        print(f"\n{pages}-page scan ({args.dpi[0]} dpi) ingested (OCR + chunks + embedding) in {seconds:.0f} s")


if __name__ == "__main__":
    main()

"""The OCR engines a scanned page can be read by, behind one call: ``engine.read(image, dpi, timeout)``
→ ``(text, line height in pixels)``.

* ``rapidocr`` (PP-OCR models run by onnxruntime; the models ship inside the
  ``rapidocr-onnxruntime`` wheel, nothing is downloaded): reads Chinese print with a
  character error rate several times lower than tesseract's ``chi_sim`` (``bench.ocr``),
  at any size, so a page is read once.
* ``tesseract`` (the Debian packages): reads lines 26–56 pixels high best, so a page
  read at another size is read again at a better one (vectorstore/readers/scan.py).

``auto`` (the default) takes rapidocr when its package is installed, else tesseract.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from vectorstore.readers.ocr import Line, ocr_page, paragraphs, tidy
from vectorstore.readers.tools import MissingToolError, require_ocr

ENGINES = ("auto", "rapidocr", "tesseract")
RAPIDOCR_PACKAGE = "rapidocr-onnxruntime"
MIN_SCORE = 0.5  # rapidocr lines recognised with less confidence than this are noise (stains, seals)


@dataclass
class TesseractEngine:
    path: str
    name: str = "tesseract"
    rescales: bool = True  # a page whose lines are far from the model's size is read again

    def read(self, image: Path, dpi: int, timeout: float) -> tuple[str, float | None]:
        return ocr_page(image, dpi, timeout, self.path)


@dataclass
class RapidEngine:
    name: str = "rapidocr"
    rescales: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _model: object = field(default=None, repr=False)

    def read(self, image: Path, dpi: int, timeout: float) -> tuple[str, float | None]:
        """The page's text lines (boxes from the detector) joined into paragraphs as tesseract's are."""
        lines = rows(self._boxes(image))
        height = sorted(line.height for line in lines)[len(lines) // 2] if lines else None
        return tidy("\n".join(paragraphs(lines))), height


    def located_lines(self, image: Path) -> list[tuple[int, int, int, int, str]]:
        """The page's text lines with their boxes in the image's pixels: (left, top, right, bottom, text)."""
        return [(min(b[2] for b in row), min(b[4] for b in row), max(b[3] for b in row),
                 max(b[4] + int(b[1]) for b in row), "".join(b[5] for b in sorted(row, key=lambda b: b[2])))
                for row in on_lines(self._boxes(image))]

    def _boxes(self, image: Path) -> list[tuple[float, float, int, int, int, str]]:
        """The detected text boxes of a page (one model; onnxruntime already uses every core for one page)."""
        with self._lock:
            if self._model is None:
                from rapidocr_onnxruntime import RapidOCR

                self._model = RapidOCR()
            found, _ = self._model(str(image), use_cls=False)  # a scanned 讲话稿 is upright: no angle classifier
        return [_box(box, text) for box, text, score in found or () if text.strip() and float(score) >= MIN_SCORE]


def _box(box, text: str) -> tuple[float, float, int, int, int, str]:
    """(vertical centre, height, left, right, top, text) of one detected text box."""
    xs, ys = [point[0] for point in box], [point[1] for point in box]
    return ((min(ys) + max(ys)) / 2, max(ys) - min(ys), int(min(xs)), int(max(xs)), int(min(ys)), text.strip())


def rows(boxes: list[tuple[float, float, int, int, int, str]]) -> list[Line]:
    """Boxes on one printed line (centres within half a line of each other) joined left to right,
    the lines top to bottom: what :func:`paragraphs` expects from tesseract."""
    return [Line(0, min(b[2] for b in row), max(b[3] for b in row), int(max(b[1] for b in row)),
                 "".join(b[5] for b in sorted(row, key=lambda b: b[2]))) for row in on_lines(boxes)]


def on_lines(boxes: list[tuple[float, float, int, int, int, str]]) -> list[list]:
    """The boxes grouped by printed line: centres within half a line of each other, top to bottom."""
    found: list[list] = []
    for box in sorted(boxes):
        if found and abs(box[0] - found[-1][0][0]) < found[-1][0][1] / 2:
            found[-1].append(box)
        else:
            found.append([box])
    return found


def ocr_engine(choice: str = "auto", why: str = "a scanned page"):
    """The engine to read scanned pages with; MissingToolError naming what to install when none is."""
    if choice in ("auto", "rapidocr") and _rapidocr_installed():
        return RapidEngine()
    if choice == "rapidocr":
        raise MissingToolError(f"{why} needs OCR by rapidocr, which is not installed; run "
                               f"`.venv/bin/pip install {RAPIDOCR_PACKAGE}` or set POLICYQA_OCR_ENGINE=tesseract")
    return TesseractEngine(require_ocr(why))


def _rapidocr_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("rapidocr_onnxruntime") is not None

"""A page of a PDF (or an image file) as a PNG, with a quoted text marked where it stands.

The page is rendered with pdfium at ``dpi`` (fewer when the page would exceed ``max_pixels``);
the quote is found on the page's text layer, whitespace ignored, and each line of it is covered
by a translucent box made from the characters' boxes. On a page without a text layer (a scan, or
an image file, which is its one page) the quote is found in the lines RapidOCR reads from the
rendered page, each line's part of it marked by the share of the line's characters it covers; with
no RapidOCR installed, the page is shown unmarked.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from vectorstore.errors import InputError

__all__ = ["PageImage", "render_page"]

DPI = 150
MAX_PIXELS = 12_000_000  # about A3 at 200 dpi: a bigger page is rendered at a lower resolution
MARK = (255, 214, 0, 110)  # translucent yellow
_SPACE = re.compile(r"\s")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")


class PageImage:
    """A rendered page: the PNG bytes and the boxes marked on it, in pixels (left, top, right, bottom)."""

    def __init__(self, png: bytes, boxes: list[tuple[float, float, float, float]], size: tuple[int, int]):
        self.png, self.boxes, self.size = png, boxes, size


def render_page(path: Path, page: int, quote: str | None = None, dpi: int = DPI,
                max_pixels: int = MAX_PIXELS) -> PageImage:
    """Page ``page`` (1-based) of the file at ``path``, with ``quote`` marked when the page's text layer holds it."""
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return _image_file(path, page, quote, max_pixels)
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise InputError(f"{path.name} cannot be opened as a PDF any more ({error}); re-upload it") from error
    try:
        if not 1 <= page <= len(document):
            raise InputError(f"{path.name} has {len(document)} pages; ask for a page from 1 to {len(document)}")
        return _pdf_page(document[page - 1], quote, dpi, max_pixels)
    finally:
        document.close()


def _pdf_page(pdf_page, quote: str | None, dpi: int, max_pixels: int) -> PageImage:
    width, height = pdf_page.get_size()
    scale = min(dpi / 72, (max_pixels / max(1.0, width * height)) ** 0.5)
    image = pdf_page.render(scale=scale).to_pil().convert("RGB")
    if not quote:
        return PageImage(_png(image), [], image.size)
    if pdf_page.get_textpage().count_chars() == 0:  # a scanned page
        return marked(image, scanned_boxes(image, quote))
    return marked(image, [_pixels(box, height, scale) for box in quote_boxes(pdf_page, quote)])


def marked(image, boxes: list[tuple[float, float, float, float]]) -> PageImage:
    """The image with each box covered in translucent yellow."""
    from PIL import Image, ImageDraw

    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for box in boxes:
        draw.rectangle(box, fill=MARK)
    return PageImage(_png(Image.alpha_composite(image.convert("RGBA"), overlay)), boxes, image.size)


def scanned_boxes(image, quote: str) -> list[tuple[float, float, float, float]]:
    """Boxes of the quote on a scanned page, from the lines OCR reads on it (none without RapidOCR)."""
    import tempfile

    from vectorstore.readers.engines import _rapidocr_installed

    if not _rapidocr_installed():
        return []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        image.save(path)
        lines = shared_engine().located_lines(path)
    return boxes_in_lines(lines, quote)


def boxes_in_lines(lines: list[tuple[int, int, int, int, str]], quote: str) -> list[tuple[float, float, float, float]]:
    """The quote found in the lines' text (whitespace ignored); each line's covered share as a box."""
    owners = [(number, position) for number, line in enumerate(lines)
              for position, char in enumerate(_SPACE.sub("", line[4]))]
    compact, wanted = "".join(_SPACE.sub("", line[4]) for line in lines), _SPACE.sub("", quote)
    at = compact.find(wanted) if wanted else -1
    if at < 0:
        return []
    covered: dict[int, list[int]] = {}
    for number, position in owners[at:at + len(wanted)]:
        covered.setdefault(number, []).append(position)
    boxes = []
    for number, positions in covered.items():
        left, top, right, bottom, text = lines[number]
        width = (right - left) / max(1, len(_SPACE.sub("", text)))
        boxes.append((left + width * min(positions), top, left + width * (max(positions) + 1), bottom))
    return boxes


_ENGINE = {}


def shared_engine():
    """One RapidOCR model per process, loaded on first use."""
    from vectorstore.readers.engines import RapidEngine

    return _ENGINE.setdefault("rapidocr", RapidEngine())


def quote_boxes(pdf_page, quote: str) -> list[tuple[float, float, float, float]]:
    """One box (PDF points: left, bottom, right, top) per line of the quote on the page's text layer."""
    text_page = pdf_page.get_textpage()
    text = text_page.get_text_range()
    kept = [i for i, char in enumerate(text) if not _SPACE.match(char)]
    compact, wanted = "".join(text[i] for i in kept), _SPACE.sub("", quote)
    at = compact.find(wanted) if wanted else -1
    if at < 0:
        return []
    lines: list[list[float]] = []
    for index in kept[at:at + len(wanted)]:
        left, bottom, right, top = text_page.get_charbox(index, loose=True)  # the line's height, not the glyph's ink
        if lines and abs(lines[-1][1] - bottom) < (top - bottom) * 0.6 and left >= lines[-1][0]:
            line = lines[-1]
            line[:] = [line[0], min(line[1], bottom), max(line[2], right), max(line[3], top)]
        else:
            lines.append([left, bottom, right, top])
    return [tuple(line) for line in lines]


def _pixels(box, page_height: float, scale: float) -> tuple[float, float, float, float]:
    left, bottom, right, top = box
    return left * scale, (page_height - top) * scale, right * scale, (page_height - bottom) * scale


def _image_file(path: Path, page: int, quote: str | None, max_pixels: int) -> PageImage:
    from PIL import Image

    if page != 1:
        raise InputError(f"{path.name} is an image: it has one page")
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    image.thumbnail((max_pixels ** 0.5, max_pixels ** 0.5))
    return marked(image, scanned_boxes(image, quote)) if quote else PageImage(_png(image), [], image.size)


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()

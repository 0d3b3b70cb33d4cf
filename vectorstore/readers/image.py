"""Images (``.png .jpg .jpeg .tif .tiff``) through Chinese OCR; each frame of a TIFF is a page.

An image is refused before it is decoded when its header states more pixels
than MAX_PIXELS (a decompression bomb: a few KB of PNG can state gigapixels).
An image is read at its own size first, then enlarged or shrunk when its text
lines are not the size tesseract reads best (vectorstore/readers/scan.py).
"""

from __future__ import annotations

import io
import logging
import threading
from pathlib import Path

from vectorstore.errors import InputError
from vectorstore.runtime.limits import check_chars
from vectorstore.readers.base import ReadContext, document, nonblank, one_line
from vectorstore.readers.pages import join_pages
from vectorstore.readers.scan import ocr_pages, page_bar
from vectorstore.speech.types import RawDocument

log = logging.getLogger(__name__)
MAX_PIXELS = 60_000_000  # a page scanned at 600 dpi is 35 M
A4_WIDTH_INCHES = 8.27  # an image that states no resolution is taken for a page this wide
FORMATS = {"PNG", "JPEG", "MPO", "TIFF"}
BLANK = "OCR found no text in the image; check that it is legible (scan it again at 300 dpi) or add a version with text"


def read(data: bytes, path: Path, context: ReadContext) -> list[RawDocument]:
    image = open_image(data)
    frames = getattr(image, "n_frames", 1)
    context.check_pages(frames, "the image")
    lock = threading.Lock()  # one decoder: frames are rendered one at a time, OCR'd in parallel
    with page_bar(frames, path.name, context.progress) as bar:
        found = ocr_pages(list(range(1, frames + 1)), lambda n, folder, scale: _frame(image, n, folder, lock, scale),
                          context, frames, bar, "an image")
    text, starts = join_pages([found[n] for n in range(1, frames + 1)])
    check_chars(len(text), context.max_chars)
    pages = starts if frames > 1 else ()
    return [document(path, nonblank(text, BLANK), pages=pages)]


def open_image(data: bytes):
    """The image, its header checked (format, pixel count), not yet decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as err:  # Pillow's own check, at twice its MAX_IMAGE_PIXELS
        raise InputError(f"the image states billions of pixels, over the {MAX_PIXELS // 1_000_000} M pixel limit; "
                         "scan it at 300 dpi") from err
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise InputError(f"cannot read the image (corrupt or not an image?): {one_line(err)}") from err
    if image.format not in FORMATS:
        raise InputError(f"the file is a {image.format} image; save it as PNG, JPEG or TIFF")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise InputError(f"the image is {width:,} × {height:,} pixels, over the {MAX_PIXELS // 1_000_000} M pixel "
                         "limit; scan it at 300 dpi")
    return image


def _frame(image, number: int, folder: Path, lock: threading.Lock, scale: float) -> tuple[Path, int]:
    """Frame ``number`` as a grey PGM, ``scale`` times its size (within MAX_PIXELS); with its dpi."""
    from PIL import Image

    with lock:
        image.seek(number - 1)
        grey = image.convert("L")
        dpi = stated_dpi(image) or grey.width / A4_WIDTH_INCHES
    scale = min(scale, (MAX_PIXELS / (grey.width * grey.height)) ** 0.5)
    if abs(scale - 1) > 0.05:
        grey = grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.Resampling.LANCZOS)
    target = folder / f"frame-{number}.pgm"
    grey.save(target)
    return target, max(70, round(dpi * scale))


def stated_dpi(image) -> float | None:
    """The horizontal resolution the file states, if it is plausible."""
    dpi = image.info.get("dpi")
    value = float(dpi[0]) if isinstance(dpi, tuple) and dpi else None
    return value if value and 50 <= value <= 2400 else None


def check(data: bytes, path: Path, context: ReadContext) -> None:
    """What :func:`read` would refuse, without OCR: the header, the frames, the OCR tools."""
    from vectorstore.readers.engines import ocr_engine

    context.check_pages(getattr(open_image(data), "n_frames", 1), "the image")
    ocr_engine(context.limits.ocr_engine, "an image")

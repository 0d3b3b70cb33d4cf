"""OCR of the pages of one file, several at once, within the file's time limit, with a page bar.

``render(number, folder, scale)`` puts page ``number`` (1-based) as an image
into ``folder``, ``scale`` times its first size, and returns ``(image, dpi)``;
each page is rendered, OCR'd (vectorstore/readers/engines.py) and its image
deleted in a worker thread. With tesseract, when the text lines come out smaller
or larger than its Chinese model reads well, the page is rendered again at the
size that brings them to TARGET_HEIGHT and read once more.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from vectorstore.readers.base import ReadContext, time_limit_error
from vectorstore.readers.engines import ocr_engine

log = logging.getLogger(__name__)
Render = Callable[[int, Path, float], tuple[Path, int]]
TARGET_HEIGHT = 40.0  # pixels: a text line's height tesseract's chi_sim reads best
GOOD_HEIGHTS = (26.0, 56.0)
SCALES = (0.3, 4.0)


def ocr_pages(numbers: list[int], render: Render, context: ReadContext, total: int, bar,
              why: str = "a scanned page") -> dict[int, str]:
    """The OCR text of the given pages, by page number; InputError past the time limit or without an OCR engine."""
    engine = ocr_engine(context.limits.ocr_engine, why)
    texts: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="policyqa-ocr-") as folder:
        pool = ThreadPoolExecutor(max_workers=context.limits.workers, thread_name_prefix="ocr")
        futures = {pool.submit(_one, n, render, Path(folder), context, engine): n for n in numbers}
        try:
            _collect(futures, texts, context, total, bar)
        finally:  # past the time limit, a page being read in-process (rapidocr) is not waited for
            pool.shutdown(wait=False, cancel_futures=True)
    return texts


def _collect(futures: dict[Future, int], texts: dict[int, str], context: ReadContext, total: int, bar) -> None:
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=max(context.remaining(), 0.1), return_when=FIRST_COMPLETED)
        for future in done:
            if isinstance(future.exception(), TimeoutError):
                raise time_limit_error(context.limits.max_seconds, len(texts), total)
            texts[futures[future]] = future.result()
            bar.update(1)
        if pending and context.remaining() <= 0:
            raise time_limit_error(context.limits.max_seconds, len(texts), total)


def _one(number: int, render: Render, folder: Path, context: ReadContext, engine) -> str:
    """The text of one page: read once, and (tesseract) again at a better size when its lines are too small or large."""
    text, height = _read(number, render, folder, context, engine, 1.0)
    scale = rescale(height) if engine.rescales else 1.0
    if scale != 1.0:
        text, _ = _read(number, render, folder, context, engine, scale)
    return text


def rescale(height: float | None) -> float:
    """The scale that brings lines ``height`` pixels high to TARGET_HEIGHT, or 1 when they are fine."""
    if height is None or GOOD_HEIGHTS[0] <= height <= GOOD_HEIGHTS[1]:
        return 1.0
    return min(max(TARGET_HEIGHT / height, SCALES[0]), SCALES[1])


def _read(number: int, render: Render, folder: Path, context: ReadContext, engine, scale: float):
    if context.remaining() <= 0:
        raise TimeoutError("out of time")
    image, dpi = render(number, folder, scale)
    try:
        return engine.read(image, dpi, context.remaining())
    finally:
        image.unlink(missing_ok=True)


def page_bar(total: int, name: str, enabled: bool):
    """A progress bar over the pages of one file."""
    from tqdm import tqdm

    return tqdm(total=total, desc=name[:30], unit="page", disable=not enabled, leave=False)

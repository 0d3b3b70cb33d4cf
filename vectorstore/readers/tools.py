"""The command-line tools some readers run, and what to install when one is missing.

Old Word files go through ``antiword`` (``catdoc`` as a fallback), scanned pages
through ``pdftoppm`` (poppler-utils) and ``tesseract`` with its ``chi_sim`` data.
A missing tool makes the file's read fail with a one-line reason naming the
Debian package; nothing is installed from here (``scripts/setup.sh`` does that).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from functools import lru_cache

from vectorstore.errors import InputError, MissingToolError
from vectorstore.readers.base import one_line

log = logging.getLogger(__name__)

PACKAGES = {  # tool -> Debian package
    "antiword": "antiword",
    "catdoc": "catdoc",
    "pdftoppm": "poppler-utils",
    "tesseract": "tesseract-ocr",
}
OCR_LANGUAGE = "chi_sim"
OCR_LANGUAGE_PACKAGE = "tesseract-ocr-chi-sim"
DEBIAN_PACKAGES = ("antiword", "catdoc", "poppler-utils", "tesseract-ocr", OCR_LANGUAGE_PACKAGE)


def find(tool: str) -> str | None:
    """The tool's path on PATH, or None."""
    return shutil.which(tool)


def require(tool: str, why: str) -> str:
    """The tool's path; MissingToolError naming the Debian package when it is not installed."""
    found = find(tool)
    if found is None:
        package = PACKAGES[tool]
        raise MissingToolError(f"{why} needs {tool}, which is not installed; install the Debian package "
                               f"{package} (apt-get install {package})")
    return found


def require_ocr(why: str = "a scanned page") -> str:
    """tesseract with the chi_sim data; MissingToolError naming what to install when either is missing."""
    packages = f"tesseract-ocr {OCR_LANGUAGE_PACKAGE}"
    if find("tesseract") is None:
        raise MissingToolError(f"{why} needs OCR, but tesseract is not installed; install the Debian "
                               f"packages {packages} (apt-get install {packages})")
    tesseract = find("tesseract")
    if OCR_LANGUAGE not in languages(tesseract):
        raise MissingToolError(f"OCR needs tesseract's Chinese data {OCR_LANGUAGE}, which is not installed; install "
                               f"the Debian package {OCR_LANGUAGE_PACKAGE} (apt-get install {OCR_LANGUAGE_PACKAGE})")
    return tesseract


@lru_cache(maxsize=8)
def languages(tesseract: str) -> frozenset[str]:
    """The OCR languages a tesseract binary has data for."""
    try:
        done = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as err:
        log.warning("cannot run %s: %s", tesseract, one_line(err))
        return frozenset()
    lines = (done.stdout + done.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def run(command: list[str], timeout: float, what: str) -> bytes:
    """Run a tool, single-threaded, and return its stdout; InputError on failure or past ``timeout``."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run(command, capture_output=True, timeout=max(timeout, 1), env=env, check=False)
    except subprocess.TimeoutExpired as err:
        raise TimeoutError(f"{what} took over {timeout:.0f} s") from err
    except OSError as err:
        raise InputError(f"cannot run {command[0]}: {one_line(err)}") from err
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{what} failed: {one_line(Exception(message[-1] if message else done.returncode))}")
    return done.stdout

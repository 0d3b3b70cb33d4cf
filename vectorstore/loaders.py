"""Kept for callers of the old module: the readers live in :mod:`vectorstore.readers`."""

from vectorstore.readers import (  # noqa: F401
    DEFAULT_MAX_BYTES, DEFAULT_MAX_TEXT_CHARS, OCR_SUFFIXES, READERS, SUPPORTED_SUFFIXES, ReadLimits, accepted,
    check_file, discover, load_file, normalise_text, unsupported_reason,
)

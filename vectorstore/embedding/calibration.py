"""Calibration passages for the int8 model: our own chunks, as ingest embeds them."""

from __future__ import annotations

import logging
from pathlib import Path

from vectorstore.errors import InputError, ModelError

log = logging.getLogger(__name__)

CALIBRATION_SIZE = 128
_CALIBRATION_CHARS = 600  # the default chunk size: the chunks ingest makes


def seed_chunk_texts(data_dir: Path, limit: int = CALIBRATION_SIZE) -> list[str]:
    """``limit`` indexed chunk texts (title and section path + span) spread evenly
    over the speeches in ``data_dir`` (deterministic for a given corpus)."""
    texts = _all_chunk_texts(Path(data_dir))
    if not texts:
        raise ModelError(f"int8 calibration needs speeches to calibrate on, and {data_dir} has none; "
                         "set POLICYQA_DATA_DIR to the seed corpus or use POLICYQA_EMBEDDING_PRECISION=bf16")
    step = max(1.0, len(texts) / limit)
    return [texts[int(i * step)] for i in range(min(limit, len(texts)))]


def _all_chunk_texts(data_dir: Path) -> list[str]:
    from vectorstore.speech.chunking import chunk_speech
    from vectorstore.readers import discover
    from vectorstore.speech.speeches import speeches_from_document
    from vectorstore.stores.chunks import indexed_text

    files, _ = discover([data_dir]) if data_dir.exists() else ([], [])
    texts = []
    for path in sorted(files):
        for document in _documents(path):
            for speech in speeches_from_document(document):
                title = speech.title or speech.meeting
                texts += [indexed_text(c.text, title, c.section) for c in chunk_speech(speech, _CALIBRATION_CHARS)]
    return texts


def _documents(path: Path) -> list:
    from vectorstore.readers import load_file

    try:
        return load_file(path)
    except InputError as error:
        log.debug("calibration: skipping %s (%s)", path, error)
        return []

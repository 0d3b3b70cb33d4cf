"""The converted model's tokenizer without transformers (and so without torch):
the ``tokenizers`` file, truncated like sentence-transformers, padded per batch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from vectorstore.errors import ModelError

_DEFAULT_MAX_LENGTH = 512


def load_tokenizer(model_dir: Path):
    """``tokenizer.json`` of ``model_dir``, truncating at the model's length (specials included)."""
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    except Exception as exc:  # missing or unreadable file
        raise ModelError(f"cannot read the tokenizer in {model_dir}: {exc}; delete the folder to rebuild it") from exc
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=_max_length(Path(model_dir)))
    return tokenizer


def _max_length(model_dir: Path) -> int:
    try:
        config = json.loads((model_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
        return int(config.get("model_max_length") or _DEFAULT_MAX_LENGTH)
    except (OSError, ValueError, TypeError):
        return _DEFAULT_MAX_LENGTH


def pad_id(tokenizer) -> int:
    found = tokenizer.token_to_id("<pad>")
    return 1 if found is None else int(found)


def padded_inputs(encodings: list, pad: int) -> dict[str, np.ndarray]:
    """``input_ids``/``attention_mask`` [batch, longest] int64 arrays, padded on the right."""
    longest = max(len(e.ids) for e in encodings)
    ids = np.full((len(encodings), longest), pad, dtype=np.int64)
    mask = np.zeros((len(encodings), longest), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return {"input_ids": ids, "attention_mask": mask}

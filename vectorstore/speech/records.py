"""A speech record and its Chroma codec: one row of the speeches collection.

Chroma metadata holds flat scalars (and lists), never None: a record is stored
as its file keys plus the SpeechMeta fields under their own names (``title``,
``speaker``, ``date`` …, ``date_num`` for range filters), the spans as a JSON
object, the pages of a PDF or scan as a JSON list (absent for other files) and
the outline tree as compact JSON (vectorstore/speech/model.py).
:func:`record_from_metadata` gives back the same SpeechMeta and Outline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

from vectorstore.speech.model import Outline, SpeechFacts, SpeechMeta, spans_from_dict

DEFAULT_COLLECTION = "默认"  # where a speech of an index made before collections belongs


@dataclass(frozen=True)
class SpeechRecord(SpeechFacts):
    """A speech as stored in the index: its SpeechMeta and outline, file, hashes, chunk count
    (``record.title`` and the like read ``record.meta``).

    The outline is kept as stored (compact JSON) and decoded on first use: listing
    the speeches after every write need not build every tree.
    """

    id: str
    file: str
    path: str
    hash: str
    text_hash: str
    chunk_count: int
    meta: SpeechMeta
    outline_json: str = "[]"
    collection: str = DEFAULT_COLLECTION  # the 知识库 the speech belongs to

    @cached_property
    def outline(self) -> Outline:
        return Outline.from_json(self.outline_json)


def clean_metadata(meta: dict) -> dict:
    """Chroma metadata cannot hold None or empty lists."""
    return {key: value for key, value in meta.items() if value is not None and value != [] and value != ()}


def date_number(date: str | None) -> int | None:
    """``2024-05-04`` → 20240504, ``2024`` → 20240000 (for range filters)."""
    if not date:
        return None
    parts = [int(part) for part in date.split("-")] + [0, 0]
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


_RECORD_KEYS = ("file", "path", "hash", "text_hash", "chunk_count")
_META_KEYS = ("source", "title", "meeting", "speaker", "speaker_role", "date", "region", "part",
              "effective", "repealed", "number", "issuer")


def record_metadata(record: SpeechRecord) -> dict:
    """A speech record as the speeches collection's metadata: flat keys, spans and outline as JSON."""
    meta = {key: getattr(record, key) for key in _RECORD_KEYS}
    meta.update({key: getattr(record.meta, key) for key in _META_KEYS})
    meta["places"] = list(record.meta.places) or None
    meta["date_num"] = date_number(record.meta.date)
    meta["spans"] = json.dumps(record.meta.to_dict()["spans"]) if record.meta.spans else None
    meta["outline"] = record.outline_json if record.outline_json != "[]" else None
    meta["pages"] = json.dumps(record.meta.to_dict()["pages"]) if record.meta.pages else None
    meta["collection"] = record.collection
    return clean_metadata(meta)


def record_from_metadata(speech_id: str, meta: dict) -> SpeechRecord:
    """The record :func:`record_metadata` stored, SpeechMeta and Outline unchanged."""
    speech = SpeechMeta(**{key: meta.get(key) for key in _META_KEYS if meta.get(key) is not None},
                        places=tuple(meta.get("places") or ()),
                        spans=spans_from_dict(json.loads(meta["spans"]) if meta.get("spans") else None),
                        pages=tuple((int(page), int(at)) for page, at in json.loads(meta.get("pages") or "[]")))
    return SpeechRecord(id=speech_id, **{key: meta.get(key) for key in _RECORD_KEYS}, meta=speech,
                        outline_json=meta.get("outline") or "[]", collection=meta.get("collection") or DEFAULT_COLLECTION)

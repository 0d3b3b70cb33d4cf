"""From a raw document to speeches: clean, split, extract metadata, hash."""

from __future__ import annotations

import hashlib

from vectorstore.cleaning import clean_text
from vectorstore.metadata import extract_metadata
from vectorstore.splitting import split_speeches
from vectorstore.types import RawDocument, Speech


def speeches_from_document(document: RawDocument) -> list[Speech]:
    """All speeches in one raw document, cleaned, with rule-based metadata."""
    parts = split_speeches(clean_text(document.text))
    speeches = []
    for number, part in enumerate(parts, start=1):
        meta = extract_metadata(part.text, part.heading, document.meta)
        speech_id = document.source if len(parts) == 1 else f"{document.source}#{number}"
        speeches.append(Speech(
            id=speech_id, source=document.source, text=part.text, title=meta.title,
            speaker=meta.speaker, speaker_role=meta.speaker_role, date=meta.date,
            places=meta.places, meeting=meta.meeting, region=meta.region,
        ))
    return speeches


def content_hash(speech: Speech, chunker_key: str) -> str:
    """A hash of everything that decides a speech's chunks and metadata."""
    digest = hashlib.sha256(chunker_key.encode())
    for value in (speech.text, speech.title, speech.speaker, speech.speaker_role,
                  speech.date, "|".join(speech.places), speech.meeting, speech.region):
        digest.update(b"\x00" + (value or "").encode())
    return digest.hexdigest()[:16]

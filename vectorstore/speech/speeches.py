"""From a raw document to speeches: clean, split, extract metadata, build the outline, hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from vectorstore.speech.cleaning import clean_text, published_date
from vectorstore.speech.metadata import extract_metadata
from vectorstore.speech.outline_tree import OUTLINE_VERSION, build_outline
from vectorstore.speech.pages import map_page_starts, speech_pages
from vectorstore.speech.splitting import split_speeches
from vectorstore.speech.types import RawDocument, Speech


def speeches_from_document(document: RawDocument) -> list[Speech]:
    """All speeches in one raw document, cleaned, with rule-based metadata, their pages and outline."""
    cleaned = clean_text(document.text)
    page_starts = map_page_starts(document.text, document.page_starts, cleaned)
    parts = split_speeches(cleaned)
    speeches, cursor = [], 0
    for number, part in enumerate(parts, start=1):
        meta = extract_metadata(part.text, part.heading, document.meta, source=document.source, part=part.ordinal)
        if meta.date is None and len(parts) == 1:
            meta = replace(meta, date=published_date(document.text))
        if page_starts:
            cursor = cleaned.find(part.text, cursor)
            meta = replace(meta, pages=speech_pages(page_starts, cursor, cursor + len(part.text)))
        speech_id = document.source if len(parts) == 1 else f"{document.source}#{number}"
        speeches.append(Speech(id=speech_id, text=part.text, meta=meta, outline=build_outline(part.text)))
    return speeches


def content_hash(speech: Speech, chunker_key: str) -> str:
    """A hash of everything that decides a speech's chunks, metadata and outline."""
    digest = hashlib.sha256(f"{chunker_key}/{OUTLINE_VERSION}".encode())
    for value in (speech.text, json.dumps(speech.meta.to_dict(), ensure_ascii=False, sort_keys=True)):
        digest.update(b"\x00" + value.encode())
    return digest.hexdigest()[:16]

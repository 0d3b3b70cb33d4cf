"""Milvus collections of the Milvus store: schemas, the keyword analyzers, rows and filters.

Chunks collection, one row a chunk:
  ``id`` (primary key) · ``speech_id``, ``speech_hash``, ``source``, ``speaker``,
  ``places`` (array), ``date_num`` (yyyymmdd, 0 = undated): scalars for filters ·
  ``text``: the exact span · ``indexed``: the BM25 function's input — under the ``tokens``
  analyzer the keyword index's tokens of the indexed text (title, section, text), spelt as
  hex words; under ``jieba`` the normalised indexed text itself · ``sparse``: its BM25
  vector, made by the server · ``vector``: the dense embedding · ``meta``: the chunk's
  metadata as JSON text (vectorstore/stores/chunks.py).
Speeches collection, one row a speech: ``id``, ``vector`` (the mean of its chunks'; Milvus
wants a vector in every collection), ``meta`` (vectorstore/speech/records.py's codec as JSON text).

The jieba analyzer drops our stop words and punctuation with one ``stop`` filter (Milvus
Lite 2.5 has no ``removepunct``). ``standard`` keeps a hex word whole.
"""

from __future__ import annotations

import base64
import json
import re
import zlib

import numpy as np

from vectorstore.errors import InputError
from vectorstore.text.tokens import STOP_WORDS, normalize, tokenize
from vectorstore.speech.records import SpeechRecord, record_from_metadata, record_metadata
from vectorstore.stores.chunks import chunk_from_record, chunk_metadata, indexed_text
from vectorstore.speech.types import Chunk, Speech

TEXT_BYTES = 65535  # Milvus's longest VARCHAR
ID_BYTES = 1024
PLACES = 256  # most places kept per chunk for filtering
PUNCTUATION = tuple("，。、；：？！“”‘’（）《》〈〉【】「」『』—…·,.;:?!\"'()[]{}<>/\\|-_~*&%$#@+=^`")
# The jieba user words the keyword index uses (none yet: jieba's default dictionary alone).
USER_WORDS: tuple[str, ...] = ()
CHUNK_FIELDS = ["text", "meta"]


def analyzer_params(analyzer: str = "jieba") -> dict:
    """``jieba``: jieba in search mode, like the keyword index's words, without stop words and
    punctuation. ``tokens``: the keyword index's own tokens, each spelt as one hex word
    (:func:`spelt_tokens`), which the standard tokenizer keeps whole."""
    if analyzer == "tokens":
        return {"tokenizer": "standard"}
    # jieba's defaults are search mode with HMM; the object form with a dictionary of our own is
    # refused by Milvus Lite 2.5 ("tokenizer name should be string"), so it is only used when needed
    jieba = {"type": "jieba", "dict": ["_default_", *USER_WORDS]} if USER_WORDS else "jieba"
    return {"tokenizer": jieba,
            "filter": [{"type": "stop", "stop_words": sorted(STOP_WORDS) + list(PUNCTUATION)}]}


def spelt_tokens(tokens) -> str:
    """Tokens as the ``indexed`` text of the ``tokens`` analyzer: hex words between spaces (a
    space at each end, so that ``LIKE '% word %'`` counts whole tokens)."""
    return " " + " ".join(token.encode().hex() for token in tokens) + " "


def indexed_field(chunk: Chunk, speech: Speech, analyzer: str) -> str:
    text = normalize(indexed_text(chunk.text, speech.title or speech.meeting, chunk.section))
    return spelt_tokens(tokenize(text)) if analyzer == "tokens" else text


def chunk_schema(client, dimension: int, analyzer: str = "jieba"):
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=ID_BYTES)
    for name in ("speech_id", "source"):
        schema.add_field(name, DataType.VARCHAR, max_length=ID_BYTES)
    schema.add_field("speech_hash", DataType.VARCHAR, max_length=64)
    schema.add_field("speaker", DataType.VARCHAR, max_length=ID_BYTES)
    schema.add_field("places", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=PLACES, max_length=256)
    schema.add_field("date_num", DataType.INT64)
    schema.add_field("text", DataType.VARCHAR, max_length=TEXT_BYTES)
    schema.add_field("indexed", DataType.VARCHAR, max_length=TEXT_BYTES, enable_analyzer=True,
                     analyzer_params=analyzer_params(analyzer))
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    schema.add_field("meta", DataType.VARCHAR, max_length=TEXT_BYTES)
    schema.add_function(Function(name="indexed_bm25", function_type=FunctionType.BM25,
                                 input_field_names=["indexed"], output_field_names=["sparse"]))
    return schema


def chunk_indexes(client, exact: bool = False):
    """The dense index (HNSW on a server; ``exact``: FLAT, Milvus Lite's one exact index) and BM25's."""
    params = client.prepare_index_params()
    if exact:
        params.add_index(field_name="vector", index_type="FLAT", metric_type="COSINE")
    else:
        params.add_index(field_name="vector", index_type="HNSW", metric_type="COSINE",
                         params={"M": 16, "efConstruction": 200})
    params.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": 1.5, "bm25_b": 0.75})  # the keyword index's k1 and b
    return params


def speech_schema(client, dimension: int):
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=ID_BYTES)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    schema.add_field("meta", DataType.VARCHAR, max_length=TEXT_BYTES)
    return schema


def speech_indexes(client):
    params = client.prepare_index_params()
    params.add_index(field_name="vector", index_type="FLAT", metric_type="COSINE")
    return params


def chunk_row(chunk: Chunk, speech: Speech, speech_hash: str, vector: np.ndarray, analyzer: str = "jieba") -> dict:
    meta = chunk_metadata(chunk, speech, speech_hash)
    return {
        "id": chunk.id, "speech_id": speech.id, "source": chunk.source, "speech_hash": speech_hash,
        "speaker": speech.speaker or "", "places": list(speech.places)[:PLACES],
        "date_num": meta.get("date_num") or 0, "text": chunk.text,
        "indexed": indexed_field(chunk, speech, analyzer),
        "vector": np.asarray(vector, dtype=np.float32).tolist(), "meta": _json(meta),
    }


def chunk_from_row(row: dict) -> Chunk:
    return chunk_from_record(row["id"], row["text"], json.loads(row["meta"]))


def speech_row(record: SpeechRecord, vector: np.ndarray) -> dict:
    return {"id": record.id, "vector": np.asarray(vector, dtype=np.float32).tolist(),
            "meta": _packed(_json(record_metadata(record)))}


def speech_from_row(row: dict) -> SpeechRecord:
    return record_from_metadata(row["id"], json.loads(_unpacked(row["meta"])))


def _packed(text: str) -> str:
    """JSON text that fits a VARCHAR: a long outline is stored deflated (``z:`` + base64)."""
    if len(text.encode()) <= TEXT_BYTES:
        return text
    packed = "z:" + base64.b64encode(zlib.compress(text.encode(), 9)).decode("ascii")
    if len(packed) > TEXT_BYTES:
        raise InputError(f"a speech record of {len(text.encode())} bytes does not fit a Milvus record; split the file")
    return packed


def _unpacked(text: str) -> str:
    return zlib.decompress(base64.b64decode(text[2:])).decode() if text.startswith("z:") else text


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- filters ---------------------------------------------------------------
_FIELDS = {"speech_id", "source", "speech_hash", "speaker", "places", "date_num", "id"}
_COMPARE = {"$gte": ">=", "$lte": "<=", "$gt": ">", "$lt": "<", "$ne": "!=", "$eq": "=="}


def where_expr(where: dict | None) -> str:
    """A Chroma-shaped ``where`` (vectorstore/stores/protocol.py) as a Milvus boolean expression."""
    if not where:
        return ""
    clauses = []
    for key, value in where.items():
        if key in ("$and", "$or"):
            joined = f" {key[1:]} ".join(f"({where_expr(part)})" for part in value)
            clauses.append(joined)
        else:
            clauses.append(_field_expr(key, value))
    return " and ".join(clauses)


def _field_expr(field: str, condition) -> str:
    if field not in _FIELDS:
        raise ValueError(f"the Milvus store cannot filter on {field!r}")
    if not isinstance(condition, dict):
        condition = {"$eq": condition}
    return " and ".join(_operator_expr(field, op, value) for op, value in condition.items())


def _operator_expr(field: str, op: str, value) -> str:
    if op == "$in":
        return f"{field} in {literal(list(value))}"
    if op == "$contains":
        return f"array_contains({field}, {literal(value)})"
    if op not in _COMPARE:
        raise ValueError(f"the Milvus store has no filter operator {op!r}")
    expr = f"{field} {_COMPARE[op]} {literal(value)}"
    return f"({field} > 0 and {expr})" if field == "date_num" and op != "$ne" else expr  # 0 = no date


def literal(value) -> str:
    """A Milvus expression literal: a JSON string, number or list."""
    return json.dumps(value, ensure_ascii=False)


def like_contains(field: str, text: str) -> str:
    """``field`` holds ``text``, or text like it: LIKE's wildcards and the backslash in ``text``
    become ``%`` (Milvus versions escape differently, and some not at all); callers that need the
    exact text check it."""
    pieces = [piece for piece in re.split(r"[%_\\]+", text) if piece]
    return f"{field} like {literal('%' + '%'.join(pieces) + '%')}"

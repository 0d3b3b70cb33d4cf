"""A persisted BM25 keyword index over chunk ids (the Chroma store's keyword side).

The main index lives in Chroma; this one sits in its own directory beside it
and holds, for every chunk id, the token counts of the chunk text.  The caller
keeps the two in sync: after every Chroma change it calls
:meth:`KeywordIndex.upsert` or :meth:`KeywordIndex.delete`, then
:meth:`KeywordIndex.save`; when a sync check (``KeywordIndex.ids()`` against
Chroma's ids) fails it calls :meth:`KeywordIndex.rebuild` with every chunk.

Only token counts are stored, so a change re-tokenises only the changed
chunks.  The BM25 matrix (Lucene variant, the same scores as
``bm25s.BM25(method="lucene")``) is rebuilt with a few vectorised numpy
operations on the first search after a change: 0.4-0.8 s for 20,000
chunks, where bm25s's own ``index()`` takes 2.5-6 s, a cost every process
that opens the index would pay.  The file is an ``.npz`` archive (no
pickle), written atomically (temp file, fsync, ``os.replace``), carrying a
format version and the tokenizer id of :mod:`vectorstore.text.tokens`: a file
this code cannot read raises :class:`~vectorstore.errors.IndexMismatchError`.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
import threading
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.errors import IndexMismatchError
from vectorstore.text.tokens import TOKENIZER_ID, query_terms, tokenize

logger = logging.getLogger(__name__)

INDEX_FILE = "keyword_index.npz"
FORMAT = "policy-qa-keyword-index"
FORMAT_VERSION = 1

BM25_K1 = 1.5
BM25_B = 0.75

_EMPTY = np.zeros(0, dtype=np.int32)
_UPSERT_BATCH = 1000

# A document as stored: (sorted unique term ids, count of each), both int32.
Doc = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _Bm25:
    """Lucene BM25 weights of every (term, document) pair, stored by term (CSC)."""

    indptr: np.ndarray  # term t's postings are [indptr[t], indptr[t + 1])
    rows: np.ndarray  # document row of each posting
    weights: np.ndarray  # float32 BM25 weight of each posting
    n_docs: int

    def scores(self, term_ids: Iterable[int]) -> np.ndarray:
        """BM25 score of every document for a query of distinct term ids."""
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for term in term_ids:
            if term + 1 < len(self.indptr):
                lo, hi = self.indptr[term], self.indptr[term + 1]
                scores[self.rows[lo:hi]] += self.weights[lo:hi]  # rows unique per term
        return scores


def _build_bm25(docs: list[Doc], vocab_size: int) -> _Bm25:
    """Weights idf * tf / (tf + k1 * (1 - b + b * len / avg_len)), vectorised."""
    n_docs = len(docs)
    terms = np.concatenate([d[0] for d in docs]) if docs else _EMPTY
    tfs = np.concatenate([d[1] for d in docs]).astype(np.float32) if docs else _EMPTY
    rows = np.repeat(np.arange(n_docs, dtype=np.int32), [len(d[0]) for d in docs])
    lengths = np.array([d[1].sum() for d in docs], dtype=np.float32)
    avg_len = (float(lengths.mean()) if docs else 0.0) or 1.0
    df = np.bincount(terms, minlength=vocab_size)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / avg_len)
    weights = idf[terms] * tfs / (tfs + norm[rows])
    order = np.argsort(terms, kind="stable")
    indptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    return _Bm25(indptr, rows[order], weights[order].astype(np.float32), n_docs)


class KeywordIndex:
    """BM25 over chunk ids, persisted as ``<directory>/keyword_index.npz``.

    ``KeywordIndex(directory)`` is an empty index that will save there (use
    it to start over from a corrupt file); ``KeywordIndex.open`` loads what
    is there.  Methods are safe to call from several threads.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.RLock()
        self._vocab: dict[str, int] = {}  # token -> term id (only grows until saved)
        self._docs: dict[str, Doc] = {}
        self._rows: list[str] = []  # row of the built model -> chunk id
        self._row_of: dict[str, int] = {}
        self._model: _Bm25 | None = None

    @property
    def path(self) -> Path:
        """The index file."""
        return self.directory / INDEX_FILE

    @classmethod
    def open(cls, directory: Path) -> KeywordIndex:
        """Load the index in ``directory``; empty when it has none yet.

        Raises IndexMismatchError when the file is corrupt or was written by
        another format or tokenizer version.
        """
        index = cls(directory)
        try:
            raw = index.path.read_bytes()
        except FileNotFoundError:
            logger.debug("no keyword index at %s yet; starting empty", index.path)
            return index
        index._vocab, index._docs = _decode(raw, index.path)
        logger.debug("keyword index %s: %d chunks", index.path, len(index._docs))
        return index

    def reload(self) -> None:
        """Replace the content with what the file holds now (another process saved it).

        In place, so that holders of this object (or of its bound methods) see it.
        Raises IndexMismatchError like :meth:`open`.
        """
        fresh = KeywordIndex.open(self.directory)
        with self._lock:
            self._vocab, self._docs, self._model = fresh._vocab, fresh._docs, None

    def __len__(self) -> int:
        return len(self._docs)

    def ids(self) -> set[str]:
        """The chunk ids in the index (to compare with the main index)."""
        with self._lock:
            return set(self._docs)

    def upsert(self, ids: list[str], texts: list[str]) -> None:
        """Add chunks, or replace the text of ids already present."""
        if len(ids) != len(texts):
            raise ValueError(f"upsert got {len(ids)} ids but {len(texts)} texts")
        for start in range(0, len(ids), _UPSERT_BATCH):  # bounds the memory of token lists
            batch = slice(start, start + _UPSERT_BATCH)
            tokenised = [tokenize(text) for text in texts[batch]]  # the slow part, unlocked
            with self._lock:
                for chunk_id, tokens in zip(ids[batch], tokenised):
                    self._put(chunk_id, self._doc(tokens))

    def _put(self, chunk_id: str, doc: Doc) -> None:
        """Store a document; only a real change invalidates the model."""
        old = self._docs.get(chunk_id)
        if old is None or not (np.array_equal(old[0], doc[0]) and np.array_equal(old[1], doc[1])):
            self._docs[chunk_id] = doc
            self._model = None

    def delete(self, ids: Iterable[str]) -> int:
        """Remove chunks; ids not present are ignored.  Returns how many went."""
        with self._lock:
            removed = sum(self._docs.pop(chunk_id, None) is not None for chunk_id in ids)
            if removed:
                self._model = None
            return removed

    def rebuild(self, ids: list[str], texts: list[str]) -> None:
        """Replace the whole content with these chunks (after a failed sync check)."""
        fresh = KeywordIndex(self.directory)
        fresh.upsert(ids, texts)
        with self._lock:
            self._vocab, self._docs, self._model = fresh._vocab, fresh._docs, None

    def save(self) -> None:
        """Write the index atomically; a crash mid-save keeps the previous file."""
        with self._lock:
            arrays = _encode(self._vocab, self._docs)
        self.directory.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        _atomic_write(self.path, buffer.getvalue())
        logger.debug("saved keyword index %s (%d chunks)", self.path, len(arrays["offsets"]) - 1)

    def search(
        self, query: str, k: int = 10, allowed_ids: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best chunks for ``query`` as ``(id, score)``, best first.

        Only chunks sharing a token with the query (score > 0) come back, ties
        in id order; ``allowed_ids`` restricts results to those ids.
        """
        if k <= 0 or not self._docs:
            return []
        tokens = query_terms(query)
        with self._lock:
            model = self._current_model()
            scores = model.scores(self._vocab[t] for t in tokens if t in self._vocab)
            rows = self._candidate_rows(scores, allowed_ids)
            best = rows[np.argsort(-scores[rows], kind="stable")[:k]]
            return [(self._rows[row], float(scores[row])) for row in best]

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """BM25 idf of each token over the current chunks (a token in no chunk gets the highest)."""
        with self._lock:
            model = self._current_model()
            idf = {}
            for token in set(tokens):
                term = self._vocab.get(token)
                df = 0 if term is None or term + 1 >= len(model.indptr) else int(
                    model.indptr[term + 1] - model.indptr[term])
                idf[token] = float(np.log1p((model.n_docs - df + 0.5) / (df + 0.5)))
            return idf

    def _doc(self, tokens: list[str]) -> Doc:
        """Term ids and counts of a token list, adding new tokens to the vocabulary."""
        counted = Counter(tokens)  # each distinct token looked up once
        ids = np.fromiter((self._vocab.setdefault(t, len(self._vocab)) for t in counted), dtype=np.int32,
                          count=len(counted))
        order = np.argsort(ids, kind="stable")
        return ids[order], np.fromiter(counted.values(), dtype=np.int32, count=len(counted))[order]

    def _candidate_rows(self, scores: np.ndarray, allowed_ids: set[str] | None) -> np.ndarray:
        """Rows with a positive score, restricted to ``allowed_ids``, in row order."""
        if allowed_ids is None:
            return np.flatnonzero(scores > 0)
        rows = np.array(sorted(self._row_of[i] for i in allowed_ids if i in self._row_of), dtype=np.int64)
        return rows[scores[rows] > 0]

    def _current_model(self) -> _Bm25:
        """The BM25 model of the current chunks, rebuilt after a change."""
        if self._model is None:
            self._rows = sorted(self._docs)
            self._row_of = {chunk_id: row for row, chunk_id in enumerate(self._rows)}
            self._model = _build_bm25([self._docs[i] for i in self._rows], len(self._vocab))
            logger.debug("built BM25 model over %d chunks", len(self._rows))
        return self._model


def _json_array(value: Any) -> np.ndarray:
    """JSON text as a uint8 array, so that the .npz needs no pickle."""
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


def _encode(vocab: dict[str, int], docs: dict[str, Doc]) -> dict[str, np.ndarray]:
    """The arrays of an index file, with the vocabulary cut to used tokens."""
    ids = sorted(docs)
    terms = np.concatenate([docs[i][0] for i in ids]) if ids else _EMPTY
    counts = np.concatenate([docs[i][1] for i in ids]) if ids else _EMPTY
    offsets = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum([len(docs[i][0]) for i in ids], out=offsets[1:])
    used = np.unique(terms)
    remap = np.zeros(len(vocab), dtype=np.int32)
    remap[used] = np.arange(len(used), dtype=np.int32)  # monotonic: keeps terms sorted
    by_id = list(vocab)  # dict order is id order: ids are handed out 0, 1, 2...
    meta = {"format": FORMAT, "version": FORMAT_VERSION, "tokenizer": TOKENIZER_ID}
    return {
        "meta": _json_array(meta),
        "ids": _json_array(ids),
        "vocab": _json_array([by_id[t] for t in used]),
        "offsets": offsets,
        "terms": remap[terms],
        "counts": counts,
    }


def _decode(raw: bytes, path: Path) -> tuple[dict[str, int], dict[str, Doc]]:
    """Check and decode an index file; raise IndexMismatchError if unusable."""
    if not raw.startswith(b"PK"):  # else numpy would try it as a pickle
        raise _mismatch(path, "the file is corrupt (not an .npz archive)")
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as exc:
        raise _mismatch(path, f"the file is corrupt ({exc!r})") from exc
    _check_meta(meta, path)
    try:
        return _decode_docs(arrays)
    except (ValueError, KeyError, TypeError) as exc:
        raise _mismatch(path, f"its tables are malformed ({exc})") from exc


def _check_meta(meta: Any, path: Path) -> None:
    """Accept only this format, format version and tokenizer."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise _mismatch(path, "it is not a policy-qa keyword index")
    version, tokenizer = meta.get("version"), meta.get("tokenizer")
    if version != FORMAT_VERSION:
        raise _mismatch(path, f"it has format version {version!r}, this code reads {FORMAT_VERSION}")
    if tokenizer != TOKENIZER_ID:
        raise _mismatch(path, f"it was tokenised by {tokenizer!r}, this code uses {TOKENIZER_ID!r}")


def _decode_docs(arrays: dict[str, np.ndarray]) -> tuple[dict[str, int], dict[str, Doc]]:
    """Vocabulary and documents from the arrays, checking that they fit together."""
    ids = json.loads(arrays["ids"].tobytes().decode("utf-8"))
    tokens = json.loads(arrays["vocab"].tobytes().decode("utf-8"))
    offsets, terms, counts = arrays["offsets"], arrays["terms"], arrays["counts"]
    if len(offsets) != len(ids) + 1 or offsets[0] != 0 or np.any(np.diff(offsets) < 0):
        raise ValueError("offsets do not match the chunk ids")
    if offsets[-1] != len(terms) or len(terms) != len(counts):
        raise ValueError("term and count arrays do not match the offsets")
    if len(terms) and (terms.min() < 0 or terms.max() >= len(tokens)):
        raise ValueError("a term id is outside the vocabulary")
    vocab = {token: i for i, token in enumerate(tokens)}
    if len(vocab) != len(tokens) or len(set(ids)) != len(ids):
        raise ValueError("duplicate tokens or chunk ids")
    terms, counts = terms.astype(np.int32), counts.astype(np.int32)
    docs = {cid: (terms[lo:hi], counts[lo:hi]) for cid, lo, hi in zip(ids, offsets[:-1], offsets[1:])}
    return vocab, docs


def _mismatch(path: Path, reason: str) -> IndexMismatchError:
    return IndexMismatchError(f"The keyword index {path} cannot be used: {reason}. Rebuild the index.")


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a synced temp file and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable where the platform allows it (not on Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

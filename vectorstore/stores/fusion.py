"""Reciprocal rank fusion of ranked lists (the Chroma store's hybrid search, and Milvus's
``client`` fusion)."""

from __future__ import annotations

from vectorstore.stores.protocol import ScoredChunk

RRF_K = 60


def reciprocal_rank_fusion(rankings: list[tuple[list[ScoredChunk], float]], k: int = RRF_K) -> list[ScoredChunk]:
    """Fuse ranked lists: score = Σ weight / (k + rank); ties keep the first list's order."""
    scores: dict[str, float] = {}
    chunks = {}
    for ranking, weight in rankings:
        for rank, hit in enumerate(ranking, start=1):
            scores[hit.chunk.id] = scores.get(hit.chunk.id, 0.0) + weight / (k + rank)
            chunks.setdefault(hit.chunk.id, hit.chunk)
    order = sorted(scores, key=lambda chunk_id: -scores[chunk_id])
    return [ScoredChunk(chunks[chunk_id], scores[chunk_id]) for chunk_id in order]


def hybrid_depth(k: int) -> int:
    """How many candidates each ranking contributes to a fused top ``k``."""
    return max(3 * k, 30)

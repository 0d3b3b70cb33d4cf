"""Kinds composed from the documents' structure and metadata: which documents the collection holds,
whether a named speech mentions X, several speeches on one topic, and the outline of a speech."""

from __future__ import annotations

from assistant.answering.collection import compose_collection
from assistant.answering.composers import compose
from assistant.answering.cross import compose_cross
from assistant.answering.kinds.base import composed
from assistant.answering.mention import compose_mention


def _collection(pipeline, ask):
    return compose_collection(ask.analysis, pipeline.index)


def _mention(pipeline, ask):
    certain = ask.analysis.scope.certain
    view = pipeline.structured.view_for(ask.analysis, ask.evidences, need_scope=True) if certain else None
    return compose_mention(ask.analysis, view) if view else None


def _cross(pipeline, ask):
    picker = pipeline.structured.picker
    if picker is None:
        return None
    drafted = compose_cross(ask.analysis.topic, ask.evidences, picker.score_sentences)
    return pipeline.structured.compared_too(ask.analysis, drafted)


def _structure(pipeline, ask):
    view = pipeline.structured.view_for(ask.analysis, ask.evidences)
    return compose(ask.analysis, view, pipeline.structured.idf) if view else None


COLLECTION = composed("collection", _collection)
MENTION = composed("mention", _mention)
CROSS = composed("cross", _cross)
STRUCTURE = composed("structure", _structure)

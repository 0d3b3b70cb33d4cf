"""policy-qa: answers about Chinese government speeches, with cited passages.

    from assistant import build_assistant
    a = build_assistant()
    ans = a.ask("什么是“四千精神”？", history=[])

The names below are the Python API (``__all__``); each loads its module on first use, so
``import assistant`` is cheap. Everything else is internal and may move.

The wings, top to bottom (each imports only the ones below it):
``faces`` (CLI, web) → ``core``/``factory`` → ``conversation`` → ``answering`` → ``retrieval``
→ ``understanding``; ``evaluation`` runs fixed questions through the core. The index, the
speech model, the readers and the embedders are the ``vectorstore`` package.
"""

from vectorstore.exports import lazy_exports as _lazy_exports

_EXPORTS = {
    "Assistant": "assistant.core",
    "build_assistant": "assistant.factory",
    **dict.fromkeys(["Settings", "load_settings"], "assistant.settings"),
    **dict.fromkeys(["Answer", "Citation", "RelatedPassage", "SpeechInfo", "SpeechOutline", "FilterSpec",
                     "IngestOutcome", "REFUSAL"], "assistant.types"),
    **dict.fromkeys(["PolicyQAError", "InputError", "ConfigError", "ModelError", "NotFoundError",
                     "IndexMismatchError"], "vectorstore.errors"),
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS)

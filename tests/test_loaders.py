"""``vectorstore.loaders`` stays importable: it re-exports the readers wing (tests/test_readers_*.py)."""

from __future__ import annotations

from tests.readers_support import make_pdf  # noqa: F401  (tests/security imports it from here)


def test_loaders_reexports_the_readers():
    import vectorstore.loaders as loaders
    import vectorstore.readers as readers

    for name in ("load_file", "discover", "SUPPORTED_SUFFIXES", "DEFAULT_MAX_TEXT_CHARS", "normalise_text"):
        assert getattr(loaders, name) is getattr(readers, name)

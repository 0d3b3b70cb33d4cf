"""Lazy public surfaces: a package names what it exports and the module each name lives in.

Importing the package loads none of them; ``from package import Name`` loads the one module
that holds ``Name`` (PEP 562). So ``import assistant`` or ``import vectorstore`` stays cheap,
and the surface is one table that a test can check.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``exports`` maps each public name to its module."""

    def __getattr__(name: str) -> object:
        if name in exports:
            return getattr(importlib.import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}; its public names are listed in __all__")

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__

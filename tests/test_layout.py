"""The tree shows the architecture: wings import only the wings below them, a few files at the top of each
package, and the Python API is the ``__all__`` of ``assistant`` and ``vectorstore`` (loaded lazily)."""

from __future__ import annotations

import ast
import subprocess
import sys
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Floors, top to bottom: a module may import its own wing and the wings on floors below its own.
FLOORS = {
    "assistant": [["faces"], ["evaluation"], ["factory"], ["settings", "core"], ["access", "uploads"], ["answering"],
                  ["conversation"], ["retrieval"], ["understanding"], ["types"]],
    "vectorstore": [["ingest", "search"], ["embedding"], ["readers", "stores"], ["runtime"], ["speech"], ["text"],
                    ["errors", "exports"]],
}


def floor_of(package: str, wing: str) -> int:
    return next(i for i, floor in enumerate(FLOORS[package]) if wing in floor)


def imported_modules(path: Path):
    """Every module an import statement of the file names (also inside functions and TYPE_CHECKING)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def wing_of(module: str) -> tuple[str, str] | None:
    parts = module.split(".")
    if parts[0] not in FLOORS or len(parts) < 2:
        return None
    wing = parts[1]
    known = any(wing in floor for floor in FLOORS[parts[0]])
    return (parts[0], wing) if known else None


def modules_of(package: str):
    for path in sorted((REPO / package).rglob("*.py")):
        relative = path.relative_to(REPO).with_suffix("")
        yield path, ".".join(relative.parts).removesuffix(".__init__")


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_every_module_sits_in_a_wing_and_imports_only_downwards(package):
    upward = []
    for path, module in modules_of(package):
        if module == package:
            continue
        source = wing_of(module)
        assert source is not None, f"{module} is in no wing of {FLOORS[package]}"
        for target in map(wing_of, imported_modules(path)):
            if target is None or target[1] == source[1]:
                continue
            if target[0] != package:
                assert package == "assistant", f"{module} imports {target[0]}: vectorstore never imports assistant"
                continue
            if floor_of(package, target[1]) <= floor_of(package, source[1]):
                upward.append(f"{module} → {package}.{target[1]}")
    assert upward == []


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_a_few_files_at_the_top_of_each_package(package):
    loose = sorted(path.name for path in (REPO / package).glob("*.py"))
    assert len(loose) <= 6, loose


@pytest.mark.parametrize("package", ["assistant", "vectorstore", "vectorstore.embedding"])
def test_the_public_surface_is_all_and_only_all(package):
    script = (f"import sys, types, {package} as p\n"
              "loaded = set(sys.modules)\n"
              "public = [n for n, v in vars(p).items() if not n.startswith('_') and not isinstance(v, types.ModuleType)]\n"
              "print(sorted(public)); print(sorted(m for m in loaded if m.split('.')[0] in "
              "('torch', 'chromadb', 'gradio', 'openvino', 'pymilvus', 'langchain_core', 'numpy')))\n")
    shown, heavy = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                  cwd=REPO).stdout.splitlines()
    assert shown == "[]" and heavy == "[]"  # nothing is reached but through __all__, and nothing heavy loads
    module = __import__(package, fromlist=["_"])
    assert module.__all__ == sorted(set(module.__all__))
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    namespace: dict = {}
    exec(f"from {package} import *", namespace)
    assert sorted(set(namespace) - {"__builtins__"}) == module.__all__
    with pytest.raises(AttributeError, match="__all__"):
        getattr(module, "no_such_name")


def test_the_api_names_are_the_objects_the_core_uses():
    import assistant
    from assistant.core import Assistant
    from assistant.types import Answer

    assert assistant.Assistant is Assistant and assistant.Answer is Answer
    assert isinstance(assistant.build_assistant, types.FunctionType)

"""The import-layer contract: dependencies point one way, and solver internals stay inside.

models and geo know nothing above them; the validator never reads solver code; engines never
import strategies or the front door; nothing outside ``solvers/`` touches OR-Tools, PyVRP,
VROOM or the compiled index data.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "dispatchopt"
ENGINE_PACKAGES = ("ortools", "pyvrp", "vroom")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (relative imports are
    resolved against the module's package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else ""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = (package or _module_name(path)).split(".")
                base = base[: len(base) - node.level + 1]
                out.add(".".join([*base, node.module or ""]).rstrip("."))
            else:
                out.add(node.module or "")
    return out


MODULES = {_module_name(p): _imports(p) for p in sorted(SRC.rglob("*.py"))}


def _ours(imported: set[str]) -> set[str]:
    return {m for m in imported if m == "dispatchopt" or m.startswith("dispatchopt.")}


def _under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _offenders(owner: str, allowed: tuple[str, ...]) -> list[str]:
    """Imports from modules under ``owner`` of engine packages or of our modules outside
    ``allowed``."""
    bad = []
    for module, imported in MODULES.items():
        if not _under(module, owner):
            continue
        for name in sorted(imported):
            engine = name.split(".")[0] in ENGINE_PACKAGES
            above = name in _ours(imported) and not _under(name, *allowed)
            if engine or above:
                bad.append(f"{module} imports {name}")
    return bad


def test_the_tree_was_read() -> None:
    assert "dispatchopt.models.job" in MODULES
    assert "dispatchopt.solvers.front_door" in MODULES


@pytest.mark.parametrize(
    ("owner", "allowed"),
    [
        ("dispatchopt.models", ("dispatchopt.models", "dispatchopt.errors")),
        ("dispatchopt.geo", ("dispatchopt.geo", "dispatchopt.errors", "dispatchopt._lazy")),
        (
            "dispatchopt.matrices",
            ("dispatchopt.models", "dispatchopt.geo", "dispatchopt.errors"),
        ),
        (
            "dispatchopt.validate",
            (
                "dispatchopt.validate",
                "dispatchopt.models",
                "dispatchopt.matrices",
                "dispatchopt.errors",
            ),
        ),
        (
            "dispatchopt.live",
            (
                "dispatchopt.live",
                "dispatchopt.models",
                "dispatchopt.matrices",
                "dispatchopt.validate",
                "dispatchopt.solvers",
                "dispatchopt.io",
                "dispatchopt.errors",
            ),
        ),
    ],
)
def test_lower_layers_import_nothing_above_them(owner: str, allowed: tuple[str, ...]) -> None:
    assert _offenders(owner, allowed) == []


def test_the_board_draws_from_the_model_alone() -> None:
    """The board depends on models (and geo, for the street network), never on the server, the
    solvers or a web framework: ``plan --html`` and ``/board/{id}`` share it."""
    allowed = ("dispatchopt.board", "dispatchopt.models", "dispatchopt.geo", "dispatchopt.errors")
    bad = _offenders("dispatchopt.board", allowed)
    bad += [
        f"{module} imports {name}"
        for module, imported in MODULES.items()
        if _under(module, "dispatchopt.board")
        for name in imported
        if name.split(".")[0] in {"fastapi", "starlette", "uvicorn"}
    ]
    assert bad == []


def test_only_the_server_imports_the_web_framework() -> None:
    bad = [
        f"{module} imports {name}"
        for module, imported in MODULES.items()
        if not _under(module, "dispatchopt.server")
        for name in imported
        if name.split(".")[0] in {"fastapi", "starlette", "uvicorn"}
    ]
    assert bad == []
    assert not [
        f"{module} imports {name}"
        for module, imported in MODULES.items()
        if not _under(module, "dispatchopt.server", "dispatchopt.cli")
        for name in imported
        if _under(name, "dispatchopt.server")
    ]


def test_engines_never_import_strategies_or_the_front_door() -> None:
    above = ("dispatchopt.solvers.strategies", "dispatchopt.solvers.front_door")
    bad = [
        f"{module} imports {name}"
        for module, imported in MODULES.items()
        if _under(module, "dispatchopt.solvers.engines", "dispatchopt.solvers.compiled")
        for name in imported
        if _under(name, *above)
    ]
    assert bad == []


def test_strategies_never_import_the_front_door() -> None:
    bad = [
        f"{module} imports {name}"
        for module, imported in MODULES.items()
        if _under(module, "dispatchopt.solvers.strategies")
        for name in imported
        if _under(name, "dispatchopt.solvers.front_door")
    ]
    assert bad == []


def test_compiled_data_knows_no_engine() -> None:
    bad = [
        f"{module} imports {name}"
        for module, imported in MODULES.items()
        if _under(module, "dispatchopt.solvers.compiled")
        for name in imported
        if name.split(".")[0] in ENGINE_PACKAGES or _under(name, "dispatchopt.solvers.engines")
    ]
    assert bad == []


def test_nothing_outside_solvers_touches_engine_packages_or_compiled_indices() -> None:
    inside = ("dispatchopt.solvers",)
    internals = ("dispatchopt.solvers.compiled", "dispatchopt.solvers.engines")
    bad = [
        f"{module} imports {name}"
        for module, imported in MODULES.items()
        if not _under(module, *inside)
        for name in imported
        if name.split(".")[0] in ENGINE_PACKAGES or _under(name, *internals)
    ]
    assert bad == []

"""Names a package re-exports but loads on first use, so that importing it stays cheap (the CLI
imports only what a command needs; OR-Tools, SQLAlchemy and networkx load when asked for)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``names[name]`` (a module path)
    the first time ``name`` is asked for, and keeps the value in the package."""

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name]), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return __getattr__


__all__ = ["lazy_getattr"]

"""Exceptions raised by dispatchopt, all rooted at :class:`DispatchoptError`.

Every class here survives pickling (a worker process can hand one back to its parent): those
whose ``__init__`` takes other arguments than the message say how to rebuild themselves.
"""

from __future__ import annotations

from typing import Any


class DispatchoptError(Exception):
    """Base class of every error dispatchopt raises on purpose."""


class InputError(DispatchoptError, ValueError):
    """Input that cannot be planned: names the offending field and value.

    ``errors`` holds one ``(field, value, message)`` triple per problem found, so a
    service platform can point its user at every bad field at once.
    """

    def __init__(self, errors: list[tuple[str, Any, str]]) -> None:
        self.errors = errors
        lines = [
            f"{field}: {message}" + ("" if value is None else f" (got {_shown(value)})")
            for field, value, message in errors
        ]
        super().__init__("invalid input:\n  " + "\n  ".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errors,))


def _shown(value: Any) -> str:
    """``repr(value)``, cut short so that a megabyte-long id cannot flood a terminal."""
    text = repr(value)
    return text if len(text) <= 120 else text[:100] + f"... ({len(text)} characters)"


class FormatError(InputError):
    """A file that is not in the format it claims (JSON, Solomon, VRPLIB, TRSP)."""


class SolverError(DispatchoptError):
    """No plan could be made: the routing engine failed in a way that is not the input's
    fault, or every plan it and the fallbacks produced broke a hard rule."""


class StoreError(DispatchoptError):
    """The ticket store cannot be used: the database is unreachable, its driver is unknown,
    the file does not exist (only an import creates one), or a write kept conflicting with
    other writers after every retry."""


class ClusterError(DispatchoptError):
    """The compute cluster cannot be reached or started (a Dask scheduler address that does
    not answer, workers that do not come up): the run's setting, not the day, is at fault."""


class MissingExtraError(DispatchoptError):
    """A feature asked for needs an optional extra that is not installed (``--plot`` needs
    matplotlib): raised before any work starts, so nothing is solved for nothing."""

    def __init__(self, feature: str, module: str, extra: str, hint: str = "") -> None:
        self.feature, self.module, self.extra = feature, module, extra
        message = f"{feature} needs {module}: pip install 'dispatchopt[{extra}]'"
        super().__init__(message + (f" ({hint})" if hint else ""))


def require_extra(feature: str, module: str, extra: str, hint: str = "") -> None:
    """Raise :class:`MissingExtraError` unless ``module`` can be imported (checked without
    importing it, so asking costs nothing and loads no heavy library)."""
    import importlib.util

    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise MissingExtraError(feature, module, extra, hint)

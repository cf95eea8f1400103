"""Problem and plan JSON files: read with field-naming errors, write in the documented shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dispatchopt.errors import FormatError, InputError
from dispatchopt.models import Plan, Problem


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise FormatError([("path", str(path), "no such file")])
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError([("path", str(path), f"cannot be read as UTF-8 text: {exc}")]) from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise FormatError(
            [(str(path), None, f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None


def _naming_file(path: Path, exc: InputError) -> InputError:
    """The same errors, with the file named in front of each field."""
    kind = type(exc) if isinstance(exc, FormatError) else InputError
    return kind([(f"{path}: {field}", value, msg) for field, value, msg in exc.errors])


_TRAVEL_PATHS = ("path", "cache_dir")
"""Travel settings that name files; relative ones are read from the problem file's folder."""


def _anchor_paths(data: dict[str, Any], folder: Path) -> None:
    travel = data.get("travel")
    if not isinstance(travel, dict):
        return
    for key in _TRAVEL_PATHS:
        value = travel.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            travel[key] = str(folder / value)


def read_problem_json(path: str | Path) -> Problem:
    """Read a dispatchopt problem JSON file (the schema of ``dispatchopt schema``).

    Relative file paths in the travel settings (a road network, a matrix file, a cache folder)
    are taken relative to the problem file's folder, so the file plans the same from anywhere.
    A scenario file (``dispatchopt scenario``: a ``problem`` with its ``events``) reads as its
    problem, the day in hindsight.
    """
    path = Path(path)
    data = _read_json(path)
    if not isinstance(data, dict):
        raise FormatError([(str(path), type(data).__name__, "a problem must be a JSON object")])
    if isinstance(data.get("problem"), dict) and "events" in data:
        data = data["problem"]
    _anchor_paths(data, path.parent)
    try:
        return Problem.from_data(data)
    except InputError as exc:
        raise _naming_file(path, exc) from None


def write_plan(plan: Plan, path: str | Path) -> None:
    """Write ``plan`` as the plan JSON (``Plan.to_json()``), creating parent folders."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(plan.to_json() + "\n", encoding="utf-8")


def read_plan(path: str | Path) -> Plan:
    """Read a plan JSON file written by :func:`write_plan` (or by another system)."""
    path = Path(path)
    try:
        return Plan.from_json(_read_text(path))
    except InputError as exc:
        raise _naming_file(path, exc) from None

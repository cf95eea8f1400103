"""Problem and plan JSON files: read with field-naming errors, write in the documented shape."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from dispatchopt.errors import FormatError, InputError
from dispatchopt.models import Plan, Problem

MAX_FILE_BYTES = 512 * 1024 * 1024
"""The largest JSON input read (512 MiB): far above a 10 000-job day, below memory trouble."""
MAX_JSON_DEPTH = 64
"""Nesting deeper than this is no dispatchopt document (a problem is about 8 deep)."""


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise FormatError([("path", str(path), "no such file")])
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FormatError(
                [("path", str(path), f"{size} bytes is more than the {MAX_FILE_BYTES} read")]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise FormatError([("path", str(path), f"cannot be read: {exc.strerror}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            [
                (
                    "path",
                    str(path),
                    f"not UTF-8 text: byte {raw[exc.start]:#04x} at offset {exc.start}",
                )
            ]
        ) from None


def _check_tree(data: Any, where: str) -> None:
    """Refuse non-finite numbers (``NaN``, ``Infinity``, ``1e999``), nesting deeper than
    :data:`MAX_JSON_DEPTH` and strings no database can store
    (lone surrogates, which ``\\udXXX`` escapes can produce), naming the path."""
    todo: list[tuple[Any, str, int]] = [(data, "", 0)]
    while todo:
        node, path, depth = todo.pop()
        if depth > MAX_JSON_DEPTH:
            raise FormatError([(where, None, f"nested more than {MAX_JSON_DEPTH} levels deep")])
        if isinstance(node, dict):
            for key, value in node.items():
                _check_string(key, f"{path}.{key}" if path else key, where)
                todo.append((value, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(node, list):
            todo.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(node))
        elif isinstance(node, str):
            _check_string(node, path, where)
        elif isinstance(node, float) and not math.isfinite(node):
            raise FormatError([(f"{where}: {path or '(root)'}", node, "numbers must be finite")])


def _check_string(text: str, path: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError(
            [(f"{where}: {path or '(root)'}", None, "contains a lone surrogate (\\ud800-\\udfff)")]
        ) from None


def parse_json_text(text: str, where: str) -> Any:
    """Parse JSON text strictly: no ``NaN``/``Infinity``, bounded nesting, storable strings;
    every failure is a :class:`FormatError` naming ``where``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            [(where, None, f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")]
        ) from None
    except RecursionError:
        raise FormatError(
            [(where, None, f"nested more than {MAX_JSON_DEPTH} levels deep")]
        ) from None
    _check_tree(data, where)
    return data


def read_json_file(path: Path) -> Any:
    """Read and parse a JSON file with :func:`parse_json_text`'s checks."""
    return parse_json_text(_read_text(path), str(path))


def _read_json(path: Path) -> Any:
    return read_json_file(path)


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

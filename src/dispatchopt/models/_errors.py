"""Turns pydantic validation errors into dispatchopt's field-naming :class:`InputError`."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from dispatchopt.errors import InputError

M = TypeVar("M", bound=BaseModel)
_UNION_TAGS = {
    "haversine",
    "euclidean",
    "matrix",
    "road_graph",
    "osrm",
    "Polygon",
    "MultiPolygon",
    "zones",
}
"""Discriminator tags pydantic puts in error paths; a planner does not need to see them."""


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + part
    return path or "(root)"


def input_errors(exc: ValidationError) -> list[tuple[str, Any, str]]:
    """One ``(field, value, message)`` per pydantic error, with cross-field paths unpacked."""
    out: list[tuple[str, Any, str]] = []
    for err in exc.errors(include_url=False):
        message = str(err["msg"]).removeprefix("Value error, ")
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
        if not loc and ": " in message:
            for piece in message.split("; "):
                field, _, text = piece.partition(": ")
                out.append((field, None, text))
            continue
        value = err.get("input")
        if isinstance(value, dict | list) and len(repr(value)) > 80:
            value = f"{type(value).__name__} of {len(value)} entries"
        out.append((_field_path(loc), value, message))
    return out


def validate_or_raise(model: type[M], data: Any) -> M:
    """``model.model_validate(data)``, raising :class:`InputError` that names each bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(input_errors(exc)) from None

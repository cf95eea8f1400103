"""One entry point for every input format: detects JSON, Solomon, VRPLIB or TRSP and reads it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, cast, get_args

from dispatchopt.errors import FormatError
from dispatchopt.io.json_files import read_problem_json
from dispatchopt.io.trsp import read_trsp
from dispatchopt.io.vrptw import read_solomon, read_vrplib
from dispatchopt.models import Problem

InputFormat = Literal["json", "solomon", "vrplib", "trsp"]
FORMATS: tuple[str, ...] = get_args(InputFormat)

_SNIFF_BYTES = 4096
# Solomon files carry these two words alone on their lines, as section headers.
_SOLOMON_VEHICLE = re.compile(r"^\s*VEHICLE\s*$", re.MULTILINE)
_SOLOMON_CUSTOMER = re.compile(r"^\s*CUSTOMER\s*$", re.MULTILINE)


def detect_format(path: str | Path) -> InputFormat:
    """Guess a file's format from its first bytes (and, failing that, its suffix)."""
    path = Path(path)
    if not path.is_file():
        raise FormatError([("path", str(path), "no such file")])
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    upper = head.upper()
    if head.lstrip().startswith(("{", "[")) or path.suffix.lower() == ".json":
        return "json"
    # TRSP files reuse Solomon's customers, so their own header is checked first.
    if "CREW COUNT" in upper:
        return "trsp"
    if "NODE_COORD_SECTION" in upper or path.suffix.lower() == ".vrp":
        return "vrplib"
    if _SOLOMON_VEHICLE.search(upper) and _SOLOMON_CUSTOMER.search(upper):
        return "solomon"
    raise FormatError(
        [
            (
                str(path),
                path.suffix or None,
                "cannot tell the format (not JSON, Solomon, VRPLIB or TRSP); pass it explicitly",
            )
        ]
    )


def load_problem(path: str | Path, format: str | None = None) -> Problem:
    """Read ``path`` as a :class:`Problem`, detecting the format unless ``format`` is given."""
    if format is not None and format not in FORMATS:
        raise FormatError([("format", format, f"must be one of {', '.join(FORMATS)}")])
    fmt = cast(InputFormat, format) if format is not None else detect_format(path)
    if fmt == "json":
        return read_problem_json(path)
    if fmt == "solomon":
        return read_solomon(path)
    if fmt == "vrplib":
        return read_vrplib(path)
    return read_trsp(path)

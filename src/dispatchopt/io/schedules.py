"""Per-engineer schedules: one CSV and one printable HTML page per engineer of a plan.

What an engineer takes on the road (or a dispatcher prints for them): the day's stops in order,
whom to visit and where, the promised window, the SLA due time and what to collect at a depot.
Standard library only (``csv``, ``html``), so no extra is needed.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable
from pathlib import Path

from dispatchopt.io._day_sheet import Clock, StopLine, day_heading, stop_lines
from dispatchopt.models import Plan, Problem, Route

COLUMNS = (
    "order",
    "job",
    "customer",
    "address",
    "arrive",
    "start",
    "end",
    "promised window",
    "SLA due",
    "late?",
    "parts/pickup",
    "travel min",
    "km",
)
"""The schedule's columns, in order (the CSV header and the HTML table's)."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _cells(line: StopLine) -> list[str]:
    return [
        str(line.order),
        line.job,
        line.customer,
        line.address,
        line.arrive,
        line.start,
        line.end,
        line.window,
        line.sla_due,
        line.late,
        line.parts,
        str(line.travel_min),
        f"{line.km:.1f}",
    ]


def file_stem(engineer_id: str, taken: set[str]) -> str:
    """A file name for ``engineer_id`` that is safe on every file system and not in ``taken``.

    Anything but letters, digits, ``.``, ``_`` and ``-`` becomes ``_`` (no ``/``, ``..`` or
    spaces reach the path); ids that clean up to the same name get ``-2``, ``-3``, ...
    """
    stem = _UNSAFE.sub("_", engineer_id).strip("._") or "engineer"
    candidate, n = stem, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate.lower())
    return candidate


def _lines(problem: Problem | None, routes: Iterable[Route]) -> list[StopLine]:
    """Every stop of an engineer's routes (shifts) in order, numbered through."""
    out: list[StopLine] = []
    for route in routes:
        out.extend(stop_lines(route, problem, first=len(out) + 1))
    return out


def _write_csv(path: Path, lines: list[StopLine]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(_cells(line) for line in lines)


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
p.day { margin-top: 0; color: #444; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; }
td.late { color: #b00; font-weight: bold; }
tr.pickup td { background: #f6f6f6; }
@media print { body { margin: 0.5cm; } th { background: none; } tr { break-inside: avoid; } }
"""

_NUMERIC = {"order", "travel min", "km"}


def _html_page(
    engineer_id: str, heading: str, routes: list[Route], lines: list[StopLine], clock: Clock
) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(c)}</th>" for c in COLUMNS)
    rows = []
    for line in lines:
        cells = []
        for column, value in zip(COLUMNS, _cells(line), strict=True):
            cls = "num" if column in _NUMERIC else ""
            if column == "late?" and line.late_minutes is not None:
                cls = "late"
            attr = f' class="{cls}"' if cls else ""
            cells.append(f"<td{attr}>{esc(value)}</td>")
        row_class = ' class="pickup"' if line.kind == "pickup" else ""
        rows.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    facts = []
    for route in routes:
        breaks = ", ".join(f"{clock(b.start)}-{clock(b.end)}" for b in route.breaks)
        facts.append(
            f"Leaves {clock(route.departure)}, back {clock(route.arrival)}, "
            f"{route.distance_m / 1000:.1f} km" + (f"; breaks {breaks}" if breaks else "")
        )
    late = sum(1 for line in lines if line.late_minutes is not None)
    if late:
        facts.append(f"{late} visit(s) start after their SLA due time.")
    notes = "".join(f"<p>{esc(fact)}</p>" for fact in facts)
    title = f"{engineer_id}: {heading}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<h1>{esc(engineer_id)}</h1>\n<p class="day">{esc(heading)}</p>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + f"\n</tbody>\n</table>\n{notes}\n</body>\n</html>\n"
    )


def write_schedules(problem: Problem | None, plan: Plan, folder: str | Path) -> list[Path]:
    """Write ``<engineer>.csv`` and ``<engineer>.html`` into ``folder`` for each engineer with
    a route in ``plan``; return the paths written (CSV then HTML, engineers in plan order).

    The CSV has the :data:`COLUMNS` header and one row per stop (pickups included); the HTML
    page is self-contained (inline CSS, no scripts), fit to print, every value escaped, and
    headed with the engineer, the date and the time zone. ``problem`` adds the promised
    windows and names the zone; without it (a plan read on its own) those cells stay empty.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    by_engineer: dict[str, list[Route]] = {}
    for route in plan.routes:
        by_engineer.setdefault(route.engineer_id, []).append(route)
    written: list[Path] = []
    taken: set[str] = set()
    for engineer_id, routes in by_engineer.items():
        routes.sort(key=lambda r: r.departure)
        stem = file_stem(engineer_id, taken)
        lines = _lines(problem, routes)
        csv_path = out / f"{stem}.csv"
        _write_csv(csv_path, lines)
        heading = day_heading(problem, routes[0].departure)
        page = _html_page(engineer_id, heading, routes, lines, Clock(problem, routes[0].departure))
        html_path = out / f"{stem}.html"
        html_path.write_text(page, encoding="utf-8")
        written += [csv_path, html_path]
    return written


__all__ = ["COLUMNS", "file_stem", "write_schedules"]

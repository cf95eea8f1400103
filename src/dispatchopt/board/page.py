"""The dispatcher's board as one self-contained HTML page: KPI summary, a Gantt per engineer,
the route map and the unassigned jobs with their reasons. Inline CSS and SVG and a few lines
of inline script (hovering an engineer highlights their row and route); no CDN, no build step,
so the file works offline and can be mailed."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from dispatchopt.board.gantt import gantt_svg
from dispatchopt.board.palette import KIND_COLOURS, engineer_colour
from dispatchopt.board.route_map import route_map_svg
from dispatchopt.board.streets import Segment, street_segments
from dispatchopt.errors import InputError
from dispatchopt.models import Plan, Problem

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.2rem;
       color: #212529; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .8rem; } h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
.kpis { display: flex; flex-wrap: wrap; gap: .6rem; }
.kpi { border: 1px solid #dee2e6; border-radius: 6px; padding: .4rem .8rem; min-width: 7rem; }
.kpi b { display: block; font-size: 1.2rem; } .kpi span { font-size: .8rem; color: #6c757d; }
.legend span { display: inline-block; margin-right: 1rem; font-size: .85rem; }
.legend i { display: inline-block; width: .9rem; height: .9rem; vertical-align: -2px;
            margin-right: .3rem; border-radius: 2px; }
svg text { font-size: 11px; } .tick { stroke: #e9ecef; } .tick-label { text-anchor: middle;
fill: #6c757d; } .row-bg { fill: transparent; } .row:nth-child(even) .row-bg { fill: #f8f9fa; }
.engineer { font-weight: 600; font-size: 12px; } .shift { fill: none; stroke: #495057;
stroke-width: .8; } .label text { fill: #fff; font-size: 10px; } .idle { fill: #adb5bd; }
.map-bg { fill: #fbfbf8; stroke: #dee2e6; } .streets { stroke: #ced4da; stroke-width: 1.2;
fill: none; } .route polyline { fill: none; stroke-width: 2.2; opacity: .85; }
.stop text { fill: #fff; font-size: 10px; font-weight: 700; text-anchor: middle; }
.depot { fill: #000; } .left-out { stroke: #6c757d; stroke-width: 2; }
.home { stroke: #000; stroke-width: 1; }
.dim { opacity: .25; } .focus .row-bg { fill: #fff3bf; }
table { border-collapse: collapse; font-size: .9rem; } td, th { border-bottom: 1px solid #dee2e6;
padding: .3rem .6rem; text-align: left; vertical-align: top; }
.note { color: #6c757d; }
"""

_SCRIPT = """
(function () {
  var items = document.querySelectorAll("[data-engineer]");
  function focus(id) {
    items.forEach(function (el) {
      var mine = el.getAttribute("data-engineer") === id;
      el.classList.toggle("focus", id !== null && mine);
      el.classList.toggle("dim", id !== null && !mine);
    });
  }
  items.forEach(function (el) {
    el.addEventListener("mouseenter", function () { focus(el.getAttribute("data-engineer")); });
    el.addEventListener("mouseleave", function () { focus(null); });
  });
  document.body.setAttribute("data-ready", "1");
})();
"""


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


def _kpis(problem: Problem, plan: Plan) -> list[tuple[str, str]]:
    served = sum(len(r.jobs) for r in plan.routes)
    s = plan.summary
    out = [
        ("jobs served", f"{served} / {len(problem.jobs)}"),
        ("unassigned", str(len(plan.unassigned))),
        ("engineers used", f"{len({r.engineer_id for r in plan.routes if r.stops})}"),
        ("travel", _hours(sum(r.travel_s for r in plan.routes))),
        ("distance", f"{sum(r.distance_m for r in plan.routes) / 1000:.1f} km"),
    ]
    if s is not None:
        out += [
            ("working", _hours(s.working_s)),
            ("overtime", _hours(s.overtime_s)),
            ("waiting", _hours(s.waiting_s)),
            ("cost", f"{s.cost:,.1f}"),
        ]
        if s.objective is not None:
            out.append(("objective", f"{s.objective:,.1f}"))
        for tier, pct in sorted(s.sla_compliance.items()):
            out.append((f"SLA {tier}", f"{pct:.0f} %"))
        if s.first_time_fix is not None:
            out.append(("first-time fix", f"{s.first_time_fix:.0%}"))
        if plan.broken_appointments:
            out.append(("broken appointments", str(len(plan.broken_appointments))))
        if s.solver:
            out.append(("solver", s.solver))
    return out


def _unassigned(plan: Plan) -> str:
    if not plan.unassigned:
        return '<p class="note">Every job is planned.</p>'
    rows = []
    for item in sorted(plan.unassigned, key=lambda u: u.job_id):
        fixes = "; ".join(c.description for c in item.counterfactuals)
        rows.append(
            f"<tr><td>{escape(item.job_id)}</td><td>{escape(item.reason)}</td>"
            f"<td>{escape(item.detail)}</td><td>{escape(fixes)}</td></tr>"
        )
    return (
        '<table class="unassigned"><thead><tr><th>job</th><th>reason</th><th>why</th>'
        "<th>what would let it in</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _streets(problem: Problem) -> list[Segment]:
    """The problem's street network, or none when its file cannot be read (the board of a
    plan is still worth showing without the streets)."""
    try:
        return street_segments(problem)
    except (InputError, OSError):
        return []


def render_board(
    problem: Problem,
    plan: Plan,
    *,
    title: str | None = None,
    streets: Sequence[Segment] | None = None,
) -> str:
    """The board of ``plan`` as one HTML document; ``streets`` default to the problem's road
    network (none for other travel kinds)."""
    colours = {
        e.id: engineer_colour(i)
        for i, e in enumerate(sorted(problem.engineers, key=lambda e: e.id))
    }
    segments = _streets(problem) if streets is None else streets
    heading = escape(title or problem.name)
    kpis = "".join(
        f'<div class="kpi"><b>{escape(v)}</b><span>{escape(k)}</span></div>'
        for k, v in _kpis(problem, plan)
    )
    legend = "".join(
        f'<span><i style="background:{c}"></i>{escape(k)}</span>' for k, c in KIND_COLOURS.items()
    )
    engineers = "".join(
        f'<span data-engineer="{escape(e)}"><i style="background:{c}"></i>{escape(e)}</span>'
        for e, c in colours.items()
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{heading}: dispatch board</title><style>{_CSS}</style></head><body>"
        f"<h1>{heading}</h1>"
        f'<section><div class="kpis">{kpis}</div></section>'
        f'<section><h2>The day per engineer</h2><div class="legend">{legend}</div>'
        f"{gantt_svg(problem, plan, colours)}</section>"
        f'<section><h2>Routes</h2><div class="legend">{engineers}</div>'
        f"{route_map_svg(problem, plan, colours, segments)}</section>"
        f"<section><h2>Unassigned jobs ({len(plan.unassigned)})</h2>{_unassigned(plan)}</section>"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def write_board(
    problem: Problem, plan: Plan, path: str | Path, *, title: str | None = None
) -> Path:
    """Write :func:`render_board` to ``path`` (creating its folder); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_board(problem, plan, title=title), encoding="utf-8")
    return out


__all__ = ["render_board", "write_board"]

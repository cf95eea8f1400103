"""The day per engineer as an SVG Gantt chart: travel, work (job ids on the bars), pickups,
breaks, waiting and overtime, over each shift's outline, with hour ticks in the day's zone."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from html import escape

from dispatchopt.board.palette import KIND_COLOURS
from dispatchopt.models import Engineer, Plan, Problem, Route

WIDTH = 1100
LABEL_W = 140
ROW_H = 30
TOP = 34
BAR_H = 18


class _Axis:
    """Maps moments to x pixels over the day's span."""

    def __init__(self, lo: datetime, hi: datetime) -> None:
        self.lo = lo.timestamp()
        self.span = max(60.0, hi.timestamp() - self.lo)

    def x(self, moment: datetime) -> float:
        return LABEL_W + (moment.timestamp() - self.lo) / self.span * (WIDTH - LABEL_W - 30)


def _span(problem: Problem, plan: Plan) -> tuple[datetime, datetime] | None:
    moments = [s.start for e in problem.engineers for s in e.shifts]
    moments += [s.end for e in problem.engineers for s in e.shifts]
    moments += [m for r in plan.routes for m in (r.departure, r.arrival)]
    if not moments:
        return None
    return min(moments), max(moments)


def _bar(
    axis: _Axis, row_y: float, a: datetime, b: datetime, kind: str, tip: str, label: str = ""
) -> str:
    if b <= a:
        return ""
    x0, x1 = axis.x(a), axis.x(b)
    w = max(1.0, x1 - x0)
    y = row_y + (ROW_H - BAR_H) / 2
    rect = (
        f'<rect class="bar {kind}" x="{x0:.1f}" y="{y:.1f}" width="{w:.1f}" height="{BAR_H}" '
        f'fill="{KIND_COLOURS[kind]}"><title>{escape(tip)}</title></rect>'
    )
    if not label:
        return rect
    # A nested <svg> clips the id to its bar; the full id stays in the DOM and the tooltip.
    return rect + (
        f'<svg class="label" x="{x0:.1f}" y="{y:.1f}" width="{w:.1f}" height="{BAR_H}">'
        f'<text x="2" y="{BAR_H - 5}">{escape(label)}</text></svg>'
    )


def _clock(problem: Problem, moment: datetime) -> str:
    return problem.local(moment).strftime("%H:%M")


def _route_bars(problem: Problem, axis: _Axis, y: float, route: Route) -> list[str]:
    out = []
    for stop in route.stops:
        leg = stop.arrival - timedelta(seconds=stop.travel_s)
        out.append(_bar(axis, y, leg, stop.arrival, "travel", f"drive to {stop.job_id}"))
        out.append(_bar(axis, y, stop.arrival, stop.start, "waiting", f"wait at {stop.job_id}"))
        kind = "pickup" if stop.kind == "pickup" else "work"
        tip = f"{stop.job_id}: {_clock(problem, stop.start)}-{_clock(problem, stop.end)}"
        if stop.kind == "pickup":
            tip = "pickup at " + tip
        out.append(_bar(axis, y, stop.start, stop.end, kind, tip, stop.job_id))
    home_leg = route.arrival - timedelta(seconds=route.return_travel_s)
    out.append(_bar(axis, y, home_leg, route.arrival, "travel", "drive home"))
    for brk in route.breaks:
        tip = f"break {_clock(problem, brk.start)}-{_clock(problem, brk.end)}"
        out.append(_bar(axis, y, brk.start, brk.end, "break", tip))
    return out


def _overtime(problem: Problem, axis: _Axis, y: float, route: Route, eng: Engineer) -> str:
    if route.shift_index >= len(eng.shifts):
        return ""
    end = eng.shifts[route.shift_index].end
    if route.arrival <= end:
        return ""
    minutes = math.ceil((route.arrival - end).total_seconds() / 60)
    x0, x1 = axis.x(max(end, route.departure)), axis.x(route.arrival)
    return (
        f'<rect class="bar overtime" x="{x0:.1f}" y="{y + ROW_H - 6:.1f}" '
        f'width="{max(1.0, x1 - x0):.1f}" height="4" fill="{KIND_COLOURS["overtime"]}">'
        f"<title>overtime: {minutes} min</title></rect>"
    )


def gantt_svg(problem: Problem, plan: Plan, colours: dict[str, str]) -> str:
    """An SVG of one row per engineer of ``problem`` (those without a route say so);
    ``colours`` maps engineer ids to the colour of their label."""
    span = _span(problem, plan)
    engineers = sorted(problem.engineers, key=lambda e: e.id)
    height = TOP + ROW_H * max(1, len(engineers)) + 8
    parts = [
        f'<svg class="gantt" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="the day per engineer">'
    ]
    if span is None:
        parts.append(f'<text x="10" y="{TOP}">no shifts to draw</text></svg>')
        return "".join(parts)
    axis = _Axis(*span)
    hour = problem.local(span[0]).replace(minute=0, second=0, microsecond=0)
    while hour <= span[1]:
        if hour >= span[0]:
            x = axis.x(hour)
            parts.append(
                f'<line class="tick" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 8}"/>'
                f'<text class="tick-label" x="{x:.1f}" y="{TOP - 10}">{hour:%H:%M}</text>'
            )
        hour += timedelta(hours=1)
    routes: dict[str, list[Route]] = {}
    for r in plan.routes:
        routes.setdefault(r.engineer_id, []).append(r)
    for row, eng in enumerate(engineers):
        y = TOP + row * ROW_H
        colour = colours.get(eng.id, "#333")
        parts.append(f'<g class="row" data-engineer="{escape(eng.id)}">')
        parts.append(
            f'<rect class="row-bg" x="0" y="{y}" width="{WIDTH}" height="{ROW_H}"/>'
            f'<text class="engineer" x="8" y="{y + ROW_H / 2 + 4}" fill="{colour}">'
            f"{escape(eng.id)}</text>"
        )
        for shift in eng.shifts:
            x0, x1 = axis.x(shift.start), axis.x(shift.end)
            parts.append(
                f'<rect class="shift" x="{x0:.1f}" y="{y + 3}" width="{max(1.0, x1 - x0):.1f}" '
                f'height="{ROW_H - 6}"><title>shift {_clock(problem, shift.start)}-'
                f"{_clock(problem, shift.end)}</title></rect>"
            )
        if eng.id not in routes:
            parts.append(
                f'<text class="idle" x="{LABEL_W + 6}" y="{y + ROW_H / 2 + 4}">no route</text>'
            )
        for route in routes.get(eng.id, []):
            parts.extend(_route_bars(problem, axis, y, route))
            parts.append(_overtime(problem, axis, y, route, eng))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["gantt_svg"]

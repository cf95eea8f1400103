"""Route map per engineer, Gantt chart of the day per engineer and a KPI bar chart, as PNGs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display is ever needed, and none exists on servers

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from dispatchopt.errors import InputError  # noqa: E402
from dispatchopt.models import Location, Plan, Problem, Stop  # noqa: E402

COLOURS = {
    "travel": "#f4a261",
    "work": "#2a9d8f",
    "pickup": "#6a4c93",
    "break": "#8ab17d",
    "waiting": "#e9ecef",
}


def _xy(loc: Location) -> tuple[float, float]:
    if loc.lat is not None and loc.lon is not None:
        return loc.lon, loc.lat
    if loc.x is not None and loc.y is not None:
        return loc.x, loc.y
    return float(loc.matrix_index or 0), 0.0


def _stop_location(problem: Problem, stop: Stop) -> Location:
    if stop.kind == "pickup":
        return problem.depot_by_id[stop.job_id].location
    return problem.job_by_id[stop.job_id].location


def plot_routes(
    problem: Problem, plan: Plan, path: str | Path, *, title: str | None = None
) -> Path:
    """A map of every engineer's route (home -> visits -> home) in its own colour; unplanned jobs
    are grey crosses and homes are squares. Returns the written path."""
    fig, ax = plt.subplots(figsize=(9, 8))
    cmap = plt.get_cmap("tab20")
    for i, route in enumerate(sorted(plan.routes, key=lambda r: r.engineer_id)):
        eng = problem.engineer_by_id[route.engineer_id]
        pts = [_xy(eng.start_location)]
        pts += [_xy(_stop_location(problem, s)) for s in route.stops]
        pts.append(_xy(eng.home))
        xs, ys = zip(*pts, strict=True)
        colour = cmap(i % 20)
        ax.plot(xs, ys, "-", color=colour, lw=1.3, alpha=0.8, label=route.engineer_id)
        ax.scatter(xs[1:-1], ys[1:-1], color=colour, s=18, zorder=3)
        ax.scatter([xs[0]], [ys[0]], color=colour, marker="s", s=50, edgecolor="black", zorder=4)
    if problem.depots:
        dx, dy = zip(*(_xy(d.location) for d in problem.depots), strict=True)
        ax.scatter(dx, dy, marker="^", color="black", s=70, zorder=5, label="depot")
    left = [
        problem.job_by_id[u.job_id].location
        for u in plan.unassigned
        if u.job_id in problem.job_by_id
    ]
    if left:
        ux, uy = zip(*(_xy(loc) for loc in left), strict=True)
        ax.scatter(ux, uy, marker="x", color="grey", s=30, label=f"unplanned ({len(left)})")
    geographic = bool(problem.jobs) and problem.jobs[0].location.is_geographic
    if geographic:
        # Equal ground distance on both axes: a degree of longitude is shorter than one of latitude.
        lat = problem.jobs[0].location.lat or 0.0
        ax.set_aspect(1 / math.cos(math.radians(lat)))
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
    else:
        ax.set_aspect("equal")
    ax.set_title(title or f"{problem.name}: routes ({len(plan.routes)} engineers)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return _save(fig, path)


def plot_gantt(problem: Problem, plan: Plan, path: str | Path, *, title: str | None = None) -> Path:
    """The day per engineer: travel, work, breaks, and waiting (anything else between leaving
    and coming home), with the shift outlined. Returns the written path."""
    routes = sorted(plan.routes, key=lambda r: r.engineer_id, reverse=True)
    fig, ax = plt.subplots(figsize=(12, max(2.5, 0.35 * len(routes) + 1.5)))
    for row, route in enumerate(routes):
        eng = problem.engineer_by_id[route.engineer_id]
        shift = eng.shifts[route.shift_index]
        _bar(ax, row, shift.start, shift.end, "none", edge="black", height=0.8)
        _bar(ax, row, route.departure, route.arrival, COLOURS["waiting"])
        for stop in route.stops:
            leg_start = datetime.fromtimestamp(
                stop.arrival.timestamp() - stop.travel_s, tz=stop.arrival.tzinfo
            )
            _bar(ax, row, leg_start, stop.arrival, COLOURS["travel"])
            _bar(
                ax,
                row,
                stop.start,
                stop.end,
                COLOURS["pickup" if stop.kind == "pickup" else "work"],
            )
        if route.stops:
            last = route.stops[-1].end
            home_leg = datetime.fromtimestamp(
                route.arrival.timestamp() - route.return_travel_s, tz=last.tzinfo
            )
            _bar(ax, row, home_leg, route.arrival, COLOURS["travel"])
        for brk in route.breaks:
            _bar(ax, row, brk.start, brk.end, COLOURS["break"])
    ax.set_yticks(range(len(routes)), [r.engineer_id for r in routes], fontsize=8)
    tz = routes[0].departure.tzinfo if routes else None
    ax.xaxis.set_major_locator(mdates.HourLocator(tz=tz))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=tz))  # type: ignore[no-untyped-call]
    ax.legend(
        handles=[Patch(color=c, label=k) for k, c in COLOURS.items()]
        + [Patch(facecolor="none", edgecolor="black", label="shift")],
        ncol=5,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        frameon=False,
    )
    ax.set_title(title or f"{problem.name}: the day per engineer")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def _bar(
    ax: Any,
    row: int,
    a: datetime,
    b: datetime,
    colour: str,
    *,
    edge: str | None = None,
    height: float = 0.6,
) -> None:
    if b <= a:
        return
    x0 = _num(a)
    ax.broken_barh(
        [(x0, _num(b) - x0)],
        (row - height / 2, height),
        facecolors=colour,
        edgecolors=edge,
        linewidth=0.8 if edge else 0,
    )


def _num(moment: datetime) -> float:
    """Matplotlib's date number (days since its epoch) for an aware datetime."""
    return float(mdates.date2num(moment))  # type: ignore[no-untyped-call]


def plot_kpis(table: Sequence[Any], path: str | Path, *, kpis: Sequence[str] | None = None) -> Path:
    """Bar charts, one panel per KPI, one bar per policy. ``table`` rows are
    :class:`~dispatchopt.simulate.kpis.Kpis` or plain dicts with a ``policy`` key."""
    rows = [r.row() if hasattr(r, "row") else dict(r) for r in table]
    if not rows:
        raise InputError([("table", [], "plot_kpis needs at least one row")])
    numeric = [c for c in rows[0] if c != "policy" and isinstance(rows[0][c], int | float)]
    wanted = list(kpis) if kpis else [c for c in numeric if c not in ("jobs", "cancelled")]
    cols = 4
    nrows = math.ceil(len(wanted) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(3.2 * cols, 2.6 * nrows), squeeze=False)
    names = [str(r["policy"]) for r in rows]
    colours = [plt.get_cmap("tab10")(i % 10) for i in range(len(rows))]
    for ax, kpi in zip(axes.flat, wanted, strict=False):
        values = [float(r.get(kpi, math.nan)) for r in rows]
        ax.bar(range(len(rows)), [0.0 if math.isnan(v) else v for v in values], color=colours)
        ax.set_xticks(range(len(rows)), names, rotation=30, ha="right", fontsize=7)
        ax.set_title(kpi, fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
    for ax in list(axes.flat)[len(wanted) :]:
        ax.axis("off")
    fig.suptitle("KPIs per policy")
    return _save(fig, path)


def plot_sweep(table: Sequence[Any], path: str | Path) -> Path:
    """One panel per KPI, one bar per policy at the mean over the seeds, its whisker from p5 to
    p95. ``table`` rows are :class:`~dispatchopt.simulate.sweep.KpiSpread` (policy, kpi, mean,
    p5, p95)."""
    if not table:
        raise InputError([("table", [], "plot_sweep needs at least one row")])
    kpis = list(dict.fromkeys(r.kpi for r in table if r.kpi not in ("jobs", "cancelled")))
    policies = list(dict.fromkeys(r.policy for r in table))
    cell = {(r.policy, r.kpi): r for r in table}
    cols = 4
    nrows = math.ceil(len(kpis) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(3.2 * cols, 2.6 * nrows), squeeze=False)
    colours = [plt.get_cmap("tab10")(i % 10) for i in range(len(policies))]
    for ax, kpi in zip(axes.flat, kpis, strict=False):
        rows = [cell.get((p, kpi)) for p in policies]
        means = [r.mean if r is not None and not math.isnan(r.mean) else 0.0 for r in rows]
        low = [
            max(0.0, m - r.p5) if r is not None and not math.isnan(r.p5) else 0.0
            for m, r in zip(means, rows, strict=True)
        ]
        high = [
            max(0.0, r.p95 - m) if r is not None and not math.isnan(r.p95) else 0.0
            for m, r in zip(means, rows, strict=True)
        ]
        ax.bar(range(len(policies)), means, color=colours, yerr=[low, high], capsize=3)
        ax.set_xticks(range(len(policies)), policies, rotation=30, ha="right", fontsize=7)
        ax.set_title(kpi, fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
    for ax in list(axes.flat)[len(kpis) :]:
        ax.axis("off")
    fig.suptitle("KPIs per policy over the seeds (mean, p5-p95)")
    return _save(fig, path)


def _save(fig: Any, path: str | Path) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return out

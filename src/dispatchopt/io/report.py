"""Readable text for a plan and its violations (rich tables), used by the CLI and the examples."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from dispatchopt.models import Plan, Problem, Route, Violation


def _clock(moment: datetime, day: datetime) -> str:
    """``HH:MM``, prefixed by the date when it is not the route's day (the JSON keeps seconds)."""
    text = moment.strftime("%H:%M")
    if moment.date() != day.date():
        text = f"{moment.date().isoformat()} {text}"
    return text


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:.0f} min"


def _route_table(route: Route) -> Table:
    day = route.departure
    table = Table(
        title=(
            f"{route.engineer_id}: departs {_clock(route.departure, day)}, back "
            f"{_clock(route.arrival, day)}, {len(route.stops)} stops, "
            f"{route.distance_m / 1000:.1f} km"
        ),
        title_justify="left",
        show_edge=False,
    )
    for column in ("#", "job", "arrive", "start", "end", "travel", "km"):
        table.add_column(column, justify="left" if column == "job" else "right")
    rows: list[tuple[datetime, list[str]]] = []
    for i, stop in enumerate(route.stops, start=1):
        rows.append(
            (
                stop.start,
                [
                    str(i),
                    stop.job_id,
                    _clock(stop.arrival, day),
                    _clock(stop.start, day),
                    _clock(stop.end, day),
                    _minutes(stop.travel_s),
                    f"{stop.distance_m / 1000:.1f}",
                ],
            )
        )
    home = [
        "",
        "(home)",
        _clock(route.arrival, day),
        "",
        "",
        _minutes(route.return_travel_s),
        f"{route.return_distance_m / 1000:.1f}",
    ]
    rows.append((route.arrival, home))
    for brk in route.breaks:
        rows.append((brk.start, ["", "(break)", "", _clock(brk.start, day), _clock(brk.end, day)]))
    # Breaks slot in by time (one may come after the engineer is home); sorted() is stable, so
    # at equal times stops come first, then the way home, then a break.
    for _, cells in sorted(rows, key=lambda row: row[0]):
        table.add_row(*cells)
    return table


def print_plan(plan: Plan, console: Console, *, brief: bool = False) -> None:
    """Per engineer its stops with times and travel, then unassigned jobs with reasons, then totals.

    ``brief`` prints one line per engineer instead of every stop (large benchmark instances).
    """
    for route in plan.routes:
        if brief:
            console.print(
                f"[bold]{route.engineer_id}[/]: {len(route.stops)} stops, "
                f"{route.distance_m / 1000:.1f} km, {_minutes(route.travel_s)} driving"
            )
        else:
            console.print(_route_table(route))
            console.print()
    if plan.unassigned:
        table = Table(title=f"Unassigned jobs ({len(plan.unassigned)})", title_justify="left")
        table.add_column("job")
        table.add_column("reason")
        table.add_column("detail")
        for item in plan.unassigned:
            table.add_row(item.job_id, str(item.reason), item.detail)
        console.print(table)
    else:
        console.print("Every job is planned.")
    summary = plan.summary
    if summary is not None:
        console.print(
            f"[bold]Total[/]: {summary.jobs_served}/{summary.jobs_total} jobs served by "
            f"{summary.engineers_used} engineers; {summary.distance_km:.1f} km, "
            f"{summary.travel_s / 3600:.1f} h driving, {summary.working_s / 3600:.1f} h working, "
            f"{summary.overtime_s / 60:.0f} min overtime, "
            f"{summary.waiting_s / 60:.0f} min waiting; "
            f"cost {summary.cost:.2f}"
            + (f"; objective {summary.objective:g}" if summary.objective is not None else "")
            + (f" ({summary.solver}, {summary.solve_seconds:.1f} s)" if summary.solver else "")
        )


def print_violations(violations: Sequence[Violation], console: Console) -> None:
    """One line per broken rule, or a line saying the plan keeps every hard rule."""
    if not violations:
        console.print("[green]valid[/]: the plan keeps every hard rule.")
        return
    console.print(f"[red]{len(violations)} violation(s)[/]:")
    for violation in violations:
        console.print(f"  {violation}", markup=False, highlight=False)


def problem_line(problem: Problem) -> str:
    """A one-line description of a problem: name, jobs, engineers, objective."""
    return (
        f"{problem.name}: {len(problem.jobs)} jobs, {len(problem.engineers)} engineers, "
        f"{problem.travel.kind} travel, objective {problem.objective.kind}"
    )


class ProgressEvent(Protocol):
    """What the solver reports at each improving solution (``SolveProgress`` fits)."""

    elapsed_s: float
    time_limit_s: float
    objective: float
    solutions: int


@contextmanager
def live_progress(console: Console, time_limit_s: float) -> Iterator[Callable[[Any], None]]:
    """A progress bar (elapsed / time limit, best objective) fed by the solver's callback.

    The bar advances on a clock of its own, since the solver only calls back on improvements.
    """
    progress = Progress(
        TextColumn("solving"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s"),
        TextColumn("best {task.fields[best]}"),
        console=console,
        transient=True,
    )
    task = progress.add_task("solve", total=time_limit_s, best="-")
    start = time.monotonic()
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.2):
            progress.update(task, completed=min(time.monotonic() - start, time_limit_s))

    def on_event(event: ProgressEvent) -> None:
        progress.update(
            task,
            completed=min(event.elapsed_s, time_limit_s),
            best=f"{event.objective:,.0f} ({event.solutions} solutions)",
        )

    ticker = threading.Thread(target=tick, daemon=True)
    with progress:
        ticker.start()
        try:
            yield on_event
        finally:
            stop.set()
            ticker.join()

"""Readable text for a plan and its violations (rich tables), used by the CLI and the examples."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from dispatchopt.io._day_sheet import (
    Clock,
    StopLine,
    day_heading,
    late_minutes,
    plan_day,
    stop_lines,
)
from dispatchopt.models import Plan, Problem, Route, Unassigned, Violation

if TYPE_CHECKING:
    from dispatchopt.explain import Explanation


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:.0f} min"


def _route_title(route: Route, clock: Clock) -> str:
    late = sum(1 for s in route.stops if late_minutes(s) is not None)
    return (
        f"{escape(route.engineer_id)}: departs {clock(route.departure)}, back "
        f"{clock(route.arrival)}, {len(route.stops)} stops, {route.distance_m / 1000:.1f} km"
        + (f", [bold red]{late} LATE[/]" if late else "")
    )


def _sla_cell(line: StopLine) -> str:
    if not line.sla_due:
        return ""
    if line.late_minutes is None:
        return line.sla_due
    return f"{line.sla_due} [bold red]LATE {line.late_minutes} min[/]"


def _job_cell(line: StopLine) -> str:
    """The job id, with whom to visit and where, and the parts it uses, on a line below; a
    pickup says what it collects where."""
    if line.kind == "pickup":
        return escape(line.parts)
    below = ", ".join(part for part in (line.customer, line.address) if part)
    if line.parts:
        below = f"{below}; uses {line.parts}" if below else f"uses {line.parts}"
    return escape(line.job) + (f"\n[dim]{escape(below)}[/]" if below else "")


def _route_table(route: Route, problem: Problem | None) -> Table:
    """The route's stops, breaks and way home in time order; the window and SLA columns
    appear only when some stop has something to show in them (narrow terminals)."""
    clock = Clock(problem, route.departure)
    lines = stop_lines(route, problem)
    columns = ["#", "job"]
    if any(line.window for line in lines):
        columns.append("window")
    columns += ["arrive", "start", "end"]
    if any(line.sla_due for line in lines):
        columns.append("SLA due")
    columns += ["travel", "km"]
    table = Table(title=_route_title(route, clock), title_justify="left", show_edge=False)
    # Job ids stay whole where they can (up to 30 characters), the other columns give way.
    widths = {**_MIN_WIDTH, "job": min(30, max([_MIN_WIDTH["job"], *(len(s.job) for s in lines)]))}
    for column in columns:
        # A time cut in two is misread; the job's text, windows and the SLA cell may wrap.
        table.add_column(
            column,
            justify="left" if column in _LEFT else "right",
            no_wrap=column in _WHOLE,
            min_width=widths.get(column),
        )

    def row(**cells: str) -> list[str]:
        return [cells.get(column, "") for column in columns]

    rows: list[tuple[datetime, list[str]]] = []
    for stop, line in zip(route.stops, lines, strict=True):
        cells = {
            "#": str(line.order),
            "job": _job_cell(line),
            "window": line.window,
            "arrive": line.arrive,
            "start": line.start,
            "end": line.end,
            "SLA due": _sla_cell(line),
            "travel": _minutes(stop.travel_s),
            "km": f"{stop.distance_m / 1000:.1f}",
        }
        rows.append((stop.start, row(**cells)))
    home = {
        "job": "(home)",
        "arrive": clock(route.arrival),
        "travel": _minutes(route.return_travel_s),
        "km": f"{route.return_distance_m / 1000:.1f}",
    }
    rows.append((route.arrival, row(**home)))
    for brk in route.breaks:
        rows.append((brk.start, row(job="(break)", start=clock(brk.start), end=clock(brk.end))))
    # Breaks slot in by time (one may come after the engineer is home); sorted() is stable, so
    # at equal times stops come first, then the way home, then a break.
    for _, cells_in_order in sorted(rows, key=lambda item: item[0]):
        table.add_row(*cells_in_order)
    return table


_LEFT = {"job", "window", "SLA due"}
_WHOLE = {"arrive", "start", "end"}
_MIN_WIDTH = {"job": 10, "window": 11}


def _sla_line(plan: Plan) -> str | None:
    """How many planned visits start after their SLA due time (and the worst), with the
    summary's compliance per tier; ``None`` when no stop has a due time."""
    due = [s for r in plan.routes for s in r.stops if s.sla_due is not None]
    compliance = {} if plan.summary is None else plan.summary.sla_compliance
    if not due and not compliance:
        return None
    late = [m for s in due if (m := late_minutes(s)) is not None]
    if late:
        text = (
            f"[bold red]{len(late)} of {len(due)} SLA visits start LATE[/] (worst {max(late)} min)"
        )
    else:
        text = f"all {len(due)} SLA visits start in time"
    if compliance:
        tiers = ", ".join(f"{tier} {pct:.1f} %" for tier, pct in sorted(compliance.items()))
        text += f"; compliance {tiers}"
    return f"[bold]SLA[/]: {text}"


def print_plan(
    plan: Plan, console: Console, *, brief: bool = False, problem: Problem | None = None
) -> None:
    """The day's date and time zone, then per engineer its stops, then unassigned jobs with
    reasons, then totals (with SLA breaches).

    ``problem`` (optional) adds each job's promised window beside its start and names the time
    zone; without it the times print as the plan has them. ``brief`` prints one line per
    engineer instead of every stop (large benchmark instances).
    """
    first = plan_day(plan)
    if first is not None:
        console.print(f"[bold]{escape(day_heading(problem, first))}[/]")
    for route in plan.routes:
        if brief:
            late = sum(1 for s in route.stops if late_minutes(s) is not None)
            console.print(
                f"[bold]{escape(route.engineer_id)}[/]: {len(route.stops)} stops, "
                f"{route.distance_m / 1000:.1f} km, {_minutes(route.travel_s)} driving"
                + (f", [bold red]{late} LATE[/]" if late else "")
            )
        else:
            console.print(_route_table(route, problem))
            crews = [f"{s.job_id} with {', '.join(s.crew)}" for s in route.jobs if s.crew]
            if crews:
                console.print(f"[dim]crew: {escape('; '.join(crews))}[/]")
            console.print()
    if plan.outsourced:
        given = Table(title=f"Outsourced jobs ({len(plan.outsourced)})", title_justify="left")
        for name in ("job", "provider", "fee", "window"):
            given.add_column(name)
        for given_job in plan.outsourced:
            span = given_job.window
            window = "" if span is None else f"{span.start:%H:%M}-{span.end:%H:%M}"
            given.add_row(
                escape(given_job.job_id),
                escape(given_job.provider_id),
                f"{given_job.fee:g}",
                window,
            )
        console.print(given)
    if plan.unassigned:
        table = Table(title=f"Unassigned jobs ({len(plan.unassigned)})", title_justify="left")
        table.add_column("job")
        table.add_column("reason")
        table.add_column("detail")
        for item in plan.unassigned:
            table.add_row(escape(item.job_id), str(item.reason), escape(item.detail))
        console.print(table)
    else:
        console.print("Every job is planned.")
    summary = plan.summary
    if summary is not None:
        console.print(
            f"[bold]Total[/]: {summary.jobs_served}/{summary.jobs_total} jobs served by "
            f"{summary.engineers_used} engineers"
            + (f" and {summary.jobs_outsourced} by providers" if summary.jobs_outsourced else "")
            + f"; {summary.distance_km:.1f} km, "
            f"{summary.travel_s / 3600:.1f} h driving, {summary.working_s / 3600:.1f} h working, "
            f"{summary.overtime_s / 60:.0f} min overtime, "
            f"{summary.waiting_s / 60:.0f} min waiting; "
            f"cost {summary.cost:.2f}"
            + (f"; objective {summary.objective:g}" if summary.objective is not None else "")
            + (f" ({summary.solver}, {summary.solve_seconds:.1f} s)" if summary.solver else "")
        )
    sla = _sla_line(plan)
    if sla is not None:
        console.print(sla)


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


def print_explanation(
    explanation: Explanation, console: Console, *, job_id: str | None = None
) -> None:
    """The objective term by term and per engineer, then each job left out with the changes
    that would let it in, then each planned job's next-best engineer (``dispatchopt
    explain``); ``job_id`` prints the cost table and that one job only."""
    breakdown, plan = explanation.breakdown, explanation.plan
    _cost_tables(breakdown.by_term, breakdown.by_engineer, console)
    if job_id is not None:
        _one_job(explanation, job_id, console)
        return
    if not plan.unassigned:
        console.print("Every job is planned.")
    for item in plan.unassigned:
        _left_out(item, console)
    found = explanation.alternatives
    if not found:
        return
    served = sum(len(r.jobs) for r in plan.routes)
    table = Table(
        title=f"Why this engineer: the next best for {len(found)} of {served} planned jobs",
        title_justify="left",
        caption="none found: no other engineer near it can take it without moving other "
        "visits (parts from van stock only)",
        caption_justify="left",
    )
    for name in ("job", "planned", "next best", "added cost"):
        table.add_column(name, justify="right" if name == "added cost" else "left")
    for jid, alt in found.items():
        if alt is None:
            table.add_row(escape(jid), _planned_cell(plan, jid), "none found", "")
        else:
            table.add_row(
                escape(jid),
                f"{escape(alt.planned_engineer_id)} {alt.planned_start:%H:%M}",
                f"{escape(alt.engineer_id)} {alt.start:%H:%M}",
                f"{alt.added_cost:+,.2f}",
            )
    console.print(table)


def _cost_tables(
    by_term: dict[str, float], by_engineer: dict[str, dict[str, float]], console: Console
) -> None:
    total = sum(by_term.values())
    table = Table(title=f"Objective {total:,.2f}, term by term", title_justify="left")
    table.add_column("term")
    table.add_column("amount", justify="right")
    table.add_column("share", justify="right")
    for name, amount in by_term.items():
        share = f"{100 * amount / total:.1f} %" if total else ""
        table.add_row(escape(name), f"{amount:,.2f}", share)
    console.print(table)
    terms = sorted({t for per in by_engineer.values() for t in per})
    if by_engineer:
        per = Table(title="Per engineer", title_justify="left")
        per.add_column("engineer")
        for name in terms:
            per.add_column(escape(name), justify="right")
        per.add_column("total", justify="right")
        for engineer, amounts in by_engineer.items():
            per.add_row(
                escape(engineer),
                *(f"{amounts.get(t, 0.0):,.2f}" for t in terms),
                f"{sum(amounts.values()):,.2f}",
            )
        console.print(per)


def _left_out(item: Unassigned, console: Console) -> None:
    console.print(f"[bold]{escape(item.job_id)}[/] ({item.reason}): {escape(item.detail)}")
    if not item.counterfactuals:
        console.print("  no single change found that lets it in")
    for change in item.counterfactuals:
        console.print(f"  - {escape(change.description)}")


def _planned_cell(plan: Plan, job_id: str) -> str:
    route = plan.route_of(job_id)
    if route is None:
        return ""
    start = next(s.start for s in route.jobs if s.job_id == job_id)
    return f"{escape(route.engineer_id)} {start:%H:%M}"


def _one_job(explanation: Explanation, job_id: str, console: Console) -> None:
    """What ``job_id`` adds to the objective, and its next best (planned) or what would let
    it in (left out)."""
    terms = explanation.breakdown.by_job.get(job_id, {})
    cost = ", ".join(f"{name} {amount:,.2f}" for name, amount in terms.items()) or "none"
    plan = explanation.plan
    item = next((u for u in plan.unassigned if u.job_id == job_id), None)
    if item is not None:
        _left_out(item, console)
        console.print(f"  its own cost terms: {escape(cost)}")
        return
    console.print(f"[bold]{escape(job_id)}[/]: planned {_planned_cell(plan, job_id)}")
    console.print(f"  its own cost terms (its route's are its engineer's): {escape(cost)}")
    alt = explanation.alternatives.get(job_id)
    if alt is not None:
        console.print(f"  {escape(alt.description)}")
    elif job_id in explanation.alternatives:
        console.print("  no other engineer near it has room without moving other visits")

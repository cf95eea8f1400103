"""Typer command functions for ``dispatchopt insert``, ``slots`` and ``diff`` (thin over
:mod:`dispatchopt.live`; the heavy parts load when a command runs)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dispatchopt.errors import DispatchoptError, InputError

if TYPE_CHECKING:
    from dispatchopt.models import Job, Plan, Problem

EXIT_BAD_INPUT = 2

ProblemArg = Annotated[
    Path, typer.Argument(metavar="PROBLEM", dir_okay=False, help="Problem (or scenario) JSON.")
]
PlanArg = Annotated[Path, typer.Argument(metavar="PLAN", dir_okay=False, help="Its plan JSON.")]
JobArg = Annotated[
    Path, typer.Argument(metavar="JOB", dir_okay=False, help="The new job, as job JSON.")
]
NowOpt = Annotated[str, typer.Option("--now", help="The moment it is, ISO 8601 with an offset.")]


def _fail(exc: DispatchoptError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(EXIT_BAD_INPUT if isinstance(exc, InputError) else 1)


def parse_now(text: str) -> datetime:
    """``--now`` as an aware datetime (an :class:`InputError` without an offset)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError([("--now", text, "not an ISO 8601 date and time")]) from None
    if moment.tzinfo is None:
        raise InputError([("--now", text, "give the offset too, e.g. 2026-06-02T10:05+02:00")])
    return moment


def _inputs(
    problem_file: Path, plan_file: Path, job_file: Path | None
) -> tuple[Problem, Plan, Job | None]:
    from dispatchopt.io import load_problem, read_plan
    from dispatchopt.models import Job
    from dispatchopt.models._errors import validate_or_raise

    problem = load_problem(problem_file, None)
    plan = read_plan(plan_file)
    job = None
    if job_file is not None:
        try:
            data = json.loads(job_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError([(str(job_file), None, f"cannot read the job: {exc}")]) from None
        job = validate_or_raise(Job, data)
    return problem, plan, job


def insert_cli(
    problem_file: ProblemArg,
    plan_file: PlanArg,
    job_file: JobArg,
    now: NowOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the new plan.")],
    problem_out: Annotated[
        Path | None,
        typer.Option("--problem-out", help="Where to write the problem with the job added."),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", "-t", min=0.01, help="Seconds to search.")
    ] = 0.3,
    frozen_minutes: Annotated[
        float, typer.Option(help="Visits starting this soon after --now do not move.")
    ] = 30.0,
) -> None:
    """Insert JOB into PLAN at its cheapest place without moving anyone else's visit to
    another engineer; print where it went and what changed, and write the new plan."""
    from dispatchopt.io import write_plan
    from dispatchopt.live import diff_plans, insert_job

    try:
        problem, plan, job = _inputs(problem_file, plan_file, job_file)
        assert job is not None
        grown, after = insert_job(
            problem,
            plan,
            job,
            now=parse_now(now),
            time_limit=time_limit,
            frozen_minutes=frozen_minutes,
        )
        write_plan(after, out)
        if problem_out is not None:
            problem_out.write_text(grown.model_dump_json(indent=2) + "\n", encoding="utf-8")
    except DispatchoptError as exc:
        raise _fail(exc) from None
    route = after.route_of(job.id)
    if route is None:
        why = next(u for u in after.unassigned if u.job_id == job.id)
        typer.echo(f"{job.id}: not planned ({why.reason}: {why.detail})")
    else:
        stop = next(s for s in route.jobs if s.job_id == job.id)
        typer.echo(f"{job.id}: {route.engineer_id} at {stop.start.isoformat()}")
    for line in diff_plans(plan, after).lines():
        typer.echo(f"  {line}")
    typer.echo(f"plan written to {out}")


def slots_cli(
    problem_file: ProblemArg,
    plan_file: PlanArg,
    job_file: JobArg,
    now: NowOpt,
    days: Annotated[int, typer.Option(min=1, help="Days from --now to offer slots on.")] = 1,
    limit: Annotated[int, typer.Option(min=1, help="Most slots to offer.")] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print the offers as JSON.")] = False,
) -> None:
    """Offer JOB's customer appointment slots that keep every other promise, cheapest first."""
    from dispatchopt.live import offer_slots

    try:
        problem, plan, job = _inputs(problem_file, plan_file, job_file)
        assert job is not None
        offers = offer_slots(problem, plan, job, now=parse_now(now), days=days, limit=limit)
    except DispatchoptError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps([o.model_dump(mode="json") for o in offers], indent=2))
        return
    if not offers:
        typer.echo("no slot can take this job without breaking another promise")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"slots for {job.id}")
    for name in ("#", "slot", "engineer", "starts", "added cost", "SLA slack"):
        table.add_column(name, justify="right" if name in ("#", "added cost") else "left")
    for k, offer in enumerate(offers, 1):
        w = offer.window
        slack = "" if offer.sla_slack_s is None else f"{offer.sla_slack_s / 60:+.0f} min"
        table.add_row(
            str(k),
            f"{w.start:%a %d %b %H:%M}-{w.end:%H:%M}",
            offer.engineer_id,
            f"{offer.start:%H:%M}",
            f"{offer.added_cost:.2f}",
            slack,
        )
    Console(highlight=False).print(table)


def diff_cli(
    before: Annotated[Path, typer.Argument(metavar="A", dir_okay=False, help="Plan before.")],
    after: Annotated[Path, typer.Argument(metavar="B", dir_okay=False, help="Plan after.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as JSON.")] = False,
    problem_file: Annotated[
        Path | None,
        typer.Option(
            "--problem",
            dir_okay=False,
            help="The day's problem: prices a plan whose summary has no cost breakdown.",
        ),
    ] = None,
) -> None:
    """What changed from plan A to plan B: jobs added, dropped, reassigned, moved,
    appointments broken, and the objective term by term before and after."""
    from dispatchopt.io import load_problem, read_plan
    from dispatchopt.live.diff import diff_plans

    try:
        problem = None if problem_file is None else load_problem(problem_file, None)
        change = diff_plans(read_plan(before), read_plan(after), problem)
    except DispatchoptError as exc:
        raise _fail(exc) from None
    typer.echo(change.model_dump_json(indent=2) if as_json else str(change))


__all__ = ["diff_cli", "insert_cli", "parse_now", "slots_cli"]

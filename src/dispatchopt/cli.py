"""The ``dispatchopt`` command line: plan, validate and describe problems (thin over the API)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.console import Console

from dispatchopt.errors import (
    ClusterError,
    DispatchoptError,
    InputError,
    MissingExtraError,
    SolverError,
    StoreError,
    require_extra,
)
from dispatchopt.io import load_problem, read_plan, write_plan
from dispatchopt.io.report import live_progress, print_plan, print_violations, problem_line
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.stop import Deadline

app = typer.Typer(
    name="dispatchopt",
    help="Plan which field-service engineer visits which customer, when, and explain the rest.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK = 0
"""Done: the plan keeps every hard rule (or the command did what it said)."""
EXIT_INVALID_PLAN = 1
"""The plan breaks a hard rule (a solver bug; the violations are printed)."""
EXIT_BAD_INPUT = 2
"""Bad input: a malformed file, a bad field, a command the ticket's state does not allow."""
EXIT_INTERNAL = 3
"""An internal error: a dispatchopt bug, said to be one."""
EXIT_MISSING_EXTRA = 4
"""An option needs an optional extra that is not installed (``--plot`` without matplotlib)."""
EXIT_NO_PLAN = 5
"""No plan could be made: the solver failed and no fallback plan kept the hard rules."""
EXIT_STORE = 6
"""The ticket store or the compute cluster failed: unreachable (a ``--scheduler`` that does not
answer too), unknown driver, missing database file, or a write that kept conflicting with
other writers after every retry."""
EXIT_CLUSTER = EXIT_STORE
"""A Dask cluster that cannot be used shares the store's code (an outside system failed)."""


class Format(StrEnum):
    """Input formats ``plan`` and ``validate`` read (detected when not given)."""

    json = "json"
    solomon = "solomon"
    vrplib = "vrplib"
    trsp = "trsp"


class SolverName(StrEnum):
    """Which planner ``plan`` runs: ``auto`` (the front door's choice for the day), one engine
    by name on the whole day, or the dispatcher's greedy rule of thumb."""

    auto = "auto"
    ortools = "ortools"
    pyvrp = "pyvrp"
    vroom = "vroom"
    greedy = "greedy"


def _stdout() -> Console:
    return Console(highlight=False)


def exit_code(exc: BaseException) -> int:
    """The exit code for ``exc`` (the scheme in the README): store and cluster errors 6, solver
    failures 5,
    a missing extra 4, bad input and lifecycle refusals 2, anything that is not a
    :class:`DispatchoptError` 3."""
    from dispatchopt.lifecycle.errors import LifecycleError

    if not isinstance(exc, DispatchoptError):
        return EXIT_INTERNAL
    if isinstance(exc, StoreError | ClusterError):
        return EXIT_STORE
    if isinstance(exc, SolverError):
        return EXIT_NO_PLAN
    if isinstance(exc, MissingExtraError):
        return EXIT_MISSING_EXTRA
    if isinstance(exc, InputError | LifecycleError):
        return EXIT_BAD_INPUT
    return EXIT_INVALID_PLAN


def _fail(exc: Exception) -> typer.Exit:
    """Print ``exc`` as a message (never a traceback) and pick the exit code.

    Anything that is not a :class:`DispatchoptError` is a bug of ours, and is said to be one.
    """
    if not isinstance(exc, DispatchoptError):
        typer.echo(
            f"internal error ({type(exc).__name__}: {exc}); this is a dispatchopt bug, please "
            "report it with the input that caused it",
            err=True,
        )
        return typer.Exit(EXIT_INTERNAL)
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(exit_code(exc))


def _zone(name: str | None) -> tzinfo | None:
    """The IANA zone ``name`` (``None`` stays ``None``); an unknown name is bad input."""
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError([("--time-zone", name, "not an IANA time zone")]) from None


def _load(path: Path, fmt: Format | None) -> Problem:
    problem = load_problem(path, None if fmt is None else fmt.value)
    for warning in problem.warnings():
        typer.echo(f"warning: {warning}", err=True)
    return problem


POST_SOLVE_S = 0.05
"""Seconds kept back from the search for checking and writing any plan, plus..."""
POST_SOLVE_S_PER_JOB = 0.00015
"""...this per job of the day (validating, summarising, writing the JSON), plus..."""
PRINT_S_PER_JOB = 0.0005
"""...this per job when every stop is printed (measured: 2.9 s for 5 000 jobs, under load)."""


def _post_solve_s(problem: Problem, brief: bool) -> float:
    """What the CLI does after the search (validate, print, write) takes about this long."""
    per_job = POST_SOLVE_S_PER_JOB + (0.0 if brief else PRINT_S_PER_JOB)
    return POST_SOLVE_S + per_job * len(problem.jobs)


def _solve(
    problem: Problem, solver: SolverName, deadline: Deadline, seed: int, console: Console
) -> Plan:
    if solver is SolverName.greedy:
        from dispatchopt.solvers import solve_greedy

        return solve_greedy(problem, seed=seed)
    from dispatchopt.solvers import solve
    from dispatchopt.solvers.front_door import EngineName

    engine = cast(EngineName, solver.value)
    # The live display is for people watching a terminal; pipes and CI logs get none.
    seconds = deadline.remaining()
    if seconds > 1 and sys.stdout.isatty():
        with live_progress(console, seconds) as on_progress:
            callback: Callable[[Any], None] = on_progress
            return solve(problem, deadline=deadline, seed=seed, progress=callback, engine=engine)
    return solve(problem, deadline=deadline, seed=seed, engine=engine)


InputArg = Annotated[
    Path, typer.Argument(help="Problem file: dispatchopt JSON, Solomon .txt, VRPLIB .vrp, TRSP.")
]
OptionalInputArg = Annotated[
    Path | None,
    typer.Argument(
        help="Problem file: dispatchopt JSON, Solomon .txt, VRPLIB .vrp, TRSP (or use --db)."
    ),
]
FormatOpt = Annotated[
    Format | None, typer.Option("--format", "-f", help="Input format (detected when left out).")
]


@app.command()
def plan(
    input: OptionalInputArg = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", "-t", min=0.0, help="Search time in seconds.")
    ] = 10.0,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write the plan JSON.")
    ] = None,
    fmt: FormatOpt = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same plan).")] = 0,
    max_solutions: Annotated[
        int | None,
        typer.Option(
            "--max-solutions",
            min=1,
            help="Stop the search after this many solutions (the same plan on any machine; "
            "--time-limit still caps the whole).",
        ),
    ] = None,
    solver: Annotated[SolverName, typer.Option(help="Planner to run.")] = SolverName.auto,
    brief: Annotated[
        bool, typer.Option("--brief", help="One line per engineer instead of every stop.")
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Plan from a ticket database instead of INPUT (SQLite path or URL)."
        ),
    ] = None,
    day: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="With --db: the local day to plan (in --time-zone; default today).",
        ),
    ] = None,
    time_zone: Annotated[
        str | None,
        typer.Option(
            "--time-zone",
            help="With --db: the IANA zone --date is a day of (default: the store's calendar "
            "zone, else its shifts' offset, else UTC).",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Folder for a route map and a Gantt chart (PNG)."),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Write the dispatcher's board: one self-contained page (Gantt, map, KPIs).",
        ),
    ] = None,
    schedules: Annotated[
        Path | None,
        typer.Option(
            "--schedules",
            help="Folder for each engineer's schedule: ENGINEER.csv and a printable ENGINEER.html.",
        ),
    ] = None,
    allow_worse: Annotated[
        bool,
        typer.Option(
            "--allow-worse",
            help="With --db: write the solver's plan even when the current schedule or the "
            "greedy baseline is better (it must still keep every hard rule).",
        ),
    ] = False,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh",
            help="With --db: plan the day afresh with --solver even when it has scheduled "
            "tickets (default: re-plan those from the current schedule with the disruption "
            "settings, appointments kept and moves priced).",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Plan by regions on a local Dask cluster of this many worker processes "
            "(needs dispatchopt[dask]).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Plan by regions on the Dask cluster at tcp://HOST:PORT."),
    ] = None,
    regions: Annotated[
        int | None,
        typer.Option(
            "--regions",
            min=1,
            help="With --workers/--scheduler: regions (default: ~1000 jobs each).",
        ),
    ] = None,
) -> None:
    """Plan INPUT (or a day of tickets from --db): print each engineer's route and the
    unassigned jobs, check the plan with the validator, and write the plan JSON.

    ``--time-limit`` bounds the whole command: loading, planning, checking and printing."""
    from dispatchopt.validate import validate as check

    console = _stdout()
    try:
        # Before anything is solved: a missing extra would otherwise waste the whole search.
        if plot is not None:
            require_extra("--plot", "matplotlib", "plot")
        deadline = Deadline.after(time_limit, max_solutions=max_solutions)
        if db is not None:
            if input is not None:
                raise InputError([("INPUT", str(input), "give a problem file or --db, not both")])
            from dispatchopt.lifecycle.cli import replan_from_db

            def solve_day(day_problem: Problem, *, time_limit: float) -> Plan:
                search_until = deadline.reserve(_post_solve_s(day_problem, brief))
                return _solve(day_problem, solver, search_until, seed, console)

            when = day.date() if day is not None else datetime.now(UTC).date()
            from dispatchopt.live.replan import Disruption

            replanned = replan_from_db(
                db,
                when,
                deadline.remaining(),
                solve_day,
                seed=seed,
                allow_worse=allow_worse,
                tz=_zone(time_zone),
                disruption=None if fresh else Disruption(),
            )
            problem, result = replanned.problem, replanned.plan
            print_plan(result, console, brief=brief, problem=problem)
            for line in replanned.log:
                console.print(line, markup=False)
        else:
            if input is None:
                raise InputError([("INPUT", None, "missing: give a problem file or --db")])
            problem = _load(input, fmt)
            console.print(problem_line(problem))
            search_until = deadline.reserve(_post_solve_s(problem, brief))
            if regions is not None and workers is None and scheduler is None:
                raise InputError([("--regions", regions, "needs --workers or --scheduler")])
            if workers is not None or scheduler is not None:
                from dispatchopt.cluster import plan_on_cluster

                if solver is not SolverName.auto:
                    raise InputError([("--solver", solver.value, "regions choose their own")])
                result = plan_on_cluster(
                    problem,
                    search_until,
                    seed=seed,
                    workers=workers,
                    scheduler=scheduler,
                    regions=regions,
                )
            else:
                result = _solve(problem, solver, search_until, seed, console)
            print_plan(result, console, brief=brief, problem=problem)
        if out is not None:
            write_plan(result, out)
            console.print(f"plan written to {out}")
        if html is not None:
            from dispatchopt.board import write_board

            write_board(problem, result, html)
            console.print(f"board written to {html}")
        if schedules is not None:
            from dispatchopt.io.schedules import write_schedules

            written = write_schedules(problem, result, schedules)
            console.print(f"{len(written) // 2} engineers' schedules written to {schedules}")
        if plot is not None:
            _plot(problem, result, plot)
            console.print(f"pictures written to {plot}")
        violations = check(problem, result)
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback
        raise _fail(exc) from None
    if violations:
        # A solver bug, never the user's fault: say so loudly rather than hand out a bad plan.
        print_violations(violations, console)
        raise typer.Exit(EXIT_INVALID_PLAN)


@app.command()
def validate(
    input: InputArg,
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="Plan JSON to check.")],
    fmt: FormatOpt = None,
) -> None:
    """Check PLAN against every hard rule of INPUT; exit 0 iff it keeps them all."""
    from dispatchopt.validate import validate as check

    console = _stdout()
    try:
        problem = _load(input, fmt)
        violations = check(problem, read_plan(plan_file))
    except DispatchoptError as exc:
        raise _fail(exc) from None
    print_violations(violations, console)
    if violations:
        raise typer.Exit(EXIT_INVALID_PLAN)


@app.command()
def explain(
    input: InputArg,
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="Plan JSON to explain.")],
    fmt: FormatOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write PLAN again with each job's counterfactuals."),
    ] = None,
    budget: Annotated[
        float,
        typer.Option("--budget", min=0.0, help="Seconds for counterfactuals and alternatives."),
    ] = 5.0,
    job: Annotated[
        str | None, typer.Option("--job", help="Explain this job only (planned or left out).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the explanation as JSON instead.")
    ] = False,
) -> None:
    """Explain PLAN: its objective term by term and per engineer, for each job left out the
    cheapest single changes that would let it in (each tried and validated), and for each
    planned job the next-best engineer and what it would cost more."""
    from dispatchopt.explain import explain as explain_plan
    from dispatchopt.io.report import print_explanation

    console = _stdout()
    try:
        problem = _load(input, fmt)
        plan = read_plan(plan_file)
        if job is not None and job not in problem.job_by_id:
            raise InputError([("--job", job, "the problem has no job with this id")])
        result = explain_plan(problem, plan, budget_s=budget, jobs=None if job is None else [job])
        if as_json:
            typer.echo(json.dumps(result.to_dict(), indent=2))
        else:
            print_explanation(result, console, job_id=job)
        if out is not None:
            write_plan(result.plan, out)
            if not as_json:
                console.print(f"plan with counterfactuals written to {out}")
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback
        raise _fail(exc) from None


@app.command()
def schema() -> None:
    """Print the JSON Schema of the problem input."""
    typer.echo(json.dumps(Problem.model_json_schema(), indent=2))


def _plot(problem: Problem, plan: Plan, folder: Path) -> None:
    """Route map and Gantt chart of ``plan`` (matplotlib is an optional extra, checked before
    the solve; a broken install that only fails here exits the same way)."""
    try:
        from dispatchopt.plotting import plot_gantt, plot_routes
    except ModuleNotFoundError as exc:
        raise MissingExtraError("--plot", exc.name or "matplotlib", "plot") from None
    folder.mkdir(parents=True, exist_ok=True)
    plot_routes(problem, plan, folder / "routes.png")
    plot_gantt(problem, plan, folder / "gantt.png")


def _register_subcommands() -> None:
    """Sub-apps and commands that live beside the packages they drive."""
    from dispatchopt.lifecycle.cli import tickets_app
    from dispatchopt.live.cli import diff_cli, insert_cli, slots_cli
    from dispatchopt.server.cli import serve_cli
    from dispatchopt.simulate.cli import scenario_cli, simulate_cli

    app.add_typer(tickets_app, name="tickets", help="Import, list, show and move tickets.")
    app.command("simulate")(simulate_cli)
    app.command("scenario")(scenario_cli)
    app.command("insert")(insert_cli)
    app.command("slots")(slots_cli)
    app.command("diff")(diff_cli)
    app.command("serve")(serve_cli)


_register_subcommands()


def main() -> None:
    """Run the app (``python -m dispatchopt.cli``)."""
    app()


if __name__ == "__main__":
    main()

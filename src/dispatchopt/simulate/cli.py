"""Typer command functions for ``dispatchopt simulate`` and ``dispatchopt scenario`` (thin)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from dispatchopt.errors import (
    ClusterError,
    DispatchoptError,
    InputError,
    MissingExtraError,
    require_extra,
)

EXIT_BAD_INPUT = 2
EXIT_MISSING_EXTRA = 4
EXIT_CLUSTER = 6
"""The same codes as :mod:`dispatchopt.cli` (which imports this module, so not from there)."""


def _fail(exc: DispatchoptError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    if isinstance(exc, MissingExtraError):
        return typer.Exit(EXIT_MISSING_EXTRA)
    if isinstance(exc, ClusterError):
        return typer.Exit(EXIT_CLUSTER)
    return typer.Exit(EXIT_BAD_INPUT if isinstance(exc, InputError) else 1)


def simulate_cli(
    scenario: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Scenario (or problem) JSON.")
    ],
    policy: Annotated[
        list[str] | None,
        typer.Option(
            "--policy", "-p", help="greedy, batch, rolling:MINUTES or live[:MINUTES] (repeat)."
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for tables and pictures.")
    ] = Path("simulation"),
    seed: Annotated[int, typer.Option(help="Solver seed (same seed, same result).")] = 0,
    time_limit: Annotated[
        float, typer.Option("--time-limit", "-t", min=0.01, help="Seconds per solve.")
    ] = 5.0,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Policies run in parallel processes.")
    ] = 1,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Write the PNGs.")] = True,
    seeds: Annotated[
        str | None,
        typer.Option(
            "--seeds",
            help="Sweep: redraw the day's luck with each seed (1-200) and write sweep.csv and "
            "sweep.md (mean, p5, p95 per KPI and policy) instead of the single-day report.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Run on a local Dask cluster of this many worker processes."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on the Dask cluster at tcp://HOST:PORT."),
    ] = None,
) -> None:
    """Replay SCENARIO under each --policy on the same day and seed; print the KPI comparison
    and write kpis.csv, kpis.md, kpis.png and a route map and Gantt chart per policy to --out.
    With --seeds, every policy on every seed's draw of the day: sweep.csv, sweep.md and
    sweep.png."""
    from dispatchopt.simulate.compare import simulate_command

    policies = policy or ["greedy", "batch", "rolling:60"]
    try:
        # The pictures come last: without matplotlib, say so before simulating, not after.
        if plots:
            require_extra("simulate --plots", "matplotlib", "plot", "or --no-plots")
        with _executor(jobs, workers, scheduler) as (executor, scatter):
            if seeds is not None:
                from dispatchopt.simulate.sweep import parse_seeds, sweep_command

                sweep_command(
                    scenario,
                    policies,
                    parse_seeds(seeds),
                    out,
                    time_limit=time_limit,
                    solver_seed=seed,
                    executor=executor,
                    scatter=scatter,
                    plots=plots,
                )
            else:
                simulate_command(
                    scenario,
                    policies,
                    out,
                    seed,
                    time_limit=time_limit,
                    executor=executor,
                    plots=plots,
                )
    except DispatchoptError as exc:
        raise _fail(exc) from None
    typer.echo(f"wrote {out}")


@contextmanager
def _executor(
    jobs: int, workers: int | None, scheduler: str | None
) -> Iterator[tuple[Executor | None, Any]]:
    """A Dask cluster's executor and scatter when one is asked for, else ``--jobs`` processes
    (or none, for one)."""
    if workers is not None or scheduler is not None:
        from dispatchopt.cluster import dask_cluster

        with dask_cluster(workers, scheduler) as cluster:
            yield cluster.executor, cluster.scatter
        return
    pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else None
    try:
        yield pool, None
    finally:
        if pool is not None:
            pool.shutdown()


def scenario_cli(
    out: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the scenario JSON.")],
    size: Annotated[int, typer.Option(help="Jobs in the day (1..5000).")] = 200,
    engineers: Annotated[int, typer.Option(help="Engineers (third-party crews included).")] = 20,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 0,
    named: Annotated[
        str | None, typer.Option(help="A named scenario instead (quiet_tuesday, ...).")
    ] = None,
    crews: Annotated[
        float, typer.Option(help="Share of aircon and smart-home jobs needing two people.")
    ] = 0.0,
    territories: Annotated[
        str, typer.Option(help="Districts as territories: none, hard, soft or mixed.")
    ] = "none",
    providers: Annotated[
        int, typer.Option(help="Providers (quotas, fees) instead of third-party engineers.")
    ] = 0,
) -> None:
    """Write a seeded service day (or a named scenario) as scenario JSON."""
    from dispatchopt.scenarios import generate_scenario, named_scenario

    features = {"two_person_share": crews, "territories": territories, "providers": providers}
    try:
        day = (
            named_scenario(named) if named else generate_scenario(size, engineers, seed, **features)
        )
    except DispatchoptError as exc:
        raise _fail(exc) from None
    day.save(out)
    typer.echo(f"wrote {out}: {len(day.problem.jobs)} jobs, {len(day.problem.engineers)} engineers")

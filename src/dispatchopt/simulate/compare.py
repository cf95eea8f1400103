"""Runs several policies (and solver seeds) on one scenario, side by side, and writes the report."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import replace
from pathlib import Path
from typing import Any

from dispatchopt.scenarios.scenario import Scenario
from dispatchopt.simulate.kpis import Kpis, compute_kpis, rich_table, to_csv, to_markdown
from dispatchopt.simulate.policies import DispatchPolicy, Solve, parse_policy
from dispatchopt.simulate.simulator import SimulationResult, simulate


def run_policies(
    scenario: Scenario, policies: Sequence[DispatchPolicy], *, executor: Executor | None = None
) -> list[SimulationResult]:
    """Simulate each policy on the same scenario; results come back in the policies' order.

    Runs are independent, so an ``executor`` (``ProcessPoolExecutor`` for CPU-bound solves; the
    policies must then be picklable) runs them in parallel; without one they run in turn here.
    """
    if executor is None:
        return [simulate(scenario, p) for p in policies]
    futures = [executor.submit(simulate, scenario, p) for p in policies]
    return [f.result() for f in futures]


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def simulate_command(
    scenario_path: str | Path,
    policies: Sequence[str],
    out_dir: str | Path,
    seed: int = 0,
    *,
    time_limit: float = 5.0,
    executor: Executor | None = None,
    solver: Solve | None = None,
    plots: bool = True,
    console: Any = None,
) -> list[Kpis]:
    """What ``dispatchopt simulate SCENARIO --policy ... --out DIR`` does.

    Runs the policies (``greedy``, ``batch``, ``rolling:MINUTES``, ``live[:MINUTES]``) with
    solver ``seed`` and ``time_limit``, prints the comparison (rich), and writes into
    ``out_dir``: ``kpis.csv``, ``kpis.md``, ``kpis.png``, and ``routes_<policy>.png`` /
    ``gantt_<policy>.png`` per policy.
    """
    scenario = Scenario.load(scenario_path)
    chosen = [parse_policy(p, time_limit=time_limit, seed=seed, solver=solver) for p in policies]
    names = [p.name for p in chosen]
    if len(set(names)) != len(names):
        chosen = [
            replace(p, name=f"{p.name}#{i + 1}") if names.count(p.name) > 1 else p  # type: ignore[type-var]
            for i, p in enumerate(chosen)
        ]
    results = run_policies(scenario, chosen, executor=executor)
    table = [compute_kpis(r) for r in results]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "kpis.csv").write_text(to_csv(table), encoding="utf-8")
    header = f"# {scenario.name}: policy comparison (seed {seed}, time limit {time_limit:g} s)\n\n"
    (out / "kpis.md").write_text(header + to_markdown(table), encoding="utf-8")
    if plots:
        from dispatchopt.plotting import plot_gantt, plot_kpis, plot_routes

        for r in results:
            slug = _slug(r.policy)
            plot_routes(
                scenario.problem,
                r.plan,
                out / f"routes_{slug}.png",
                title=f"{scenario.name}: routes under {r.policy}",
            )
            plot_gantt(
                scenario.problem,
                r.plan,
                out / f"gantt_{slug}.png",
                title=f"{scenario.name}: the day under {r.policy}",
            )
        plot_kpis(table, out / "kpis.png")
    if console is None:
        from rich.console import Console

        console = Console()
    console.print(rich_table(table))
    return table

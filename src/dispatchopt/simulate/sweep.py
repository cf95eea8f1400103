"""Scenario sweeps: every (policy, seed) pair simulated on its own draw of the day's luck, and
the spread of each KPI per policy (mean, p5, p95) written as ``sweep.csv`` and ``sweep.md``.

Runs go to any ``concurrent.futures.Executor`` (a Dask cluster's, see
:mod:`dispatchopt.cluster`); with ``scatter`` the scenario is sent to the workers once and
each task only names its policy and seed. Tasks return KPIs, not plans, so little comes back.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dispatchopt.errors import InputError
from dispatchopt.scenarios.redraw import redraw
from dispatchopt.scenarios.scenario import Scenario
from dispatchopt.simulate.kpis import Kpis, compute_kpis
from dispatchopt.simulate.policies import parse_policy
from dispatchopt.simulate.simulator import simulate

Scatter = Callable[[list[Scenario]], list[Any]]


@dataclass(frozen=True)
class SweepRun:
    """One simulated day: a policy on the draw of one seed."""

    policy: str
    seed: int
    kpis: Kpis


@dataclass(frozen=True)
class KpiSpread:
    """How one KPI of one policy spreads over the seeds (NaN runs, e.g. no visits, left out)."""

    policy: str
    kpi: str
    runs: int
    mean: float
    p5: float
    p95: float


def parse_seeds(text: str) -> list[int]:
    """``"1-200"``, ``"7"`` or ``"1,3,10-12"`` as a list of seeds, in the order given."""
    seeds: list[int] = []
    try:
        for part in text.split(","):
            first, dash, last = part.strip().partition("-")
            lo, hi = int(first), int(last) if dash else int(first)
            if hi < lo:
                raise ValueError(part)
            seeds.extend(range(lo, hi + 1))
    except ValueError:
        raise InputError([("--seeds", text, "give seeds as 1-200, 7 or 1,3,10-12")]) from None
    return seeds


def simulate_seed(
    scenario: Scenario, policy: str, seed: int, time_limit: float, solver_seed: int
) -> SweepRun:
    """Simulate ``policy`` on ``scenario`` redrawn with ``seed`` (top-level so it pickles)."""
    day = redraw(scenario, seed)
    chosen = parse_policy(policy, time_limit=time_limit, seed=solver_seed)
    return SweepRun(chosen.name, seed, compute_kpis(simulate(day, chosen)))


def run_sweep(
    scenario: Scenario,
    policies: Sequence[str],
    seeds: Sequence[int],
    *,
    time_limit: float = 5.0,
    solver_seed: int = 0,
    executor: Executor | None = None,
    scatter: Scatter | None = None,
) -> list[SweepRun]:
    """Every policy on every seed's draw; results in (policy, seed) order whatever finishes
    first. Without ``executor`` the runs go one after the other here."""
    for policy in policies:
        parse_policy(policy)  # a misspelt policy fails here, not on every worker
    pairs = [(p, s) for p in policies for s in seeds]
    if executor is None:
        return [simulate_seed(scenario, p, s, time_limit, solver_seed) for p, s in pairs]
    sent: Any = scatter([scenario])[0] if scatter is not None else scenario
    futures = [
        executor.submit(simulate_seed, sent, p, s, time_limit, solver_seed) for p, s in pairs
    ]
    return [f.result() for f in futures]


def spreads(runs: Sequence[SweepRun]) -> list[KpiSpread]:
    """Mean, 5th and 95th percentile (numpy's linear interpolation) of every numeric KPI, per
    policy in the order the runs first name them."""
    by_policy: dict[str, list[dict[str, float | int | str]]] = {}
    for run in runs:
        by_policy.setdefault(run.policy, []).append(run.kpis.row())
    out: list[KpiSpread] = []
    for policy, rows in by_policy.items():
        columns = dict.fromkeys(c for r in rows for c in r if c != "policy")
        for column in columns:
            values = [r.get(column) for r in rows]
            numbers = np.array(
                [float(v) for v in values if isinstance(v, int | float) and not math.isnan(v)]
            )
            if len(numbers) == 0:
                out.append(KpiSpread(policy, column, 0, math.nan, math.nan, math.nan))
                continue
            p5, p95 = np.percentile(numbers, [5, 95])
            out.append(
                KpiSpread(
                    policy, column, len(numbers), float(numbers.mean()), float(p5), float(p95)
                )
            )
    return out


def to_csv(table: Sequence[KpiSpread]) -> str:
    """One row per policy and KPI: ``policy,kpi,runs,mean,p5,p95``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["policy", "kpi", "runs", "mean", "p5", "p95"])
    for s in table:
        writer.writerow([s.policy, s.kpi, s.runs, *(_round(v) for v in (s.mean, s.p5, s.p95))])
    return buf.getvalue()


def to_markdown(table: Sequence[KpiSpread]) -> str:
    """One row per KPI, one column per policy: ``mean (p5-p95)``."""
    policies = list(dict.fromkeys(s.policy for s in table))
    kpis = list(dict.fromkeys(s.kpi for s in table))
    cell = {(s.policy, s.kpi): s for s in table}
    lines = ["| KPI | " + " | ".join(policies) + " |", "|---|" + "---:|" * len(policies)]
    for kpi in kpis:
        row = [_cell(cell.get((p, kpi))) for p in policies]
        lines.append(f"| {kpi} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def _round(value: float) -> float | str:
    return "" if math.isnan(value) else round(value, 4)


def _cell(spread: KpiSpread | None) -> str:
    if spread is None or spread.runs == 0:
        return "-"
    return f"{spread.mean:.4g} ({spread.p5:.4g}-{spread.p95:.4g})"


def sweep_command(
    scenario_path: str | Path,
    policies: Sequence[str],
    seeds: Sequence[int],
    out_dir: str | Path,
    *,
    time_limit: float = 5.0,
    solver_seed: int = 0,
    executor: Executor | None = None,
    scatter: Scatter | None = None,
    plots: bool = True,
) -> list[KpiSpread]:
    """What ``dispatchopt simulate SCENARIO --seeds ...`` does: the sweep, then ``sweep.csv``
    (spreads), ``sweep.md`` (the same, side by side), ``sweep_runs.csv`` (every run) and, with
    ``plots`` (matplotlib, the ``plot`` extra), ``sweep.png``."""
    scenario = Scenario.load(scenario_path)
    runs = run_sweep(
        scenario,
        policies,
        seeds,
        time_limit=time_limit,
        solver_seed=solver_seed,
        executor=executor,
        scatter=scatter,
    )
    table = spreads(runs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep.csv").write_text(to_csv(table), encoding="utf-8")
    header = (
        f"# {scenario.name}: {len(seeds)} draws per policy (mean, p5-p95; solver seed "
        f"{solver_seed}, {time_limit:g} s per solve)\n\n"
    )
    (out / "sweep.md").write_text(header + to_markdown(table), encoding="utf-8")
    (out / "sweep_runs.csv").write_text(_runs_csv(runs), encoding="utf-8")
    if plots and table:
        from dispatchopt.plotting import plot_sweep

        plot_sweep(table, out / "sweep.png")
    return table


def _runs_csv(runs: Sequence[SweepRun]) -> str:
    rows = [{"seed": r.seed, **r.kpis.row()} for r in runs]
    columns = list(dict.fromkeys(c for r in rows for c in r))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


__all__ = [
    "KpiSpread",
    "SweepRun",
    "parse_seeds",
    "run_sweep",
    "simulate_seed",
    "spreads",
    "sweep_command",
    "to_csv",
    "to_markdown",
]

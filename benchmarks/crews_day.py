"""Crews, providers, territories and balance on a generated day: how many crew jobs are served
and in sync, what the providers take and for how much against doing it ourselves, and the
working-time spread with the balance term off and on (and what it costs).

The day is the generator's own featured day (docs/scenarios.md, "Crews, territories and
providers"): ``generate_day(size, engineers, seed, two_person_share=0.3,
territories="mixed", providers=2)``. The "no providers" run is the same day (the same team:
the third-party crews are replaced by providers either way) with ``Problem.providers`` emptied,
so every job is ours to do or leave.

    python benchmarks/crews_day.py --size 200 --engineers 20 --time-limit 30 --seed 1
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from dispatchopt import solve, validate
from dispatchopt.models import Plan, Problem
from dispatchopt.scenarios import generate_day


def variant(base: Problem, *, providers: bool, balance: float | None) -> Problem:
    """``base`` with or without its providers, with the balance term at ``balance`` an hour
    (``None``: off)."""
    data: dict[str, Any] = base.model_dump(mode="json")
    if not providers:
        data["providers"] = []
    data["objective"]["balance"] = (
        None if balance is None else {"on": "working_time", "weight": balance}
    )
    return Problem.from_data(data)


def figures(problem: Problem, plan: Plan, took: float) -> dict[str, Any]:
    """What the report prints for one plan."""
    assert plan.summary is not None
    crew_jobs = [j for j in problem.jobs if j.crew_size > 1]
    stops: dict[str, list[Any]] = {}
    for route in plan.routes:
        for stop in route.jobs:
            stops.setdefault(stop.job_id, []).append(stop.start)
    served = [j for j in crew_jobs if j.id in stops]
    synced = [j for j in served if len(stops[j.id]) == j.crew_size and len(set(stops[j.id])) == 1]
    days = dict.fromkeys((e.id for e in problem.engineers), 0.0)
    for route in plan.routes:
        days[route.engineer_id] += (route.arrival - route.departure).total_seconds()
    breakdown = plan.summary.cost_breakdown
    objective = plan.summary.objective or 0.0
    return {
        "violations": len(validate(problem, plan)),
        "crew served / in sync / of": f"{len(served)} / {len(synced)} / {len(crew_jobs)}",
        "served": plan.summary.jobs_served,
        "outsourced": plan.summary.jobs_outsourced,
        "fees": breakdown.get("contractor_fee", 0.0),
        "unassigned": plan.summary.jobs_unassigned,
        "idle engineers": sum(1 for d in days.values() if d == 0),
        "longest h": max(days.values(), default=0.0) / 3600,
        "shortest h": min(days.values(), default=0.0) / 3600,
        "spread h": plan.summary.working_spread_s / 3600,
        "std h": plan.summary.working_std_s / 3600,
        "balance term": breakdown.get("balance", 0.0),
        "objective less balance": objective - breakdown.get("balance", 0.0),
        "seconds": took,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--engineers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument(
        "--balance", type=float, nargs="+", default=[20.0], help="weights per hour to run"
    )
    parser.add_argument("--crews", type=float, default=0.3, help="two-person share")
    parser.add_argument("--territories", default="mixed", help="none, hard, soft or mixed")
    parser.add_argument("--no-providers-run", action="store_true", help="add the run without")
    args = parser.parse_args()
    base = generate_day(
        args.size,
        args.engineers,
        args.seed,
        two_person_share=args.crews,
        territories=args.territories,
        providers=2,
    )
    runs = {"balance off": variant(base, providers=True, balance=None)}
    if args.no_providers_run:
        runs["no providers, balance off"] = variant(base, providers=False, balance=None)
    for weight in args.balance:
        runs[f"balance {weight:g}/h"] = variant(base, providers=True, balance=weight)
    rows = {}
    for name, problem in runs.items():
        started = time.perf_counter()
        plan = solve(problem, time_limit=args.time_limit, seed=args.seed)
        rows[name] = figures(problem, plan, time.perf_counter() - started)
        print(name, rows[name], flush=True)
    keys = list(next(iter(rows.values())))
    print("| run | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for name, row in rows.items():
        cells = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

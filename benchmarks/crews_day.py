"""Crews, providers, territories and balance on a generated day: how many crew jobs are served
and in sync, what the providers take and for how much against doing it ourselves, and the
working-time spread with the balance term off and on (and what it costs).

The generator does not draw these features yet, so this script adds them to a generated day:
about 30 % of the aircon and smart-home jobs become two-person jobs, the city is cut into 8
districts by angle around its centre (``Job.zone``), each own engineer works the district of
home and its two neighbours (even engineers hard, odd ones soft), and the generator's provider
engineers (``tp..``) are replaced by two providers with quotas and fees (north, south).

    python benchmarks/crews_day.py --size 200 --engineers 20 --time-limit 20 --seed 1
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any

import numpy as np

from dispatchopt import solve, validate
from dispatchopt.models import Location, Plan, Problem
from dispatchopt.scenarios import generate_day
from dispatchopt.scenarios.generator import CITY_CENTRE
from dispatchopt.solvers.objective import busy_s

DISTRICTS = 8


def district(location: Location) -> int:
    """The district (0-7) of a point, by its angle around the city centre."""
    assert location.lat is not None and location.lon is not None
    north = location.lat - CITY_CENTRE[0]
    east = (location.lon - CITY_CENTRE[1]) * math.cos(math.radians(CITY_CENTRE[0]))
    return int((math.atan2(north, east) % (2 * math.pi)) / (2 * math.pi) * DISTRICTS) % DISTRICTS


def with_features(
    base: Problem, seed: int, *, providers: bool, balance: float | None, soft: bool = False
) -> Problem:
    """``base`` with two-person jobs, districts and territories, providers and balance."""
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = base.model_dump(mode="json")
    for job in data["jobs"]:
        job["zone"] = f"d{district(Location(**job['location']))}"
        kind = job["skills"][0]["skill"] if job["skills"] else ""
        if kind in ("aircon", "smart_home") and rng.random() < 0.3:
            job["crew_size"] = 2
            job.pop("duration_by_level", None)
    own = [e for e in data["engineers"] if not e["id"].startswith("tp")]
    for i, eng in enumerate(own):
        home = district(Location(**eng["start_location"]))
        eng["territory"] = [f"d{(home + k) % DISTRICTS}" for k in (-1, 0, 1)]
        eng["territory_mode"] = "hard" if i % 2 == 0 and not soft else "soft"
    data["engineers"] = own
    if providers:
        north = [f"d{k}" for k in range(DISTRICTS // 2)]
        south = [f"d{k}" for k in range(DISTRICTS // 2, DISTRICTS)]
        skills = {"fridge": 1, "washer": 1}
        data["providers"] = [
            {"id": "north", "skills": skills, "territory": north, "max_jobs": 8, "fee": 45},
            {"id": "south", "skills": skills, "territory": south, "max_jobs": 8, "fee": 60},
        ]
    data["objective"]["out_of_territory_cost"] = 30.0
    if balance is not None:
        data["objective"]["balance"] = {"on": "working_time", "weight": balance}
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
    breakdown = plan.summary.cost_breakdown
    return {
        "violations": len(validate(problem, plan)),
        "crew jobs": len(crew_jobs),
        "crew served": len(served),
        "crew in sync": len(synced),
        "served": plan.summary.jobs_served,
        "outsourced": plan.summary.jobs_outsourced,
        "fees": breakdown.get("contractor_fee", 0.0),
        "unassigned": plan.summary.jobs_unassigned,
        "objective": plan.summary.objective or 0.0,
        "objective less balance": (plan.summary.objective or 0.0) - breakdown.get("balance", 0.0),
        "longest busy h": max((busy_s(r) for r in plan.routes), default=0.0) / 3600,
        "spread h": plan.summary.working_spread_s / 3600,
        "std h": plan.summary.working_std_s / 3600,
        "engineers used": plan.summary.engineers_used,
        "seconds": took,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--engineers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--balance", type=float, default=20.0)
    parser.add_argument("--soft-territories", action="store_true", help="no hard territories")
    args = parser.parse_args()
    soft = args.soft_territories
    base = generate_day(args.size, args.engineers, args.seed)
    runs = {
        "providers, balance off": with_features(
            base, args.seed, providers=True, balance=None, soft=soft
        ),
        "no providers": with_features(base, args.seed, providers=False, balance=None, soft=soft),
        f"providers, balance {args.balance:g}/h": with_features(
            base, args.seed, providers=True, balance=args.balance, soft=soft
        ),
    }
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

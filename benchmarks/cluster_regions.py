"""Benchmark planning a national day by regions on a local Dask cluster of 1 and 2 workers.

Run from the repository root with the ``dask`` extra installed::

    python benchmarks/cluster_regions.py --jobs 5000 --engineers 500 --regions 5 --time-limit 120

Each run generates the national day (``generate_national_day``: one city of the generator per
region), plans it with the greedy baseline (region by region, as the dispatcher of each city
would; the whole day's travel matrix is never built), then with ``solve_regions`` on a
``LocalCluster`` of each ``--workers`` count for ``--time-limit`` seconds of wall time (cluster
start included), checks the merged plan with the validator (``--validate``, off above 5 000
jobs: the whole day's matrix is the validator's), and appends one JSON line per run to
``benchmarks/results/cluster_regions.jsonl``: wall time, peak memory of each worker and of the
client process, jobs served against greedy, and the time spent outside the regions' solves.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("PYTHONPATH", str(ROOT / "src"))  # the workers import this tree

from dispatchopt.cluster import dask_cluster  # noqa: E402
from dispatchopt.scenarios import generate_national_day  # noqa: E402
from dispatchopt.solvers import Deadline, solve_greedy, solve_regions  # noqa: E402
from dispatchopt.solvers.strategies.regions import region_problem, split_regions  # noqa: E402
from dispatchopt.validate import validate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "cluster_regions.jsonl"


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux: ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def greedy_by_region(problem: Any, regions: int, seed: int) -> tuple[int, float, float]:
    """Jobs the greedy rule of thumb serves, each region's dispatcher on their own, the seconds
    it took, and the seconds of that spent splitting the day and cutting out the regions."""
    started = time.perf_counter()
    parts = split_regions(problem, regions=regions, seed=seed)
    days = [region_problem(problem, r.job_ids, r.engineer_ids, r.name) for r in parts if r.job_ids]
    split_s = time.perf_counter() - started
    served = sum(len(r.jobs) for day in days for r in solve_greedy(day, seed=seed).routes)
    return served, time.perf_counter() - started, split_s


def run(args: argparse.Namespace, workers: int, greedy_served: int) -> dict[str, Any]:
    day = generate_national_day(args.jobs, args.engineers, args.regions, args.seed).problem
    started = time.perf_counter()
    deadline = Deadline.after(args.time_limit)
    with dask_cluster(workers=workers) as cluster:
        up = time.perf_counter() - started
        plan = solve_regions(
            day,
            deadline=deadline,
            seed=args.seed,
            regions=args.regions,
            executor=cluster.executor,
            scatter=cluster.scatter,
            slots=cluster.slots,
        )
        wall = time.perf_counter() - started
        peaks = cluster.client.run(_peak_rss_mb)
    violations = None
    if args.validate:
        checked = time.perf_counter()
        violations = len(validate(day, plan))
        validate_s = time.perf_counter() - checked
    served = sum(len(r.jobs) for r in plan.routes)
    assert served + len(plan.unassigned) == len(day.jobs)
    summary = plan.summary
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "jobs": args.jobs,
        "engineers": args.engineers,
        "regions": args.regions,
        "workers": workers,
        "time_limit_s": args.time_limit,
        "cluster_up_s": round(up, 2),
        "wall_s": round(wall, 2),
        "served": served,
        "unassigned": len(plan.unassigned),
        "greedy_served": greedy_served,
        "served_vs_greedy": served - greedy_served,
        "worker_peak_mb": sorted(round(v) for v in peaks.values()),
        "client_peak_mb": round(_peak_rss_mb()),
        "violations": violations,
        "validate_s": round(validate_s, 1) if args.validate else None,
        "cost": None if summary is None else round(summary.cost),
        "notes": [] if summary is None else summary.solver_notes,
        "solver": None if summary is None else summary.solver,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20000)
    parser.add_argument("--engineers", type=int, default=2000)
    parser.add_argument("--regions", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--validate", action=argparse.BooleanOptionalAction, default=None)
    args = parser.parse_args()
    if args.validate is None:
        args.validate = args.jobs <= 5000
    day = generate_national_day(args.jobs, args.engineers, args.regions, args.seed).problem
    greedy_served, greedy_s, split_s = greedy_by_region(day, args.regions, args.seed)
    print(f"greedy: {greedy_served} of {len(day.jobs)} served in {greedy_s:.1f} s", flush=True)
    del day
    for workers in args.workers:
        row = run(args, workers, greedy_served)
        row["greedy_s"] = round(greedy_s, 1)
        row["split_s"] = round(split_s, 1)
        print(json.dumps(row), flush=True)
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()

"""Solves Solomon / Gehring-Homberger instances with the optional PyVRP engine (or OR-Tools) and
checks every plan with our validator and the shared DIMACS checker; prints JSON lines and means.

    python benchmarks/experiments/pyvrp_vs_ortools.py --set solomon --time 10 --workers 2
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import vrplib

from dispatchopt.io import read_solomon, read_vrplib, write_plan
from dispatchopt.validate import validate

BENCH = Path(__file__).resolve().parents[3] / "shared" / "benchmarks"
CHECKER = BENCH.parent / "tools" / "check_vrptw_plan.py"
SETS = {"solomon": "solomon/*.txt", "gh1000": "gh1000/*.vrp"}


def reference(path: Path) -> float:
    """REFERENCE.csv (Solomon) or the ``.sol`` best-known cost (Gehring-Homberger)."""
    if path.suffix == ".vrp":
        return float(vrplib.read_solution(str(path.with_suffix(".sol")))["cost"])
    with (path.parent / "REFERENCE.csv").open(newline="") as fh:
        return next(
            float(r["reference_cost"]) for r in csv.DictReader(fh) if r["instance"] == path.stem
        )


def instance_class(name: str) -> str:
    """``RC101`` -> ``RC1``, ``R2_10_1`` -> ``R2``."""
    head = name.split("_")[0]
    letters = head.rstrip("0123456789")
    return letters + head[len(letters)]


def run(path: Path, engine: str, time_limit: float, seed: int) -> dict[str, Any]:
    """Solve one instance, validate, cost and cross-check it (one worker process)."""
    problem = read_solomon(path) if path.suffix == ".txt" else read_vrplib(path)
    started = time.perf_counter()
    if engine == "pyvrp":
        from dispatchopt.solvers.engines.pyvrp import solve_pyvrp

        plan = solve_pyvrp(problem, time_limit=time_limit, seed=seed)
    else:
        from dispatchopt.solvers.engines.ortools import solve_ortools as solve

        plan = solve(problem, time_limit=time_limit, seed=seed)
    wall = time.perf_counter() - started
    violations = validate(problem, plan)
    served = sum(len(r.jobs) for r in plan.routes)
    cost = round(sum(r.distance_m for r in plan.routes) / 1000, 1)
    with tempfile.TemporaryDirectory() as tmp:
        plan_path = Path(tmp) / "plan.json"
        write_plan(plan, plan_path)
        done = subprocess.run(
            [sys.executable, str(CHECKER), str(path), str(plan_path)],
            capture_output=True,
            text=True,
            check=False,
        )
    checked = json.loads(done.stdout)
    feasible = not violations and served == len(problem.jobs) and bool(checked["feasible"])
    ref = reference(path)
    return {
        "instance": path.stem,
        "class": instance_class(path.stem),
        "engine": engine,
        "time_limit": time_limit,
        "wall_s": round(wall, 1),
        "served": served,
        "jobs": len(problem.jobs),
        "routes": len(plan.routes),
        "violations": len(violations),
        "checker_feasible": checked["feasible"],
        "checker_cost": checked.get("cost"),
        "cost": cost,
        "reference": ref,
        "gap_pct": round(100 * (cost / ref - 1), 3) if feasible else None,
    }


def main() -> None:
    """Run the chosen set, one process per instance, and print a per-class mean-gap table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="solomon")
    parser.add_argument("--only", nargs="*", help="instance names (default: the whole set)")
    parser.add_argument("--engine", choices=["pyvrp", "ortools"], default="pyvrp")
    parser.add_argument("--time", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    paths = sorted(BENCH.glob(SETS[args.set]))
    if args.only:
        paths = [p for p in paths if p.stem in set(args.only)]
    rows = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(run, p, args.engine, args.time, args.seed) for p in paths]
        for future in futures:
            rows.append(future.result())
            print(json.dumps(rows[-1]), flush=True)
    by_class: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row["gap_pct"] is not None:
            by_class[row["class"]].append(row["gap_pct"])
    print("| class | feasible | mean gap % |")
    for cls in sorted(by_class):
        print(f"| {cls} | {len(by_class[cls])} | {statistics.fmean(by_class[cls]):.2f} |")
    gaps = [g for v in by_class.values() for g in v]
    if gaps:
        print(f"| all | {len(gaps)}/{len(rows)} | {statistics.fmean(gaps):.2f} |")


if __name__ == "__main__":
    main()

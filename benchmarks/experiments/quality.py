"""Runs named solver configurations on Solomon / Gehring-Homberger instances and checks every plan.

Each plan is re-checked by ``dispatchopt.validate`` and by the shared DIMACS checker;
costs are ``plan distance_m / 1000``. Prints one JSON line per run and a per-class mean table.

    python benchmarks/experiments/quality.py --set solomon-subset --time 10 --config base
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from dispatchopt.io import read_solomon, read_vrplib
from dispatchopt.solvers.engines.ortools import OrTools, SearchConfig
from dispatchopt.solvers.front_door import solve, solve_portfolio
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies import decomposed
from dispatchopt.validate import validate

BENCH = Path("/work/shared/benchmarks")
CHECKER = Path("/work/shared/tools/check_vrptw_plan.py")

SETS: dict[str, list[str]] = {
    "solomon-subset": [
        "solomon/C101.txt",
        "solomon/C105.txt",
        "solomon/R101.txt",
        "solomon/R107.txt",
        "solomon/RC103.txt",
        "solomon/RC106.txt",
    ],
    "solomon-all": [f"solomon/{p.name}" for p in sorted((BENCH / "solomon").glob("*.txt"))],
    "gh-subset": ["gh1000/R1_10_1.vrp", "gh1000/RC2_10_1.vrp"],
    "gh-all": [f"gh1000/{p.name}" for p in sorted((BENCH / "gh1000").glob("*.vrp"))],
}

CONFIGS: dict[str, dict[str, Any]] = {
    # What main shipped before issue 8: PCI + GLS, full neighbourhoods at every size.
    "base": {"config": SearchConfig(bandit_operators=False), "strategy": "whole_day"},
    # Today's default: size rules of search_parameters.
    "default": {"config": None},
    "gls_nb04": {"config": SearchConfig(neighbors_ratio=0.04)},
    # Two processes per instance: run with --workers 1.
    "portfolio": {"portfolio": True},
    "decomp": {"config": None, "decompose": True},
    "decomp_sav10": {
        "config": SearchConfig(first_solution="SAVINGS"),
        "decompose": True,
        "first_share": 0.1,
    },
    "decomp_g200": {"config": None, "decompose": True, "group_jobs": 200, "group_seconds": 4.0},
    "decomp_g200_f10": {
        "config": None,
        "decompose": True,
        "group_jobs": 200,
        "group_seconds": 4.0,
        "first_share": 0.1,
    },
    "decomp_g300_f10": {
        "config": None,
        "decompose": True,
        "group_jobs": 300,
        "group_seconds": 6.0,
        "first_share": 0.1,
    },
    "decomp_nomab": {"config": SearchConfig(bandit_operators=False), "decompose": True},
    "whole_mab": {"config": SearchConfig(), "strategy": "whole_day"},
    "decomp_f10": {"config": None, "decompose": True, "first_share": 0.1},
    "savings_gls": {"config": SearchConfig(first_solution="SAVINGS")},
    "lci_gls": {"config": SearchConfig(first_solution="LOCAL_CHEAPEST_INSERTION")},
    "sa": {"config": SearchConfig(metaheuristic="SIMULATED_ANNEALING")},
    "tabu": {"config": SearchConfig(metaheuristic="TABU_SEARCH")},
    "sweep_gls": {"config": SearchConfig(construction="sweep")},
    "gls_l02": {"config": SearchConfig(overrides="guided_local_search_lambda_coefficient: 0.2")},
    "gls_l005": {"config": SearchConfig(overrides="guided_local_search_lambda_coefficient: 0.05")},
    "gls_fullpath": {
        "config": SearchConfig(overrides="local_search_operators { use_full_path_lns: BOOL_TRUE }")
    },
    "gls_reset": {
        "config": SearchConfig(
            overrides="guided_local_search_reset_penalties_on_new_best_solution: true"
        )
    },
    "gls_mab": {
        "config": SearchConfig(overrides="use_multi_armed_bandit_concatenate_operators: true")
    },
    "gls_penops": {
        "config": SearchConfig(
            overrides="use_guided_local_search_penalties_in_local_search_operators: true"
        )
    },
    "gls_nolk": {
        "config": SearchConfig(overrides="local_search_operators { use_lin_kernighan: BOOL_FALSE }")
    },
    "gls_nb10pct": {"config": SearchConfig(neighbors_ratio=0.1)},
    "gls_nb20pct": {"config": SearchConfig(neighbors_ratio=0.2)},
    "gls_nb02": {"config": SearchConfig(neighbors_ratio=0.02)},
}


def _checker() -> Any:
    spec = importlib.util.spec_from_file_location("check_vrptw_plan", CHECKER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference(instance: str) -> float:
    """Reference cost: REFERENCE.csv for Solomon, the ``.sol`` file's last line for GH."""
    path = BENCH / instance
    if path.suffix == ".txt":
        for line in (BENCH / "solomon/REFERENCE.csv").read_text().splitlines()[1:]:
            name, cost, _ = line.split(",")
            if name == path.stem:
                return float(cost)
        raise KeyError(instance)
    return float(path.with_suffix(".sol").read_text().strip().splitlines()[-1].split()[-1])


def run_one(instance: str, config_name: str, time_limit: float, seed: int) -> dict[str, Any]:
    """Solve, validate twice, return one result row."""
    path = BENCH / instance
    problem = read_solomon(path) if path.suffix == ".txt" else read_vrplib(path)
    started = time.perf_counter()
    spec = dict(CONFIGS[config_name])
    if spec.pop("portfolio", False):
        plan = solve_portfolio(problem, time_limit=time_limit)
    elif spec.pop("decompose", False):
        engine = OrTools(spec.pop("config"))
        plan = decomposed(problem, engine, deadline=Deadline.after(time_limit), seed=seed, **spec)
    else:
        plan = solve(problem, time_limit=time_limit, seed=seed, engine="ortools", **spec)
    wall = time.perf_counter() - started
    violations = validate(problem, plan)
    checker = _checker()
    routes = [[int(s.job_id) for s in r.stops] for r in plan.routes]
    ok, checked_cost, why = checker.check(checker.load(str(path)), routes)
    cost = sum(r.distance_m for r in plan.routes) / 1000
    ref = reference(instance)
    return {
        "instance": path.stem,
        "class": re.match(r"[A-Z]+\d", path.stem).group(0)
        if path.suffix == ".txt"
        else path.stem.split("_")[0],
        "config": config_name,
        "time_limit": time_limit,
        "wall_s": round(wall, 1),
        "cost": cost,
        "checker_cost": checked_cost,
        "feasible": bool(ok) and not violations and not plan.unassigned,
        "why": why or (violations[0].message if violations else ""),
        "vehicles": len(plan.routes),
        "gap_pct": round(100 * (cost / ref - 1), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", default="solomon-subset", choices=sorted(SETS))
    parser.add_argument("--time", type=float, default=10.0)
    parser.add_argument("--config", action="append", required=True, choices=sorted(CONFIGS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="append JSON lines here")
    args = parser.parse_args()
    jobs = [(i, c) for c in args.config for i in SETS[args.set]]
    rows = []
    with ProcessPoolExecutor(args.workers) as pool:
        futures = [pool.submit(run_one, i, c, args.time, args.seed) for i, c in jobs]
        for future in futures:
            row = future.result()
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.out:
                with args.out.open("a") as fh:
                    fh.write(json.dumps(row) + "\n")
    by: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in rows:
        gap = row["gap_pct"] if row["feasible"] else float("nan")
        by[(row["config"], row["class"])].append(gap)
        by[(row["config"], "all")].append(gap)
    classes = sorted({k[1] for k in by if k[1] != "all"}) + ["all"]
    print("| config | " + " | ".join(classes) + " |")
    print("| --- " * (len(classes) + 1) + "|")
    for c in args.config:
        cells = [f"{statistics.fmean(by[(c, k)]):.2f} %" for k in classes]
        print(f"| {c} | " + " | ".join(cells) + " |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Ruin-and-recreate alone on TRSP instances for a fixed number of steps: its speed (steps a
second) and the working time it reaches, free of the machine's load (issue 16).

    python benchmarks/experiments/trsp_ruin_steps.py --steps 3000 C101 R101 RC101

A step limit makes each run repeatable, so two versions of the code (one run from a worktree
of the other commit) can be compared step for step; gaps are to the best-known working times,
with each leg rounded up to a whole second as the module costs it.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from dispatchopt import read_trsp  # noqa: E402
from dispatchopt.solvers.compiled import compile_problem  # noqa: E402
from dispatchopt.solvers.engines.restock import (  # noqa: E402
    restock_routes,
    routes_working_time,
    ruin_and_recreate,
)

TRSP = ROOT.parent / "shared" / "benchmarks" / "trsp"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instances", nargs="+", help="names such as R101, or paths")
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    with (TRSP / "BKS.csv").open() as f:
        bks = {row[0]: float(row[1]) for row in csv.reader(f) if row and row[0] != "instance"}
    gaps = []
    for name in args.instances:
        path = Path(name) if name.endswith(".txt") else TRSP / f"{name}.txt"
        cp = compile_problem(read_trsp(path))
        start = restock_routes(cp)
        for seed in args.seeds:
            began = time.perf_counter()
            routes = ruin_and_recreate(cp, start, 1e9, seed, args.steps)
            wall = time.perf_counter() - began
            minutes = routes_working_time(cp, routes) / 60
            gap = 100 * (minutes / bks[path.stem] - 1)
            gaps.append(gap)
            print(
                f"{path.stem} seed {seed}: {args.steps} steps in {wall:.1f} s "
                f"({args.steps / wall:.0f}/s), working time {minutes:.1f}, gap {gap:.2f} %",
                flush=True,
            )
    print(f"mean gap {sum(gaps) / len(gaps):.2f} % over {len(gaps)} runs")


if __name__ == "__main__":
    main()

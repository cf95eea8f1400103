"""Benchmark: does OR-Tools restore a valid 500-job plan as a warm start on a busy machine?

Run from the repository root: ``python benchmarks/warm_start_load.py`` (about two minutes).
Writes ``benchmarks/results/warm_start_load.md``.

The day is ``generate_day(500, 80, seed=1)``, planned once (``--plan-s`` seconds). Then, with
``--busy`` processes spinning on the CPUs, the OR-Tools engine is handed that plan, every time
fixed, with a search of one solution, ``--tries`` times per setting of OR-Tools'
``lns_time_limit``: its default (100 ms) and ours (``lns_milliseconds``). A try succeeds when
the engine's first solution is the given plan (status 1 or 2), and fails when the restore is
refused (status 3), after which ``search`` would have to look for a schedule itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dispatchopt.models import Plan  # noqa: E402
from dispatchopt.scenarios.generator import generate_day  # noqa: E402
from dispatchopt.solvers.compiled import CompiledProblem, compile_problem  # noqa: E402
from dispatchopt.solvers.engines.ortools.engine import (  # noqa: E402
    _timed_assignment,
    start_from_plan,
)
from dispatchopt.solvers.engines.ortools.model import build_routing_model  # noqa: E402
from dispatchopt.solvers.engines.ortools.params import (  # noqa: E402
    lns_milliseconds,
    search_parameters,
)
from dispatchopt.solvers.front_door import solve  # noqa: E402
from dispatchopt.solvers.stop import Deadline  # noqa: E402
from dispatchopt.validate import validate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def restore(cp: CompiledProblem, plan: Plan, lns_ms: int) -> tuple[int, float]:
    """OR-Tools' status and the seconds it took to take ``plan`` as its first solution."""
    build = build_routing_model(cp)
    params = search_parameters(Deadline.after(10, max_solutions=1), len(cp.jobs))
    params.lns_time_limit.FromMilliseconds(lns_ms)
    build.routing.CloseModelWithParameters(params)
    timed = _timed_assignment(build, start_from_plan(cp, plan))
    assert timed is not None
    started = time.perf_counter()
    build.routing.SolveFromAssignmentWithParameters(timed, params)
    return build.routing.status(), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan-s", type=float, default=20.0)
    parser.add_argument("--busy", type=int, default=3, help="spinning processes")
    parser.add_argument("--tries", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "warm_start_load.md")
    args = parser.parse_args()
    problem = generate_day(500, 80, seed=1)
    plan = solve(problem, time_limit=args.plan_s)
    assert validate(problem, plan) == []
    cp = compile_problem(problem)
    settings = [
        ("OR-Tools default", 100),
        ("dispatchopt (lns_milliseconds)", lns_milliseconds(len(cp.jobs))),
    ]
    rows = []
    for busy in (0, args.busy):
        spinners = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)
        ]
        try:
            time.sleep(1.0 if busy else 0.0)
            for label, ms in settings:
                runs = [restore(cp, plan, ms) for _ in range(args.tries)]
                ok = sum(status in (1, 2) for status, _ in runs)
                slowest = max(seconds for _, seconds in runs)
                rows.append((busy, label, ms, ok, slowest, sorted({s for s, _ in runs})))
                print(rows[-1], flush=True)
        finally:
            for p in spinners:
                p.kill()
    lines = [
        "# Restoring a 500-job warm start on a busy machine",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; `python "
        f"benchmarks/warm_start_load.py --plan-s {args.plan_s:g} --busy {args.busy} --tries "
        f"{args.tries}`. Method: the script's docstring. The plan: {len(plan.routes)} routes, "
        f"{sum(len(r.jobs) for r in plan.routes)} jobs, 0 violations.",
        "",
        "| busy processes | lns_time_limit | ms | restored | slowest s | statuses |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for busy, label, ms, ok, slowest, statuses in rows:
        lines.append(
            f"| {busy} | {label} | {ms} | {ok}/{args.tries} | {slowest:.2f} | "
            f"{', '.join(map(str, statuses))} |"
        )
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

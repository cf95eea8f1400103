"""Plan the shipped Lyon day through the Python API, check the plan, and print it.

Run ``python examples/plan_with_api.py [--time-limit SECONDS]`` from the repository root.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from dispatchopt import load_problem, solve, validate, write_plan
from dispatchopt.io.report import print_plan, print_violations


def main() -> None:
    """Load, solve, validate, print, and write ``plan.json``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=Path("plan.json"))
    args = parser.parse_args()

    problem = load_problem(Path(__file__).with_name("city_day.json"))
    plan = solve(problem, time_limit=args.time_limit, seed=0)
    violations = validate(problem, plan)

    console = Console()
    print_plan(plan, console)
    print_violations(violations, console)
    for item in plan.unassigned:  # every job left out says why, in words and as a code
        console.print(f"{item.job_id} -> {item.reason}: {item.detail}")
    write_plan(plan, args.out)
    raise SystemExit(1 if violations else 0)


if __name__ == "__main__":
    main()

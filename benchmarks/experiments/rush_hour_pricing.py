"""Rush-hour pricing on the example day on roads, same seed and time limit, one run each:
slowest hour of the shift; departure spans from the job windows; and those plus a second pass
priced at the first plan's departures (validator-gated).

    python benchmarks/experiments/rush_hour_pricing.py [--time-limit 10]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

import dispatchopt.solvers.compiled.compile as compile_module  # noqa: E402
from dispatchopt.io import load_problem  # noqa: E402
from dispatchopt.matrices import problem_matrices  # noqa: E402
from dispatchopt.models import Plan, Problem  # noqa: E402
from dispatchopt.solvers.front_door import solve  # noqa: E402
from dispatchopt.validate import validate  # noqa: E402


def exact_driving_s(problem: Problem, plan: Plan) -> int:
    """Driving seconds of ``plan`` at each leg's real departure time (what the validator uses)."""
    mats = problem_matrices(problem)
    epoch = problem.epoch()
    total = 0
    for route in plan.routes:
        vehicle = problem.engineer_by_id[route.engineer_id].vehicle_profile
        here, leaves = mats.start_point[route.engineer_id], route.departure
        for stop in route.stops:
            there = (mats.depot_point if stop.kind == "pickup" else mats.job_point)[stop.job_id]
            total += mats.duration_at(here, there, int((leaves - epoch).total_seconds()), vehicle)
            here, leaves = there, stop.end
        home = mats.end_point[route.engineer_id]
        total += mats.duration_at(here, home, int((leaves - epoch).total_seconds()), vehicle)
    return total


def main() -> None:
    """Solve the road day both ways and print served jobs, driving and cost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    problem = load_problem(ROOT / "examples" / "city_day_roads.json")
    spans = compile_module._departure_spans
    variants = (
        ("slowest hour of the shift", False, False),
        ("window spans, one pass", True, False),
        ("window spans + second pass on the first plan's departures", True, True),
    )
    for label, use_spans, use_second_pass in variants:
        compile_module._departure_spans = (  # type: ignore[assignment]
            spans if use_spans else (lambda jobs, hints: {})
        )
        strategy = "departure_pass" if use_second_pass else "whole_day"
        plan = solve(
            problem, time_limit=args.time_limit, seed=0, engine="ortools", strategy=strategy
        )
        s = plan.summary
        assert s is not None
        exact = exact_driving_s(problem, plan)
        print(
            f"{label}: exact driving {exact / 3600:.2f} h, "
            f"valid {validate(problem, plan) == []}, served {s.jobs_served}/"
            f"{s.jobs_total}, driving {s.travel_s / 3600:.2f} h, {s.distance_km:.1f} km, "
            f"working {s.working_s / 3600:.1f} h, cost {s.cost:.2f}"
        )


if __name__ == "__main__":
    main()

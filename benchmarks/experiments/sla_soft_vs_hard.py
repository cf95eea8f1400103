"""Plan the shipped example with soft and with hard SLA deadlines and compare the figures.

    python benchmarks/experiments/sla_soft_vs_hard.py [--time-limit 5] [--seed 0]

Prints, per mode: validator violations, jobs served, travel, route cost, SLA compliance per tier
(the summary's and the validator's independent recount), and which jobs start late or are left.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from dispatchopt.io import load_problem  # noqa: E402
from dispatchopt.solvers.front_door import solve  # noqa: E402
from dispatchopt.validate import recompute_sla_compliance, validate  # noqa: E402


def main() -> None:
    """Solve the example twice (soft, hard) and print one block per mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--problem", type=Path, default=ROOT / "examples" / "city_day.json")
    args = parser.parse_args()
    base = load_problem(args.problem)
    for kind in ("soft", "hard"):
        mode = base.sla_mode.model_copy(update={"kind": kind})
        problem = base.model_copy(update={"sla_mode": mode})
        plan = solve(problem, time_limit=args.time_limit, seed=args.seed)
        s = plan.summary
        assert s is not None
        late = [
            st.job_id
            for r in plan.routes
            for st in r.jobs
            if st.sla_slack_s is not None and st.sla_slack_s < 0
        ]
        print(
            f"{kind}: violations {len(validate(problem, plan))}, served {s.jobs_served}/"
            f"{s.jobs_total}, travel {s.travel_s / 60:.1f} min / {s.distance_km:.1f} km, "
            f"cost {s.cost:.2f}, pickups {s.pickups}"
        )
        print(
            f"  SLA compliance {s.sla_compliance} (validator: "
            f"{recompute_sla_compliance(problem, plan)}); late: {late}"
        )
        print(f"  unassigned: {[(u.job_id, str(u.reason)) for u in plan.unassigned]}")


if __name__ == "__main__":
    main()

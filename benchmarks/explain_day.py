"""How long explaining a generated day takes: the cost table and counterfactuals for every job
left out (``dispatchopt explain``'s work), on a plan from the front door.

    python benchmarks/explain_day.py --size 500 --engineers 50 --time-limit 20
"""

from __future__ import annotations

import argparse
import time

from dispatchopt import solve, validate
from dispatchopt.explain import apply_counterfactual, explain
from dispatchopt.scenarios import generate_day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--engineers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--budget", type=float, default=5.0)
    args = parser.parse_args()
    problem = generate_day(args.size, args.engineers, args.seed)
    plan = solve(problem, time_limit=args.time_limit, seed=args.seed)
    started = time.perf_counter()
    result = explain(problem, plan, budget_s=args.budget)
    took = time.perf_counter() - started
    offers = [(u.job_id, c) for u in result.plan.unassigned for c in u.counterfactuals]
    rechecked = 0
    for job_id, change in offers:
        applied = apply_counterfactual(problem, plan, job_id, change)
        if applied is not None and not validate(*applied):
            rechecked += 1
    kinds: dict[str, int] = {}
    for _, change in offers:
        kinds[change.kind] = kinds.get(change.kind, 0) + 1
    with_offer = sum(1 for u in result.plan.unassigned if u.counterfactuals)
    print(
        f"day {args.size}/{args.engineers} seed {args.seed}: {len(plan.unassigned)} left out; "
        f"explained in {took:.2f} s (budget {args.budget:g} s); {with_offer} with at least one "
        f"offer, {len(offers)} offers {dict(sorted(kinds.items()))}; {rechecked}/{len(offers)} "
        "re-applied independently serve the job in a valid plan"
    )


if __name__ == "__main__":
    main()

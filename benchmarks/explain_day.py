"""How long explaining a generated day takes: the cost table, counterfactuals for every job left
out and the next-best engineer for every planned job (``dispatchopt explain``'s work), on a plan
from the front door (or ``--plan``). Wall-clock and CPU seconds are printed (the CPU figure is
what a shared machine's load does not inflate). Every offer is then re-applied independently
and fully validated.

    python benchmarks/explain_day.py --size 500 --engineers 50 --time-limit 20
"""

from __future__ import annotations

import argparse
import time

from dispatchopt import solve, validate
from dispatchopt.explain import apply_alternative, apply_counterfactual, explain
from dispatchopt.models import Plan
from dispatchopt.scenarios import generate_day
from dispatchopt.solvers.objective import plan_score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--engineers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--budget", type=float, default=5.0)
    parser.add_argument("--plan", help="Explain this plan JSON instead of solving the day.")
    args = parser.parse_args()
    problem = generate_day(args.size, args.engineers, args.seed)
    if args.plan:
        with open(args.plan, encoding="utf-8") as f:
            plan = Plan.from_json(f.read())
    else:
        plan = solve(problem, time_limit=args.time_limit, seed=args.seed)
    served = sum(len(r.jobs) for r in plan.routes)
    print(
        f"day {args.size}/{args.engineers} seed {args.seed}: {served} planned, "
        f"{len(plan.unassigned)} left out"
    )

    started, cpu = time.perf_counter(), time.process_time()
    alone = explain(problem, plan, budget_s=args.budget, alternatives=False)
    took_cf, cpu_cf = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    result = explain(problem, plan, budget_s=args.budget)
    took, cpu_all = time.perf_counter() - started, time.process_time() - cpu

    offers = [(u.job_id, c) for u in result.plan.unassigned for c in u.counterfactuals]
    rechecked = 0
    for job_id, change in offers:
        applied = apply_counterfactual(problem, plan, job_id, change)
        if applied is not None and not validate(*applied) and applied[1].route_of(job_id):
            rechecked += 1
    kinds: dict[str, int] = {}
    for _, change in offers:
        kinds[change.kind] = kinds.get(change.kind, 0) + 1
    with_offer = sum(1 for u in result.plan.unassigned if u.counterfactuals)
    found = [a for a in result.alternatives.values() if a is not None]
    before = plan_score(problem, plan).total
    moved = 0
    for alt in found:
        after = apply_alternative(problem, plan, alt)
        if (
            after is not None
            and not validate(problem, after)
            and abs(plan_score(problem, after).total - before - alt.added_cost) < 0.011
        ):
            moved += 1
    alone_offer = sum(1 for u in alone.plan.unassigned if u.counterfactuals)
    print(
        f"counterfactuals only: {took_cf:.2f} s ({cpu_cf:.2f} s CPU), {alone_offer} jobs with an "
        f"offer\nwhole explanation: {took:.2f} s ({cpu_all:.2f} s CPU; budget {args.budget:g} s); "
        f"{with_offer} left-out jobs "
        f"with at least one offer, {len(offers)} offers {dict(sorted(kinds.items()))}, "
        f"{rechecked}/{len(offers)} re-applied serve the job in a valid plan; next best "
        f"looked for on {len(result.alternatives)}/{served} planned jobs, found for "
        f"{len(found)}, {moved}/{len(found)} re-applied valid with the cost they state"
    )


if __name__ == "__main__":
    main()

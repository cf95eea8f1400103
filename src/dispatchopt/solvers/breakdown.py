"""A plan's objective term by term: what each rule, engineer and job adds to it.

The terms are the ones :func:`~dispatchopt.solvers.objective.plan_score` sums (one code path),
so the breakdown adds up to the objective a plan reports. Route-wide terms (working time,
distance, fixed cost, overtime) belong to the engineer; terms for one visit (SLA and soft-window
lateness, a non-preferred engineer, first-time-fix risk) and the penalty of a job left out
belong to the job too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatchopt.models import CostTerm, Plan, Problem
from dispatchopt.solvers.objective import drop_penalty, route_terms


@dataclass(frozen=True)
class CostBreakdown:
    """``total`` = the sum of ``by_term``; ``by_engineer`` and ``by_job`` split the same amounts."""

    total: float
    by_term: dict[str, float]
    by_engineer: dict[str, dict[str, float]] = field(default_factory=dict)
    by_job: dict[str, dict[str, float]] = field(default_factory=dict)


def cost_breakdown(problem: Problem, plan: Plan) -> CostBreakdown:
    """The objective of ``plan`` under ``problem``, by term, by engineer and by job."""
    by_term: dict[str, float] = {}
    by_engineer: dict[str, dict[str, float]] = {}
    by_job: dict[str, dict[str, float]] = {}

    def book(into: dict[str, float], name: str, amount: float) -> None:
        into[name] = into.get(name, 0.0) + amount

    for route in plan.routes:
        mine = by_engineer.setdefault(route.engineer_id, {})
        for (name, job_id), amount in route_terms(problem, route).items():
            book(by_term, name, amount)
            book(mine, name, amount)
            if job_id is not None:
                book(by_job.setdefault(job_id, {}), name, amount)
    for item in plan.unassigned:
        amount = drop_penalty(problem, item.job_id)
        if amount:
            book(by_term, str(CostTerm.UNASSIGNED), amount)
            book(by_job.setdefault(item.job_id, {}), str(CostTerm.UNASSIGNED), amount)
    ordered = {name: by_term[name] for name in sorted(by_term)}
    return CostBreakdown(
        total=sum(ordered.values()),
        by_term=ordered,
        by_engineer={e: dict(sorted(t.items())) for e, t in sorted(by_engineer.items())},
        by_job={j: dict(sorted(t.items())) for j, t in sorted(by_job.items())},
    )


__all__ = ["CostBreakdown", "cost_breakdown"]

"""A plan's objective term by term: what each rule, engineer and job adds to it.

The terms are the ones :func:`~dispatchopt.solvers.objective.plan_score` sums (one code path),
so the breakdown adds up to the objective a plan reports. Route-wide terms (working time,
distance, fixed cost, overtime) belong to the engineer; terms for one visit (SLA and soft-window
lateness, a non-preferred engineer, first-time-fix risk, a job outside a soft territory,
continuity forgone), a provider's fee and the penalty of a job left out belong to the job too;
the balance term belongs to each engineer off their fair share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatchopt.models import CostTerm, Plan, Problem
from dispatchopt.solvers.objective import BALANCE_KEY, drop_penalty, plan_terms, route_terms


@dataclass(frozen=True)
class CostBreakdown:
    """``total`` = the sum of ``by_term``; ``by_engineer`` and ``by_job`` split the same amounts
    (``by_engineer`` also holds each provider, by its id, with the fees it is paid)."""

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
    provider_of = {o.job_id: o.provider_id for o in plan.outsourced}
    for (name, key), amount in plan_terms(problem, plan).items():
        book(by_term, name, amount)
        if key is not None and key.startswith(BALANCE_KEY):
            book(by_engineer.setdefault(key.removeprefix(BALANCE_KEY), {}), name, amount)
        elif key is not None:
            # A provider's fee is booked to the provider, as a route's cost to its engineer.
            book(by_job.setdefault(key, {}), name, amount)
            book(by_engineer.setdefault(provider_of[key], {}), name, amount)
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

"""A plan explained: its objective term by term, what would let each job left out in, and for
each planned job the next-best engineer."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from dispatchopt.explain._trial import Trial
from dispatchopt.explain.alternative import Alternative, next_best
from dispatchopt.explain.counterfactuals import find
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.breakdown import CostBreakdown, cost_breakdown
from dispatchopt.validate import validate

BUDGET_S = 5.0
"""Seconds :func:`explain` may spend on counterfactuals and alternatives for the whole plan."""


@dataclass(frozen=True)
class Explanation:
    """``breakdown`` of the plan's objective; ``plan`` with each unassigned job's
    counterfactuals filled in; ``alternatives``: for each planned job reached within the
    budget, its next-best engineer (``None``: no other engineer near it can take it)."""

    breakdown: CostBreakdown
    plan: Plan
    alternatives: dict[str, Alternative | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON-ready data (``dispatchopt explain --json``)."""
        b = self.breakdown
        return {
            "objective": b.total,
            "cost_breakdown": {
                "by_term": b.by_term,
                "by_engineer": b.by_engineer,
                "by_job": b.by_job,
            },
            "unassigned": [u.model_dump(mode="json") for u in self.plan.unassigned],
            "alternatives": [
                a.model_dump(mode="json") for a in self.alternatives.values() if a is not None
            ],
            "without_alternative": sorted(j for j, a in self.alternatives.items() if a is None),
        }


def explain(
    problem: Problem,
    plan: Plan,
    *,
    budget_s: float = BUDGET_S,
    alternatives: bool = True,
    jobs: list[str] | None = None,
) -> Explanation:
    """The cost table of ``plan`` and, within ``budget_s``, what would let each job left out
    in, then (``alternatives``) each planned job's next-best engineer; jobs beyond the budget
    keep an empty list and no alternative. ``jobs`` narrows both to those ids."""
    until = time.perf_counter() + budget_s
    trial = Trial(problem, plan, until, full_check=bool(validate(problem, plan)))
    wanted = None if jobs is None else set(jobs)
    items = []
    for item in plan.unassigned:
        if (wanted is None or item.job_id in wanted) and not trial.out_of_time:
            item = item.model_copy(update={"counterfactuals": find(trial, item.job_id)})
        items.append(item)
    found: dict[str, Alternative | None] = {}
    if alternatives:
        for route in plan.routes:
            for stop in route.jobs:
                if trial.out_of_time:
                    break
                if wanted is None or stop.job_id in wanted:
                    best = next_best(trial, stop.job_id)
                    found[stop.job_id] = None if best is None else best[0]
    explained = plan.model_copy(update={"unassigned": items})
    return Explanation(cost_breakdown(problem, plan), explained, found)


__all__ = ["BUDGET_S", "Explanation", "explain"]

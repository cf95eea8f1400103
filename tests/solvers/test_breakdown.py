"""The objective term by term: the breakdown adds up to the objective the plan reports, and
splits the same amounts by engineer and by job."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatchopt import solve
from dispatchopt.io import load_problem
from dispatchopt.models import Plan, Problem
from dispatchopt.scenarios import generate_day
from dispatchopt.solvers.breakdown import cost_breakdown
from dispatchopt.solvers.objective import plan_score

EXAMPLE = Path(__file__).parents[2] / "examples" / "city_day.json"


def _check(problem: Problem, plan: Plan) -> None:
    breakdown = cost_breakdown(problem, plan)
    assert plan.summary is not None
    assert plan.summary.objective == sum(plan.summary.cost_breakdown.values())
    assert plan.summary.cost_breakdown == breakdown.by_term
    assert breakdown.total == pytest.approx(plan_score(problem, plan).total, rel=1e-12)
    engineers = sum(sum(t.values()) for t in breakdown.by_engineer.values())
    unassigned = breakdown.by_term.get("unassigned", 0.0)
    assert engineers + unassigned == pytest.approx(breakdown.total, rel=1e-12)
    per_job = {name: 0.0 for name in breakdown.by_term}
    for terms in breakdown.by_job.values():
        for name, amount in terms.items():
            per_job[name] += amount
    # Job terms never exceed their rule's total; route-wide terms are the engineers' only.
    for name, amount in per_job.items():
        assert amount <= breakdown.by_term[name] + 1e-9


def test_the_shipped_example_breaks_down_to_its_objective() -> None:
    problem = load_problem(EXAMPLE)
    plan = solve(problem, time_limit=2)
    _check(problem, plan)
    terms = plan.summary.cost_breakdown  # type: ignore[union-attr]
    # The example prices SLA lateness per tier, its rooftop job's penalty and real money.
    assert "unassigned" in terms and "working_time" in terms and "distance" in terms
    assert plan.summary.objective != plan.summary.cost  # type: ignore[union-attr]


@pytest.mark.parametrize("seed", [0, 1])
def test_generated_days_break_down_to_their_objective(seed: int) -> None:
    problem = generate_day(40, 5, seed)
    _check(problem, solve(problem, time_limit=1, seed=seed))

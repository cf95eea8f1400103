"""A plan's objective computed from the plan: route costs and what dropped jobs cost."""

from __future__ import annotations

from datetime import date

import pytest

from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.solvers.objective import drop_penalty, plan_score, route_cost, weighted_service
from tests.days import Day

DAY = Day(date(2025, 6, 2))


def one_engineer_two_jobs_one_too_many():  # type: ignore[no-untyped-def]
    """Ana at 40/h and 0.5/km; an urgent job 10 km east she can do, and a second one whose
    window has closed before she could get there."""
    return DAY.problem(
        [
            DAY.job("urgent", 10, 0, 60, [("09:00", "10:00")], priority=5),
            DAY.job("late", 30, 0, 60, [("08:00", "08:10")], optional=True, penalty=80),
        ],
        [DAY.engineer("ana", cost_per_hour=40, cost_per_km=0.5, shift=("08:00", "12:00"))],
    )


def test_the_score_is_the_route_cost_plus_the_penalties_of_jobs_left_out() -> None:
    day = one_engineer_two_jobs_one_too_many()
    plan = solve_greedy(day)
    (route,) = plan.routes
    assert [u.job_id for u in plan.unassigned] == ["late"]
    hours = (route.arrival - route.departure).total_seconds() / 3600
    assert route_cost(day, route) == pytest.approx(40 * hours + 0.5 * 20)
    assert plan.summary is not None
    assert plan_score(day, plan).total == pytest.approx(plan.summary.cost + 80, abs=0.01)
    assert plan_score(day, plan).dropped == 80
    assert weighted_service(day, plan) == 6


def test_a_mandatory_job_weighs_its_priority_and_a_locked_one_ten_times_more() -> None:
    day = DAY.problem(
        [
            DAY.job("p3", 1, 0, priority=3),
            DAY.job("locked", 2, 0, lock={"engineer_id": "ana"}),
        ],
        [DAY.engineer("ana")],
    )
    assert drop_penalty(day, "p3") == 4 * day.objective.unassigned_penalty
    assert drop_penalty(day, "locked") == 10 * day.objective.unassigned_penalty

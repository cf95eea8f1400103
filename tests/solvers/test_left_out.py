"""Why a job is left out comes from what kept it out: no room, or a place dearer than its
penalty (each with the figures a dispatcher can check)."""

from __future__ import annotations

from datetime import date

from dispatchopt import solve, validate
from dispatchopt.models import UnassignedReason
from tests.days import Day

DAY = Day(date(2026, 6, 2))


def test_an_optional_job_with_no_room_is_not_called_too_dear() -> None:
    # Ana works 08:00-11:00. A mandatory 2-hour repair fills most of it; an optional 2-hour
    # service with a 50 000 penalty simply does not fit beside it.
    day = DAY.problem(
        [
            DAY.job("repair", 5, minutes=120),
            DAY.job("service", 6, minutes=120, optional=True, penalty=50_000),
        ],
        [DAY.engineer("ana", shift=("08:00", "11:00"))],
        objective={"kind": "cost"},
    )
    plan = solve(day, time_limit=1)
    assert validate(day, plan) == []
    assert [s.job_id for r in plan.routes for s in r.stops] == ["repair"]
    (left,) = plan.unassigned
    assert (left.job_id, left.reason) == ("service", UnassignedReason.CAPACITY)
    assert "no room" in left.detail and "penalty" not in left.detail


def test_an_optional_job_far_away_is_not_worth_its_small_penalty() -> None:
    # A gutter check 100 km out (200 min of driving there and back) is worth 1 to the business.
    day = DAY.problem(
        [DAY.job("near", 5), DAY.job("gutter", 100, minutes=15, optional=True, penalty=1)],
        [DAY.engineer("ana")],
        objective={"kind": "travel_time"},
    )
    plan = solve(day, time_limit=1)
    assert validate(day, plan) == []
    (left,) = plan.unassigned
    assert (left.job_id, left.reason) == ("gutter", UnassignedReason.NOT_WORTH_ITS_PENALTY)
    # Cheapest: next to "near" (5 km + 95 km + 100 km instead of 5 + 5): 190 min = 3.17 h.
    assert "add 3.17" in left.detail and "(cheapest: ana between " in left.detail
    assert "penalty (1)" in left.detail


def test_a_mandatory_job_without_room_says_how_much_time_was_free() -> None:
    day = DAY.problem(
        [DAY.job("a", 5, minutes=150), DAY.job("b", 6, minutes=150)],
        [DAY.engineer("ana", shift=("08:00", "12:00"))],
    )
    plan = solve(day, time_limit=1)
    (left,) = plan.unassigned
    assert left.reason == UnassignedReason.CAPACITY
    # 4 h shift, 150 min on site and 10 min of driving: 80 min free, 150 needed.
    assert "its 150 min" in left.detail and "free time in their days: 80 min" in left.detail

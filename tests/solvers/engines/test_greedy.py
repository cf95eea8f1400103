"""The greedy baseline: valid plans, nearest engineer first, and reasons for what it leaves."""

from __future__ import annotations

from dispatchopt.models import UnassignedReason
from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.validate import validate
from tests.solvers.scenarios import engineer, fridge_and_boiler_day, job, problem


def test_greedy_plans_the_fridge_and_boiler_day_validly() -> None:
    day = fridge_and_boiler_day()
    plan = solve_greedy(day)
    assert validate(day, plan) == []
    served = {s.job_id for r in plan.routes for s in r.stops}
    assert served | {u.job_id for u in plan.unassigned} == {j.id for j in day.jobs}


def test_greedy_sends_the_nearest_engineer() -> None:
    day = problem(
        [job("west", 1, 0), job("east", 19, 0)], [engineer("ana", 0, 0), engineer("ben", 20, 0)]
    )
    plan = solve_greedy(day)
    assert {r.engineer_id: [s.job_id for s in r.stops] for r in plan.routes} == {
        "ana": ["west"],
        "ben": ["east"],
    }


def test_greedy_takes_the_break_when_it_is_due() -> None:
    day = problem(
        [job(f"j{i}", i + 1, 0, 60) for i in range(6)],
        [engineer("ana", breaks=[("11:00", "12:30", 30)])],
    )
    plan = solve_greedy(day)
    assert validate(day, plan) == []
    assert len(plan.routes[0].breaks) == 1


def test_greedy_fills_the_day_then_explains() -> None:
    day = problem(
        [job(f"j{i}", 1, 0, 180) for i in range(4)], [engineer("ana", shift=("08:00", "15:00"))]
    )
    plan = solve_greedy(day)
    assert validate(day, plan) == []
    assert len(plan.routes[0].stops) == 2
    assert {u.reason for u in plan.unassigned} == {UnassignedReason.CAPACITY}


def test_break_taken_at_home_before_a_late_first_visit_is_not_working_time() -> None:
    # Found by hypothesis: the first visit is locked at 10:10, the 15-minute break must be taken
    # by 08:30, so the engineer takes it at home; the day must start at 10:10, not earlier, or
    # a 3-hour working limit is broken.
    day = problem(
        [
            job("late", 0, 0, 5, lock={"engineer_id": "ana", "start": "2025-06-02T10:10:00Z"}),
            job("next", 0, 0, 5),
            job("afternoon", 0, 0, 5, windows=[("13:00", "13:05")]),
        ],
        [
            engineer(
                "ana",
                shift=("07:00", "15:00"),
                breaks=[("08:00", "08:45", 15)],
                max_working_minutes=180,
            )
        ],
    )
    plan = solve_greedy(day)
    assert validate(day, plan) == []
    route = plan.routes[0]
    assert route.departure.strftime("%H:%M") == "10:10"
    assert [s.job_id for s in route.stops] == ["late", "next", "afternoon"]

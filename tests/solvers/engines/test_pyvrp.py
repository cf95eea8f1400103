"""The optional PyVRP engine: which days it takes, and that its plans keep every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pyvrp", reason="the PyVRP engine is an optional extra (pip install pyvrp)")

from dispatchopt.errors import InputError  # noqa: E402
from dispatchopt.io import read_solomon  # noqa: E402
from dispatchopt.models import Problem, UnassignedReason  # noqa: E402
from dispatchopt.solvers.engines.pyvrp import pyvrp_unsupported, solve_pyvrp  # noqa: E402
from dispatchopt.validate import validate  # noqa: E402
from tests.solvers.scenarios import at, engineer, job, problem  # noqa: E402

C101 = Path(__file__).resolve().parents[2] / "data" / "C101.txt"
DISTANCE = {"objective": {"kind": "distance"}}


def small_vrptw_day() -> Problem:
    """Two vans of capacity 3 at the depot (0, 0); six jobs of one unit with windows, three
    north and three south, so two routes are needed."""
    return problem(
        jobs=[
            job("n1", 0, 10, 20, [("08:00", "10:00")], demand=1),
            job("n2", 5, 20, 20, [("09:00", "12:00")], demand=1),
            job("n3", -5, 25, 20, [("10:00", "14:00")], demand=1),
            job("s1", 0, -10, 20, [("08:00", "11:00")], demand=1),
            job("s2", 5, -20, 20, demand=1),
            job("s3", -5, -25, 20, [("13:00", "15:00")], demand=1),
        ],
        engineers=[engineer("van1", capacity=3), engineer("van2", capacity=3)],
        **DISTANCE,
    )


def served(plan: object) -> set[str]:
    return {s.job_id for r in plan.routes for s in r.jobs}  # type: ignore[attr-defined]


def test_a_small_vrptw_day_is_served_in_full_and_validates() -> None:
    day = small_vrptw_day()
    assert pyvrp_unsupported(day) is None
    plan = solve_pyvrp(day, time_limit=0.3)
    assert validate(day, plan) == []
    assert served(plan) == {j.id for j in day.jobs}
    assert plan.unassigned == []
    assert len(plan.routes) == 2
    assert plan.summary is not None and plan.summary.solver == "pyvrp"
    assert plan.summary.objective == pytest.approx(plan.summary.distance_km)


def test_a_route_leaves_as_late_as_its_first_window_allows() -> None:
    # 30 km (30 min) away, window opens at 10:00: leaving at 08:00 would only mean waiting.
    day = problem(
        jobs=[job("far", 0, 30, 30, [("10:00", "11:00")])],
        engineers=[engineer("ana")],
        **DISTANCE,
    )
    plan = solve_pyvrp(day, time_limit=0.2)
    (route,) = plan.routes
    assert route.departure == at("09:30")
    assert route.stops[0].start == at("10:00")
    assert route.stops[0].wait_s == 0
    assert route.arrival == at("11:00")


def test_an_optional_job_with_a_small_prize_far_away_is_left_out() -> None:
    day = problem(
        jobs=[
            job("near", 0, 5, 30),
            job("far-upsell", 0, 100, 30, optional=True, penalty=1.0),
        ],
        engineers=[engineer("ana")],
        **DISTANCE,
    )
    plan = solve_pyvrp(day, time_limit=0.2)
    assert validate(day, plan) == []
    assert served(plan) == {"near"}
    (left,) = plan.unassigned
    assert left.job_id == "far-upsell"
    assert left.reason is UnassignedReason.NOT_WORTH_ITS_PENALTY


def test_an_overfull_day_comes_back_feasible_with_the_rest_unassigned() -> None:
    # One engineer, 08:00-10:00, three 50-minute jobs: at most two fit.
    day = problem(
        jobs=[job(f"j{i}", 0, 1, 50) for i in range(3)],
        engineers=[engineer("ana", shift=("08:00", "10:00"))],
        **DISTANCE,
    )
    plan = solve_pyvrp(day, time_limit=0.2)
    assert validate(day, plan) == []
    assert len(served(plan)) == 2
    (left,) = plan.unassigned
    assert left.reason is UnassignedReason.CAPACITY


def test_morning_and_afternoon_shifts_get_their_own_jobs() -> None:
    # Same depot, different shifts: two vehicle types; each route must go to the right engineer.
    day = problem(
        jobs=[
            job("am", 10, 0, 30, [("08:30", "10:00")]),
            job("pm", -10, 0, 30, [("14:00", "15:00")]),
        ],
        engineers=[
            engineer("early", shift=("08:00", "12:00")),
            engineer("late", shift=("13:00", "17:00")),
        ],
        **DISTANCE,
    )
    plan = solve_pyvrp(day, time_limit=0.2)
    assert validate(day, plan) == []
    assert {r.engineer_id: [s.job_id for s in r.stops] for r in plan.routes} == {
        "early": ["am"],
        "late": ["pm"],
    }


def test_a_day_with_breaks_is_not_for_pyvrp() -> None:
    day = problem(
        jobs=[job("a", 0, 5)],
        engineers=[engineer("ana", breaks=[("12:00", "13:00", 30)])],
    )
    assert "breaks" in (pyvrp_unsupported(day) or "")
    with pytest.raises(InputError, match="breaks"):
        solve_pyvrp(day, time_limit=0.2)


def test_a_skill_only_some_engineers_hold_is_not_for_pyvrp() -> None:
    day = problem(
        jobs=[job("boiler", 0, 5, skills=[{"skill": "gas", "level": 2}])],
        engineers=[engineer("ana", skills={"gas": 2}), engineer("ben")],
    )
    assert "skills" in (pyvrp_unsupported(day) or "")


def test_a_skill_every_engineer_holds_is_fine() -> None:
    day = problem(
        jobs=[job("boiler", 0, 5, skills=[{"skill": "gas", "level": 1}])],
        engineers=[engineer("ana", skills={"gas": 2}), engineer("ben", skills={"gas": 1})],
    )
    assert pyvrp_unsupported(day) is None


def test_a_day_with_spare_parts_is_not_for_pyvrp() -> None:
    day = problem(
        jobs=[job("fridge", 0, 5, parts=[{"sku": "compressor"}])],
        engineers=[engineer("ana", van_stock={"compressor": 1})],
        parts=[{"sku": "compressor"}],
    )
    assert "parts" in (pyvrp_unsupported(day) or "")


def test_two_windows_and_precedence_are_not_for_pyvrp() -> None:
    two = problem(
        jobs=[job("a", 0, 5, windows=[("08:00", "09:00"), ("13:00", "14:00")])],
        engineers=[engineer("ana")],
    )
    assert "time window" in (pyvrp_unsupported(two) or "")
    chained = problem(
        jobs=[job("a", 0, 5), job("b", 0, 6, after=["a"])], engineers=[engineer("ana")]
    )
    assert "precedence" in (pyvrp_unsupported(chained) or "")


def test_solomon_c101_in_one_second_serves_all_100_customers() -> None:
    c101 = read_solomon(C101)
    plan = solve_pyvrp(c101, time_limit=1.0)
    assert validate(c101, plan) == []
    assert len(served(plan)) == 100
    # 827.3 is C101's optimum under DIMACS truncation; PyVRP finds it within a second here.
    assert sum(r.distance_m for r in plan.routes) / 1000 <= 827.3 * 1.01

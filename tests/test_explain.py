"""Explaining a plan: every change offered to let a job in was made, tried and validated, and
applying it again independently serves the job in a plan that validates."""

from __future__ import annotations

from datetime import date

from hypothesis import given

from dispatchopt import solve, validate
from dispatchopt.explain import apply_counterfactual, counterfactuals, explain
from dispatchopt.models import Plan, Problem, Unassigned, UnassignedReason
from tests.days import Day
from tests.strategies import PROPERTY_SETTINGS, problems

DAY = Day(date(2026, 6, 2))


def _served(plan: Plan) -> set[str]:
    return {s.job_id for r in plan.routes for s in r.jobs}


def _check_every_offer(problem: Problem, plan: Plan) -> None:
    for item in explain(problem, plan, budget_s=2.0).plan.unassigned:
        for change in item.counterfactuals:
            applied = apply_counterfactual(problem, plan, item.job_id, change)
            assert applied is not None, (item.job_id, change)
            changed, served = applied
            assert validate(changed, served) == [], (item.job_id, change)
            assert item.job_id in _served(served)


def test_a_longer_shift_lets_the_last_repair_in() -> None:
    # Chloé works 08:00-12:00: a 3 h install fills the morning (08:05-11:05), the 45-min dryer
    # repair 5 km further would end 11:55 and bring her home at 12:05; a quarter of an hour
    # more would do.
    day = DAY.problem(
        [
            DAY.job("install", 5, minutes=180),
            DAY.job("dryer", 10, minutes=45, optional=True, penalty=500),
        ],
        [DAY.engineer("chloe", shift=("08:00", "12:00"))],
        objective={"kind": "cost"},
    )
    plan = solve(day, time_limit=1)
    assert [u.job_id for u in plan.unassigned] == ["dryer"]
    (change,) = counterfactuals(day, plan, "dryer")
    assert (change.kind, change.params) == (
        "extend_shift",
        {"engineer_id": "chloe", "minutes": 15, "shift_index": 0},
    )
    assert "extend chloe's shift by 15 min" in change.description
    _check_every_offer(day, plan)


def test_accepting_a_lower_level_lets_farid_go() -> None:
    # The rooftop aircon needs level 3; Farid holds level 2.
    day = DAY.problem(
        [DAY.job("rooftop", 5, skills=[{"skill": "aircon", "level": 3}])],
        [DAY.engineer("farid", skills={"aircon": 2})],
    )
    plan = solve(day, time_limit=1)
    assert plan.unassigned[0].reason == UnassignedReason.NO_ENGINEER_WITH_SKILL
    (change,) = counterfactuals(day, plan, "rooftop")
    assert (change.kind, change.params) == ("accept_level", {"skill": "aircon", "level": 2})
    assert "farid could go at" in change.description
    _check_every_offer(day, plan)


def test_dropping_a_minor_job_makes_room_for_an_urgent_one() -> None:
    # A day already holding a 3 h optional check (penalty 10) has no room for a 3 h repair.
    day = DAY.problem(
        [
            DAY.job("check", 5, minutes=180, optional=True, penalty=10),
            DAY.job("repair", 6, minutes=180),
        ],
        [DAY.engineer("ana", shift=("08:00", "12:00"))],
    )
    without = DAY.problem(
        [DAY.job("check", 5, minutes=180, optional=True, penalty=10)],
        [DAY.engineer("ana", shift=("08:00", "12:00"))],
    )
    planned = solve(without, time_limit=1)
    plan = planned.model_copy(
        update={
            "unassigned": [
                Unassigned(job_id="repair", reason=UnassignedReason.CAPACITY, detail="full")
            ]
        }
    )
    assert validate(day, plan) == []
    changes = counterfactuals(day, plan, "repair")
    assert ("displace", {"job_id": "check"}) in [(c.kind, c.params) for c in changes]
    _check_every_offer(day, plan)


def test_the_breakdown_of_the_explanation_is_the_plans_objective() -> None:
    day = DAY.problem([DAY.job("a", 5), DAY.job("b", 300)], [DAY.engineer("ana")])
    plan = solve(day, time_limit=1)
    assert plan.summary is not None
    assert explain(day, plan).breakdown.total == plan.summary.objective


@PROPERTY_SETTINGS
@given(problem=problems())
def test_every_counterfactual_applied_serves_its_job_in_a_valid_plan(problem: Problem) -> None:
    from dispatchopt.solvers.engines.greedy import solve_greedy

    _check_every_offer(problem, solve_greedy(problem))

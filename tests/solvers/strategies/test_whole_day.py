"""The whole-day strategy never hands back less than the greedy plan or a given plan that holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from dispatchopt.errors import SolverError
from dispatchopt.models import Plan, Rule
from dispatchopt.solvers.compiled import CompiledProblem, compile_problem
from dispatchopt.solvers.engines.greedy import plan_greedy
from dispatchopt.solvers.objective import plan_score
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies.whole_day import whole_day
from dispatchopt.validate import validate
from tests.days import Day, ada_and_bob

THURSDAY = Day(date(2026, 3, 12))


@dataclass(frozen=True)
class Failing:
    """An engine that finds no plan, as OR-Tools does when it rejects a start and its own
    construction does not finish in the limit."""

    name: str = "failing"

    def solve(self, cp: CompiledProblem, **_: object) -> Plan:
        raise SolverError("found no solution (status 4)")


def test_an_engine_that_finds_nothing_leaves_the_greedy_plan() -> None:
    problem = ada_and_bob(THURSDAY)
    plan = whole_day(problem, Failing(), deadline=Deadline.after(1.0))
    assert validate(problem, plan) == []
    assert {s.job_id for r in plan.routes for s in r.jobs} == {"J1", "J2", "J3"}
    assert [u.job_id for u in plan.unassigned] == ["FAR"]
    assert plan.summary is not None
    assert "failing found no plan" in plan.summary.solver_notes[-1]
    assert plan.summary.solver_notes[-1].endswith("the greedy plan is kept")
    assert plan.summary.fallback == "greedy"


def test_an_engine_that_finds_nothing_from_a_given_plan_leaves_that_plan() -> None:
    problem = ada_and_bob(THURSDAY)
    given = plan_greedy(compile_problem(problem)).model_copy(update={"summary": None})
    plan = whole_day(problem, Failing(), deadline=Deadline.after(1.0), initial=given)
    assert validate(problem, plan) == []
    assert plan.summary is not None and plan.summary.solver == "given"
    assert plan.routes == given.routes
    assert [u.job_id for u in plan.unassigned] == ["FAR"]
    assert plan.summary.solver_notes[-1].endswith("the given plan is kept")
    assert plan.summary.fallback == "given"


def test_a_given_plan_worse_than_greedy_gives_way_to_it() -> None:
    problem = ada_and_bob(THURSDAY)
    greedy = plan_greedy(compile_problem(problem))
    fewer = [
        r.model_copy(update={"stops": [s for s in r.stops if s.job_id != "J2"]})
        for r in greedy.routes
    ]
    plan = whole_day(problem, Failing(), deadline=Deadline.after(1.0), initial=Plan(routes=fewer))
    assert validate(problem, plan) == []
    assert "J2" in {s.job_id for r in plan.routes for s in r.jobs}
    assert plan.summary is not None and plan.summary.solver_notes[-1].endswith(
        "the greedy plan is kept"
    )


def test_a_given_plan_that_does_not_hold_is_not_handed_back_however_it_scores() -> None:
    problem = ada_and_bob(THURSDAY)
    greedy = plan_greedy(compile_problem(problem))
    first = greedy.routes[0]
    # FAR "served" at ada's last stop's time: 400 km away, past its five-minute window.
    far = first.stops[-1].model_copy(update={"job_id": "FAR", "customer": None})
    claimed = Plan(
        routes=[first.model_copy(update={"stops": [*first.stops, far]}), *greedy.routes[1:]]
    )
    assert plan_score(problem, claimed).total < plan_score(problem, greedy).total
    assert any(v.rule is not Rule.MISSING_JOB for v in validate(problem, claimed))
    plan = whole_day(problem, Failing(), deadline=Deadline.after(1.0), initial=claimed)
    assert validate(problem, plan) == []
    assert [u.job_id for u in plan.unassigned] == ["FAR"]
    assert plan.summary is not None and plan.summary.solver_notes[-1].endswith(
        "the greedy plan is kept"
    )


def test_when_no_one_places_anything_the_engine_error_stands() -> None:
    problem = ada_and_bob(THURSDAY)
    nothing = problem.model_copy(update={"jobs": [j for j in problem.jobs if j.id == "FAR"]})
    with pytest.raises(SolverError):
        whole_day(nothing, Failing(), deadline=Deadline.after(1.0))

"""Same input, same plan: a solution-count stop makes the search repeatable, and the plan does
not depend on the order of keys in the input's mappings."""

from __future__ import annotations

from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.solvers.engines.ortools import SearchConfig
from dispatchopt.solvers.engines.ortools import solve_ortools as solve
from tests.solvers.scenarios import fridge_and_boiler_day

REPEATABLE = SearchConfig(overrides="solution_limit: 60")


def _routes(plan: Plan) -> str:
    return plan.model_copy(update={"summary": None}).to_json()


def _reversed_mappings(problem: Problem) -> Problem:
    data = problem.model_dump()
    for eng in data["engineers"]:
        eng["skills"] = dict(reversed(list(eng["skills"].items())))
    return Problem.model_validate(data)


def test_a_solution_count_stop_gives_the_same_plan_twice() -> None:
    day = fridge_and_boiler_day()
    first = solve(day, time_limit=30, config=REPEATABLE)
    again = solve(day, time_limit=30, config=REPEATABLE)
    assert _routes(first) == _routes(again)


def test_key_order_of_skill_maps_does_not_change_the_plan() -> None:
    day = fridge_and_boiler_day()
    flipped = _reversed_mappings(day)
    assert list(flipped.engineers[0].skills) != list(day.engineers[0].skills)
    assert _routes(solve(day, time_limit=30, config=REPEATABLE)) == _routes(
        solve(flipped, time_limit=30, config=REPEATABLE)
    )
    assert _routes(solve_greedy(day)) == _routes(solve_greedy(flipped))

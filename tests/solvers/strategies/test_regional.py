"""Planning by regions on plain executors: every job accounted for in one plan the validator
accepts, jobs a region cannot do planned by its neighbour, the same plan on any executor."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from dispatchopt.models import Plan, Problem
from dispatchopt.solvers import Deadline, solve_regions
from dispatchopt.solvers.strategies.regional import RegionBudget
from dispatchopt.validate import validate
from tests.solvers.scenarios import three_towns_day

REPEATABLE = {"max_solutions": 30}


def _routes(plan: Plan) -> dict[str, list[str]]:
    return {r.engineer_id: [s.job_id for s in r.jobs] for r in plan.routes}


def _accounted(plan: Plan) -> list[str]:
    return sorted(
        [s.job_id for r in plan.routes for s in r.jobs] + [u.job_id for u in plan.unassigned]
    )


def test_regions_in_turn_give_one_valid_plan_of_the_whole_day() -> None:
    day = three_towns_day()
    plan = solve_regions(day, deadline=Deadline.after(30, **REPEATABLE), regions=3)
    assert validate(day, plan) == []
    assert _accounted(plan) == sorted(j.id for j in day.jobs)
    assert plan.summary is not None and plan.summary.solver.startswith("regions(")


def test_the_job_its_region_cannot_do_is_planned_by_the_neighbour() -> None:
    day = three_towns_day()
    plan = solve_regions(day, deadline=Deadline.after(30, **REPEATABLE), regions=3)
    boiler = next(r.engineer_id for r in plan.routes for s in r.jobs if s.job_id == "west-boiler")
    assert boiler.startswith("middle-")
    assert plan.summary is not None
    assert "1 of them planned there" in plan.summary.solver_notes


def test_threads_and_processes_give_the_plan_planned_in_turn() -> None:
    day = three_towns_day()
    alone = solve_regions(day, deadline=Deadline.after(30, **REPEATABLE), regions=3)
    with ThreadPoolExecutor(2) as threads:
        threaded = solve_regions(
            day, deadline=Deadline.after(30, **REPEATABLE), regions=3, executor=threads, slots=2
        )
    with ProcessPoolExecutor(2) as processes:
        spread = solve_regions(
            day, deadline=Deadline.after(30, **REPEATABLE), regions=3, executor=processes, slots=2
        )
    assert _routes(threaded) == _routes(alone) == _routes(spread)
    assert validate(day, spread) == []


def test_a_job_beyond_reach_of_every_other_region_is_not_offered() -> None:
    from dispatchopt.solvers.front_door import _region
    from dispatchopt.solvers.strategies.regional import regional

    day = three_towns_day()
    plan = regional(day, _region, deadline=Deadline.after(30, **REPEATABLE), regions=3, offer_km=1)
    boiler = next(u for u in plan.unassigned if u.job_id == "west-boiler")
    assert boiler.reason == "no_engineer_with_skill"
    assert validate(day, plan) == []


def _first_region_is_slow(problem: Problem, budget: RegionBudget, initial: Plan | None) -> Plan:
    """A region run whose region r01 is not back before the whole day's end."""
    from dispatchopt.solvers.front_door import _region

    if problem.name.endswith("(r01)") and initial is None:
        time.sleep(3.0)
    return _region(problem, budget, initial)


def test_a_region_not_back_in_time_is_planned_by_greedy_and_the_day_ends_on_time() -> None:
    from dispatchopt.solvers.strategies.regional import regional

    day = three_towns_day()
    started = time.perf_counter()
    with ThreadPoolExecutor(3) as threads:
        plan = regional(
            day,
            _first_region_is_slow,
            deadline=Deadline.after(2.0),
            regions=3,
            executor=threads,
            slots=3,
        )
        took = time.perf_counter() - started
    assert took < 2.5
    assert validate(day, plan) == []
    assert _accounted(plan) == sorted(j.id for j in day.jobs)
    assert plan.summary is not None
    assert any(
        n.startswith("not back in time, planned by greedy: r") for n in plan.summary.solver_notes
    )

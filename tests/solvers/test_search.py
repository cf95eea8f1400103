"""Search strategy: warm starts, improving a given plan, the portfolio and decomposition."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dispatchopt.errors import InputError
from dispatchopt.io import read_solomon
from dispatchopt.models import Plan, Problem, Route
from dispatchopt.solvers.engines.ortools import OrTools, SearchConfig, improve
from dispatchopt.solvers.engines.ortools import solve_ortools as solve
from dispatchopt.solvers.front_door import solve as front_door
from dispatchopt.solvers.front_door import solve_portfolio
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies import Member, decomposed, plan_rank, sub_problem
from dispatchopt.validate import validate
from tests.solvers.scenarios import engineer, job, problem

C101 = Path(__file__).parents[1] / "data" / "C101.txt"
FIRST_SOLUTION_ONLY = "solution_limit: 1"
"""Stops at the first solution: a deterministic plan whatever the machine's load."""


def field_day(n_jobs: int = 40) -> Problem:
    """A seeded 40-job service day: four engineers with lunch breaks, gas jobs only two may do,
    half the jobs with a two-hour window."""
    rng = np.random.default_rng(7)
    lunch = [("11:30", "13:30", 30)]
    jobs = []
    for k in range(n_jobs):
        x, y = (float(v) for v in rng.uniform(0, 30, 2).round(1))
        extra: dict[str, Any] = {"skills": [{"skill": "gas"}]} if k % 4 == 0 else {}
        windows = None
        if k % 2:
            h = 8 + int(rng.integers(0, 7))
            windows = [(f"{h:02d}:00", f"{h + 2:02d}:00")]
        jobs.append(job(f"j{k}", x, y, 20, windows, **extra))
    engineers = [
        engineer("ana", 5, 5, breaks=lunch, skills={"gas": 1}),
        engineer("ben", 25, 5, breaks=lunch, skills={"gas": 2}),
        engineer("cy", 5, 25, breaks=lunch),
        engineer("dee", 25, 25, breaks=lunch),
    ]
    return problem(jobs, engineers)


def assert_valid_and_complete(problem: Problem, plan: Plan) -> None:
    assert validate(problem, plan) == []
    seen = Counter(
        [s.job_id for r in plan.routes for s in r.stops] + [u.job_id for u in plan.unassigned]
    )
    assert seen == Counter(j.id for j in problem.jobs)


def test_a_40_job_field_day_plans_validly_in_two_seconds() -> None:
    day = field_day()
    started = time.perf_counter()
    plan = solve(day, time_limit=2)
    assert time.perf_counter() - started < 3.5
    assert_valid_and_complete(day, plan)
    assert len(plan.unassigned) == 0


def test_stagnation_stop_ends_before_the_time_limit_on_a_small_day() -> None:
    day = field_day()
    started = time.perf_counter()
    plan = solve(day, time_limit=20, config=SearchConfig(stagnation_stop=True))
    assert time.perf_counter() - started < 15
    assert_valid_and_complete(day, plan)


def test_a_sweep_warm_start_on_c101_gives_a_valid_complete_plan() -> None:
    c101 = read_solomon(C101)
    plan = solve(c101, time_limit=1, config=SearchConfig(construction="sweep"))
    assert_valid_and_complete(c101, plan)
    assert not plan.unassigned


def test_improving_a_plan_never_makes_it_worse_and_keeps_the_rules() -> None:
    day = field_day()
    start = solve(day, time_limit=1, config=SearchConfig(overrides=FIRST_SOLUTION_ONLY))
    better = improve(day, start, time_limit=1)
    assert better is not None
    assert_valid_and_complete(day, better)
    assert plan_rank(better) <= plan_rank(start)


def test_improve_refuses_a_plan_whose_routes_break_a_window() -> None:
    c101 = read_solomon(C101)
    plan = solve(c101, time_limit=1, config=SearchConfig(overrides=FIRST_SOLUTION_ONLY))
    longest = max(plan.routes, key=lambda r: len(r.stops))
    reversed_route = Route(**{**longest.__dict__, "stops": list(reversed(longest.stops))})
    broken = Plan(routes=[reversed_route if r is longest else r for r in plan.routes])
    assert improve(c101, broken, time_limit=1) is None


def test_an_unknown_strategy_name_is_an_input_error() -> None:
    with pytest.raises(InputError, match="first_solution"):
        SearchConfig(first_solution="FASTEST_POSSIBLE")


class Sequential:
    """An executor that runs each call at once (what a one-core deployment would pass)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


@pytest.mark.parametrize("executor", [Sequential(), ThreadPoolExecutor(max_workers=2)])
def test_the_portfolio_returns_its_best_member(executor: Any) -> None:
    day = field_day()
    members = [
        Member(seed=s, config=SearchConfig(overrides=FIRST_SOLUTION_ONLY), engine="ortools")
        for s in (0, 1, 2)
    ]
    alone = [solve(day, time_limit=2, seed=m.seed, config=m.config) for m in members]
    best = solve_portfolio(day, time_limit=2, members=members, executor=executor)
    assert_valid_and_complete(day, best)
    assert plan_rank(best) == min(plan_rank(p) for p in alone)


def test_a_sub_problem_keeps_only_its_jobs_and_engineers() -> None:
    day = field_day()
    sub = sub_problem(day, ["j0", "j1"], {"ben"})
    assert [j.id for j in sub.jobs] == ["j0", "j1"]
    assert [e.id for e in sub.engineers] == ["ben"]


def test_decomposition_keeps_every_job_of_c101() -> None:
    c101 = read_solomon(C101)
    plan = decomposed(c101, OrTools(), deadline=Deadline.after(4), group_jobs=30, group_seconds=0.5)
    assert_valid_and_complete(c101, plan)
    assert not plan.unassigned


def test_asking_for_decomposition_decomposes_a_day_of_any_size() -> None:
    c101 = read_solomon(C101)
    plan = front_door(c101, time_limit=2, engine="ortools", strategy="decompose")
    assert plan.summary is not None
    assert plan.summary.solver == "ortools+decompose"
    assert "strategy decompose: asked for" in plan.summary.solver_notes
    assert_valid_and_complete(c101, plan)

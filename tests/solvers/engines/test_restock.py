"""Restock-aware construction and ruin-and-recreate on days with a restock depot (TRSP)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dispatchopt.io.trsp import DEPOT_ID, read_trsp, working_time
from dispatchopt.models import Objective, Problem
from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.engines.ortools import SearchConfig, improve
from dispatchopt.solvers.engines.ortools import solve_ortools as solve
from dispatchopt.solvers.engines.restock import (
    _Routes,
    can_ruin_and_recreate,
    restock_routes,
    routes_working_time,
    ruin_and_recreate,
)
from dispatchopt.validate import validate

TINY = Path(__file__).parents[2] / "data" / "trsp_tiny.txt"


def busy_trsp_day(tmp_path: Path) -> Problem:
    """A seeded 24-request TRSP day: four technicians with one or two of two skills, tool t0 in
    half the vans, one unit of each part in every van, and requests that need a part or t0 often
    enough that some technicians must restock at the depot."""
    rng = np.random.default_rng(3)
    lines = ["BUSY", "", "INFO", "CREW COUNT  SKILLS  TOOLS   SPARE PARTS", "4 2 2 2", "", "NODES"]
    lines.append("0 50 50 0 1000 0 [] [] []")
    for k in range(1, 5):
        x, y = rng.integers(0, 100, 2)
        skills = "0,1" if k % 2 else str(k % 2)
        tools = "0" if k <= 2 else ""
        lines.append(f"{k} {x} {y} 0 1000 0 [{skills}] [{tools}] [1,1]")
    for k in range(5, 29):
        x, y = rng.integers(0, 100, 2)
        open_at = int(rng.integers(0, 500))
        tools = "0" if k % 3 == 0 else ""
        parts = "1,0" if k % 2 else "0,1" if k % 5 == 0 else "0,0"
        lines.append(f"{k} {x} {y} {open_at} {open_at + 300} 20 [{k % 2}] [{tools}] [{parts}]")
    path = tmp_path / "busy.txt"
    path.write_text("\n".join(lines) + "\n")
    return read_trsp(path)


def test_the_construction_restocks_technician_1_before_the_second_part_job() -> None:
    # Technician 1 carries one p0 and is the only one with skill s0: jobs 3 and 4 need a p0
    # each, so the depot visit goes in with whichever comes second.
    cp = compile_problem(read_trsp(TINY))
    routes = restock_routes(cp)
    node_of = {j.job_id: j.node for j in cp.jobs}
    served = {n for route in routes for n in route if n < len(cp.jobs)}
    assert served == set(node_of.values())
    one = next(r for v, r in enumerate(routes) if cp.vehicles[v].engineer_id == "1")
    visits = [i for i, n in enumerate(one) if cp.visit_at(n) is not None]
    assert len(visits) == 1
    assert visits[0] < max(one.index(node_of["3"]), one.index(node_of["4"]))
    assert routes_working_time(cp, routes) < float("inf")


def test_ruin_and_recreate_with_a_step_limit_repeats_itself_and_never_gets_worse(
    tmp_path: Path,
) -> None:
    cp = compile_problem(busy_trsp_day(tmp_path))
    start = restock_routes(cp)
    first = ruin_and_recreate(cp, start, time_limit=30, seed=4, max_steps=40)
    again = ruin_and_recreate(cp, start, time_limit=30, seed=4, max_steps=40)
    assert first == again
    served = {n for r in first for n in r if n < len(cp.jobs)}
    assert served >= {n for r in start for n in r if n < len(cp.jobs)}
    assert routes_working_time(cp, first) <= routes_working_time(cp, start)


def test_solve_serves_the_busy_day_with_restocks_and_the_checker_agrees(tmp_path: Path) -> None:
    problem = busy_trsp_day(tmp_path)
    plan = solve(problem, time_limit=2)
    assert validate(problem, plan) == []
    assert plan.unassigned == []
    assert any(s.kind == "pickup" and s.job_id == DEPOT_ID for r in plan.routes for s in r.stops)
    # The engine's objective (hours of travel and waiting) plus the time on site is the
    # paper's working time, up to the rounding of each leg up to whole seconds; the plan's own
    # objective (working time, from leaving to being back) is that working time.
    total, _ = working_time(problem, plan)
    on_site = sum(j.duration_minutes for j in problem.jobs)
    summary = plan.summary
    assert summary is not None and summary.engine_objective is not None
    assert abs(summary.engine_objective * 60 + on_site - total) < 1
    assert summary.objective is not None and abs(summary.objective * 60 - total) < 1


def test_a_solution_count_stop_keeps_restock_days_repeatable(tmp_path: Path) -> None:
    problem = busy_trsp_day(tmp_path)
    repeatable = SearchConfig(overrides="solution_limit: 30")
    first = solve(problem, time_limit=30, config=repeatable)
    again = solve(problem, time_limit=30, config=repeatable)
    strip = {"summary": None}
    assert first.model_copy(update=strip).to_json() == again.model_copy(update=strip).to_json()


def test_ruin_and_recreate_is_only_for_days_whose_rules_it_models() -> None:
    problem = read_trsp(TINY)
    assert can_ruin_and_recreate(compile_problem(problem))
    by_cost = problem.model_copy(update={"objective": Objective(kind="cost")})
    assert not can_ruin_and_recreate(compile_problem(by_cost))


def test_improving_a_plan_with_a_restock_keeps_the_restock_as_its_start() -> None:
    # Technician 1 serves jobs 3 and 4 with one p0 in the van only thanks to the depot visit:
    # a start without it would be rejected and improve() would return None.
    problem = read_trsp(TINY)
    plan = solve(problem, time_limit=1)
    better = improve(problem, plan, time_limit=1)
    assert better is not None
    assert validate(problem, better) == [] and better.unassigned == []
    assert working_time(problem, better)[0] <= working_time(problem, plan)[0] + 1e-6


def test_each_insertion_is_the_cheapest_of_every_placement_with_or_without_a_restock(
    tmp_path: Path,
) -> None:
    # The insertion checks positions in O(1) first and simulates only the rest of the route;
    # here every placement of every request on every technician's half-built day is simulated
    # in full, the depot visit just before the request or first of the day, and the cheapest
    # must match what the fast path returns.
    cp = compile_problem(busy_trsp_day(tmp_path))
    state = _Routes(cp)
    for v, nodes in enumerate(restock_routes(cp)):
        state.set_route(v, [n for n in nodes if n % 2 == 0 or n >= len(cp.jobs)])
    compared = with_restock = 0
    for job in range(len(cp.jobs)):
        if any(job in r for r in state.routes):
            continue
        for v in cp.jobs[job].allowed:
            route = state.routes[v]
            plain = [route[:p] + [job] + route[p:] for p in range(len(route) + 1)]
            restocked = [
                cand
                for visit in state.visits_of[v]
                if visit not in route
                for p in range(len(route) + 1)
                for cand in (
                    route[:p] + [visit, job] + route[p:],
                    [visit] + route[:p] + [job] + route[p:],
                )
            ]
            best = min((state.cost(v, c) for c in plain), default=float("inf"))
            if best == float("inf"):
                best = min((state.cost(v, c) for c in restocked), default=float("inf"))
                with_restock += best < float("inf")
            added, placed = state.best_insertion(job, v)
            assert (placed is None) == (best == float("inf"))
            if placed is not None:
                assert added == best - state.route_cost[v]
                assert state.cost(v, placed) == best
            compared += 1
    assert compared > 20 and with_restock > 0

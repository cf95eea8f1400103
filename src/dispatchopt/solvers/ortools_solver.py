"""The default engine: OR-Tools routing with guided local search.

``solve`` compiles the problem, builds the routing model, searches within the time limit and
decodes the best assignment into a :class:`Plan`; it never raises for a job that does not fit.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from dispatchopt.errors import InputError, SolverError
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.compile import (
    MONEY_SCALE,
    UNITS_PER_HOUR,
    UNITS_PER_KM,
    CompiledProblem,
    compile_problem,
)
from dispatchopt.solvers.decode import decode, unassigned_jobs
from dispatchopt.solvers.routing_model import build_routing_model
from dispatchopt.solvers.summary import summarize


@dataclass(frozen=True)
class SolveProgress:
    """What a progress display shows while the search runs."""

    elapsed_s: float
    time_limit_s: float
    objective: float
    solutions: int


def objective_scale(problem: Problem) -> int:
    """Engine objective units per reported objective unit (currency, km or hours)."""
    return {"cost": MONEY_SCALE, "distance": UNITS_PER_KM, "travel_time": UNITS_PER_HOUR}[
        problem.objective.kind
    ]


def search_parameters(time_limit: float, num_jobs: int) -> pywrapcp.DefaultRoutingSearchParameters:
    """Construction by parallel cheapest insertion, then guided local search until the limit."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, round(time_limit * 1000)))
    return params


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    progress: Callable[[SolveProgress], None] | None = None,
) -> Plan:
    """Plan ``problem`` within ``time_limit`` seconds; every job is routed or explained.

    ``seed`` 0 keeps the problem's job order; other seeds shuffle it, which steers the
    deterministic engine to a different (equally valid) plan.
    """
    if time_limit <= 0:
        raise InputError([("time_limit", time_limit, "must be a positive number of seconds")])
    started = _time.perf_counter()
    cp = compile_problem(problem, seed=seed)
    if not cp.jobs or not cp.vehicles:
        plan = Plan(routes=[], unassigned=unassigned_jobs(cp, set()))
        plan.summary = summarize(problem, plan, solver="ortools", objective=None,
                                 solve_seconds=_time.perf_counter() - started)
        return plan
    build = build_routing_model(cp)
    routing = build.routing
    scale = objective_scale(problem)
    if progress is not None:
        count = [0]
        best = [float("inf")]

        def report() -> None:
            # Called for every solution the metaheuristic accepts; report the best so far.
            count[0] += 1
            best[0] = min(best[0], routing.CostVar().Value() / scale)
            progress(SolveProgress(
                elapsed_s=_time.perf_counter() - started,
                time_limit_s=time_limit,
                objective=best[0],
                solutions=count[0],
            ))

        routing.AddAtSolutionCallback(report)
    assignment = routing.SolveWithParameters(search_parameters(time_limit, len(cp.jobs)))
    if assignment is None:
        raise SolverError(_status_message(routing))
    plan = decode(cp, build, assignment)
    plan.summary = summarize(
        problem,
        plan,
        solver="ortools",
        objective=assignment.ObjectiveValue() / scale,
        solve_seconds=_time.perf_counter() - started,
    )
    return plan


def _status_message(routing: pywrapcp.RoutingModel) -> str:
    status = routing.status()
    return (
        f"OR-Tools found no solution (status {status}); every job is optional, so this points "
        "at contradictory engineer data (e.g. a break that cannot fit its shift) — please report it"
    )


__all__ = ["CompiledProblem", "SolveProgress", "objective_scale", "search_parameters", "solve"]

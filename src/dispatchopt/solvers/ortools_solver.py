"""The default engine: OR-Tools routing with guided local search.

``solve`` compiles the problem, builds the routing model, searches within the time limit and
decodes the best assignment into a :class:`Plan`; it never raises for a job that does not fit.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from google.protobuf import text_format
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from dispatchopt.errors import InputError, SolverError
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.compile import (
    OBJECTIVE_UNITS,
    CompiledProblem,
    compile_problem,
)
from dispatchopt.solvers.construction import sweep_routes
from dispatchopt.solvers.decode import decode, unassigned_jobs
from dispatchopt.solvers.restock_start import (
    can_ruin_and_recreate,
    restock_routes,
    ruin_and_recreate,
)
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
    return OBJECTIVE_UNITS[problem.objective.kind]


@dataclass(frozen=True)
class SearchConfig:
    """How the engine searches: construction, metaheuristic, neighbourhood size, stop rules.

    ``None`` fields are chosen from the problem size by :func:`search_parameters`. ``overrides``
    is OR-Tools ``RoutingSearchParameters`` text format merged last (for experiments), e.g.
    ``"guided_local_search_lambda_coefficient: 0.2"``.
    """

    first_solution: str | None = None
    """A ``FirstSolutionStrategy`` name, e.g. ``"PARALLEL_CHEAPEST_INSERTION"`` or ``"SAVINGS"``."""
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    """A ``LocalSearchMetaheuristic`` name, e.g. ``"GUIDED_LOCAL_SEARCH"``."""
    neighbors_ratio: float | None = None
    """Share of the nearest nodes local-search operators look at (1.0 = all)."""
    stagnation_stop: bool = False
    """Stop early once the improvement rate flattens (OR-Tools' improvement limit) instead of
    always running to ``time_limit``; off by default because it trades quality for time."""
    warm_start: str | None = None
    """``"sweep"`` starts the search from :func:`construction.sweep_routes`, ``"restock"`` from
    :func:`restock_start.restock_routes`, ``"none"`` from ``first_solution`` (each falls back to
    it when the engine rejects the routes); ``None``: ``"restock"`` on days with depot visits,
    where single-node insertions leave jobs out (see ``benchmarks/results/trsp_experiments.md``)."""
    bandit_operators: bool | None = None
    """Order local-search operators by a multi-armed bandit on their recent gains (OR-Tools
    ``use_multi_armed_bandit_concatenate_operators``); ``None``: on below ``BANDIT_BELOW_JOBS``
    jobs, where it helped on Solomon (E3, E5), off above, where it cost 14 points on GH1000 (E8)."""
    decompose: bool | None = None
    """Re-optimise groups of neighbouring routes (:mod:`dispatchopt.solvers.decompose`);
    ``None`` does so for days of ``DECOMPOSE_FROM_JOBS`` jobs or more whose rules allow it."""
    ruin_share: float | None = None
    """Share of ``time_limit`` spent in :func:`restock_start.ruin_and_recreate` before the
    OR-Tools search, on days whose rules it models (:func:`restock_start.can_ruin_and_recreate`)
    and that have depot visits; ``None``: ``RUIN_SHARE``, 0 turns it off."""
    departure_pass: bool = False
    """With rush hours: after a plan priced safely (each job's drive priced over the span it can
    be left in), spend half the time re-pricing drives for when that plan leaves and searching
    on; kept only if the validator accepts it. Off by default: on the example day on roads it did
    not beat the single pass (benchmarks/experiments/rush_hour_pricing.py)."""
    overrides: str = ""

    def __post_init__(self) -> None:
        if self.first_solution is not None and not hasattr(
            routing_enums_pb2.FirstSolutionStrategy, self.first_solution
        ):
            raise InputError([("first_solution", self.first_solution, "not an OR-Tools strategy")])
        if not hasattr(routing_enums_pb2.LocalSearchMetaheuristic, self.metaheuristic):
            raise InputError(
                [("metaheuristic", self.metaheuristic, "not an OR-Tools metaheuristic")]
            )
        if self.warm_start not in (None, "none", "sweep", "restock"):
            raise InputError(
                [("warm_start", self.warm_start, "must be None, 'none', 'sweep' or 'restock'")]
            )
        if self.ruin_share is not None and not 0 <= self.ruin_share < 1:
            raise InputError([("ruin_share", self.ruin_share, "must lie in [0, 1)")])
        if self.neighbors_ratio is not None and not 0 < self.neighbors_ratio <= 1:
            raise InputError([("neighbors_ratio", self.neighbors_ratio, "must lie in (0, 1]")])


BANDIT_BELOW_JOBS = 200
"""Bandit-ordered operators pay off on small days only (see ``SearchConfig.bandit_operators``)."""
DECOMPOSE_FROM_JOBS = 300
"""From this many jobs on, one search over the whole day improves too slowly (issue 8)."""
RUIN_SHARE = 0.8
"""Default share of the time for ruin-and-recreate on days with restock visits (TRSP runs)."""


def search_parameters(
    time_limit: float, num_jobs: int, config: SearchConfig | None = None
) -> pywrapcp.DefaultRoutingSearchParameters:
    """OR-Tools parameters for a problem of ``num_jobs`` jobs (see :class:`SearchConfig`)."""
    config = config or SearchConfig()
    params = pywrapcp.DefaultRoutingSearchParameters()
    first = config.first_solution or "PARALLEL_CHEAPEST_INSERTION"
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first)
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, config.metaheuristic
    )
    bandit = config.bandit_operators
    params.use_multi_armed_bandit_concatenate_operators = (
        num_jobs < BANDIT_BELOW_JOBS if bandit is None else bandit
    )
    ratio = config.neighbors_ratio
    if ratio is not None and ratio < 1:
        params.ls_operator_neighbors_ratio = ratio
        params.ls_operator_min_neighbors = 10
    if config.stagnation_stop:
        params.improvement_limit_parameters.improvement_rate_coefficient = 1e-4
        params.improvement_limit_parameters.improvement_rate_solutions_distance = 100
    if config.overrides:
        text_format.Merge(config.overrides, params)
    params.time_limit.FromMilliseconds(max(1, round(time_limit * 1000)))
    return params


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    progress: Callable[[SolveProgress], None] | None = None,
    config: SearchConfig | None = None,
    initial_plan: Plan | None = None,
) -> Plan:
    """Plan ``problem`` within ``time_limit`` seconds; every job is routed or explained.

    ``seed`` 0 keeps the problem's job order; other seeds shuffle it, which steers the
    deterministic engine to a different (equally valid) plan. ``config`` tunes the search
    (default: chosen by size; days of ``DECOMPOSE_FROM_JOBS`` jobs or more are decomposed,
    and ``progress`` then only follows the first whole-day phase). ``initial_plan`` (e.g. an
    earlier plan of the same day) is the search's starting point when the engine accepts its
    routes as they stand.
    """
    chosen = config or SearchConfig()
    if initial_plan is None and chosen.decompose is not False:
        # Imported here: decompose builds on this module.
        from dispatchopt.solvers.decompose import can_decompose, solve_decomposed

        if chosen.decompose or (
            len(problem.jobs) >= DECOMPOSE_FROM_JOBS and can_decompose(problem)
        ):
            return solve_decomposed(
                problem, time_limit=time_limit, seed=seed, config=chosen, progress=progress
            )
    if initial_plan is None and chosen.departure_pass and _depends_on_time_of_day(problem):
        return _solve_with_departure_times(problem, time_limit, seed, progress, config)
    plan = _solve(problem, time_limit, seed, progress, config, initial_plan, cold_fallback=True)
    assert plan is not None
    return plan


DEPARTURE_MARGIN_S = 1800
"""In the second rush-hour pass, a drive is priced for departures up to 30 min either side of
when the first plan left; a plan that strays further is caught by the validator."""


def _depends_on_time_of_day(problem: Problem) -> bool:
    speed = getattr(problem.travel, "speed_profile", None)
    return speed is not None and any(f != 1.0 for f in speed.hourly_factors)


def _solve_with_departure_times(
    problem: Problem,
    time_limit: float,
    seed: int,
    progress: Callable[[SolveProgress], None] | None,
    config: SearchConfig | None,
) -> Plan:
    """Rush hours in two passes: plan with each shift's slowest hour (always valid), then
    re-price every drive for the time the first plan leaves and search on from it. The second
    plan is kept only if the independent validator accepts it at its real departure times and
    it serves at least as many jobs for no more objective."""
    from dispatchopt.solvers.validate import validate

    started = _time.perf_counter()
    first = _solve(problem, time_limit / 2, seed, progress, config, None, cold_fallback=True)
    assert first is not None
    margin = timedelta(seconds=DEPARTURE_MARGIN_S)
    departures = {
        stop.job_id: (stop.end - margin, stop.end + margin)
        for route in first.routes
        for stop in route.jobs
    }
    left = time_limit - (_time.perf_counter() - started)
    if left <= 0.2 or not departures:
        return first
    second = _solve(
        problem, left, seed, None, config, first, cold_fallback=False, departures=departures
    )
    if second is None or second.summary is None or first.summary is None:
        return first
    better = (second.summary.jobs_served, -(second.summary.objective or 0.0)) >= (
        first.summary.jobs_served,
        -(first.summary.objective or 0.0),
    )
    if better and not validate(problem, second):
        second.summary.solve_seconds = round(_time.perf_counter() - started, 3)
        return second
    return first


def improve(
    problem: Problem,
    plan: Plan,
    *,
    time_limit: float,
    seed: int = 0,
    config: SearchConfig | None = None,
) -> Plan | None:
    """Search onward from ``plan``'s routes for ``time_limit`` seconds.

    The result is never worse than ``plan`` in the engine's objective (the search keeps its
    best); ``None`` when the engine rejects ``plan``'s routes as they stand.
    """
    return _solve(problem, time_limit, seed, None, config, plan, cold_fallback=False)


def _solve(
    problem: Problem,
    time_limit: float,
    seed: int,
    progress: Callable[[SolveProgress], None] | None,
    config: SearchConfig | None,
    initial_plan: Plan | None,
    *,
    cold_fallback: bool,
    departures: dict[str, tuple[datetime, datetime]] | None = None,
) -> Plan | None:
    if time_limit <= 0:
        raise InputError([("time_limit", time_limit, "must be a positive number of seconds")])
    started = _time.perf_counter()
    cp = compile_problem(problem, seed=seed, departures=departures)
    if not cp.jobs or not cp.vehicles:
        plan = Plan(routes=[], unassigned=unassigned_jobs(cp, set()))
        plan.summary = summarize(
            problem,
            plan,
            solver="ortools",
            objective=None,
            solve_seconds=_time.perf_counter() - started,
        )
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
            progress(
                SolveProgress(
                    elapsed_s=_time.perf_counter() - started,
                    time_limit_s=time_limit,
                    objective=best[0],
                    solutions=count[0],
                )
            )

        routing.AddAtSolutionCallback(report)
    params = search_parameters(time_limit, len(cp.jobs), config)
    warm = None
    if initial_plan is not None:
        warm = routes_from_plan(cp, initial_plan)
    else:
        start = (config or SearchConfig()).warm_start
        if start == "sweep":
            warm = sweep_routes(cp)
        elif start == "restock" or (start is None and cp.visits):
            warm = restock_routes(cp)
            share = (config or SearchConfig()).ruin_share
            share = RUIN_SHARE if share is None else share
            if share > 0 and cp.visits and can_ruin_and_recreate(cp):
                spent = _time.perf_counter() - started
                budget = share * time_limit - spent
                # A solution-count stop (for repeatable plans) also bounds the ruin steps.
                steps = params.solution_limit if params.solution_limit < 2**62 else None
                if budget > 0:
                    warm = ruin_and_recreate(cp, warm, budget, seed, steps)
                    # The engine gets what is left (at least a moment to read the routes).
                    params.time_limit.FromMilliseconds(
                        max(100, round((time_limit - (_time.perf_counter() - started)) * 1000))
                    )
    initial = None
    if warm is not None:
        routing.CloseModelWithParameters(params)
        initial = routing.ReadAssignmentFromRoutes(
            [[build.manager.NodeToIndex(n) for n in route] for route in warm], True
        )
    if initial is not None:
        assignment = routing.SolveFromAssignmentWithParameters(initial, params)
    elif not cold_fallback:
        return None
    else:
        assignment = routing.SolveWithParameters(params)
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


def routes_from_plan(cp: CompiledProblem, plan: Plan) -> list[list[int]]:
    """Job and depot-visit nodes per vehicle in ``plan``'s order, leaving out jobs and shifts
    ``cp`` lacks; a pickup stop takes the vehicle's next unused visit node at that depot (so a
    plan with restocks stays a valid start)."""
    vehicle_of = {(v.engineer_id, v.shift_index): i for i, v in enumerate(cp.vehicles)}
    node_of = {j.job_id: j.node for j in cp.jobs}
    visits: dict[tuple[int, str], list[int]] = {}
    for visit in cp.visits:
        visits.setdefault((visit.vehicle, visit.depot_id), []).append(visit.node)
    out: list[list[int]] = [[] for _ in cp.vehicles]
    for route in plan.routes:
        v = vehicle_of.get((route.engineer_id, route.shift_index))
        if v is None:
            continue
        free = {key: list(nodes) for key, nodes in visits.items() if key[0] == v}
        for stop in route.stops:
            if stop.kind == "pickup":
                spare = free.get((v, stop.job_id))
                if spare:
                    out[v].append(spare.pop(0))
            elif stop.job_id in node_of:
                out[v].append(node_of[stop.job_id])
    return out


def _status_message(routing: pywrapcp.RoutingModel) -> str:
    status = routing.status()
    return (
        f"OR-Tools found no solution (status {status}); every job is optional, so this points "
        "at contradictory engineer data (e.g. a break that cannot fit its shift) — please report it"
    )


__all__ = [
    "CompiledProblem",
    "BANDIT_BELOW_JOBS",
    "DECOMPOSE_FROM_JOBS",
    "RUIN_SHARE",
    "SearchConfig",
    "SolveProgress",
    "objective_scale",
    "search_parameters",
    "improve",
    "routes_from_plan",
    "solve",
]

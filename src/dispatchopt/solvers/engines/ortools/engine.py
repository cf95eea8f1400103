"""The OR-Tools engine: compile -> build -> search -> decode, and ``improve`` from given routes.

It models every rule of the domain. Every job is optional to the engine (mandatory ones carry a
penalty that dwarfs any route cost), so a search never fails on an over-full day, and the
decoder explains each job left out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp

from dispatchopt.errors import SolverError
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.capabilities import Capabilities, Feature
from dispatchopt.solvers.compiled import CompiledProblem, compile_problem, objective_scale
from dispatchopt.solvers.engines.decoding import unassigned_jobs
from dispatchopt.solvers.engines.ortools.decode import decode
from dispatchopt.solvers.engines.ortools.model import build_routing_model
from dispatchopt.solvers.engines.ortools.params import (
    RUIN_SHARE,
    SearchConfig,
    search_parameters,
    set_time_limit,
)
from dispatchopt.solvers.engines.restock import (
    can_ruin_and_recreate,
    restock_routes,
    ruin_and_recreate,
)
from dispatchopt.solvers.engines.sweep import sweep_routes
from dispatchopt.solvers.progress import ProgressCallback, SolveProgress
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.summary import summarize

NAME = "ortools"
MODELS = frozenset(Feature)
"""OR-Tools models every rule of the domain."""


@dataclass(frozen=True)
class OrTools:
    """The OR-Tools engine with its search settings, as strategies hold it."""

    config: SearchConfig | None = None
    cold_start: bool = True
    """When the engine rejects the routes it is given, build its own (``False``: hand the
    given plan back unchanged, as an improvement step must)."""
    name: str = NAME

    def unsupported(self, caps: Capabilities) -> str | None:
        """Always ``None``: every rule is modelled."""
        return caps.reason(MODELS)

    def solve(
        self,
        cp: CompiledProblem,
        *,
        deadline: Deadline,
        seed: int = 0,
        initial: Plan | None = None,
        progress: ProgressCallback | None = None,
    ) -> Plan:
        """Plan ``cp`` until ``deadline``, starting from ``initial``'s routes when they hold."""
        del seed  # the seed already shaped cp's job order, which steers this engine
        routes = None if initial is None else routes_from_plan(cp, initial)
        cold = self.cold_start or initial is None
        plan = search(
            cp, deadline=deadline, config=self.config, routes=routes, cold=cold, progress=progress
        )
        if plan is None:
            assert initial is not None
            return initial
        return plan


def solve_ortools(
    problem: Problem,
    *,
    time_limit: float | None = None,
    deadline: Deadline | None = None,
    seed: int = 0,
    config: SearchConfig | None = None,
    initial_plan: Plan | None = None,
    progress: ProgressCallback | None = None,
) -> Plan:
    """Plan the whole of ``problem`` with this engine alone for ``time_limit`` seconds (or
    until ``deadline``); ``seed`` 0 keeps its job order, others shuffle it."""
    stop = deadline if deadline is not None else Deadline.after(time_limit or 0.0)
    cp = compile_problem(problem, seed=seed)
    return OrTools(config).solve(cp, deadline=stop, initial=initial_plan, progress=progress)


def improve(
    problem: Problem,
    plan: Plan,
    *,
    time_limit: float | None = None,
    deadline: Deadline | None = None,
    seed: int = 0,
    config: SearchConfig | None = None,
) -> Plan | None:
    """Search onward from ``plan``'s routes for ``time_limit`` seconds (or until ``deadline``).

    The result is never worse than ``plan`` in the engine's objective (the search keeps its
    best); ``None`` when the engine rejects ``plan``'s routes as they stand.
    """
    stop = deadline if deadline is not None else Deadline.after(time_limit or 0.0)
    cp = compile_problem(problem, seed=seed)
    return search(cp, deadline=stop, config=config, routes=routes_from_plan(cp, plan), cold=False)


def search(
    cp: CompiledProblem,
    *,
    deadline: Deadline,
    config: SearchConfig | None = None,
    routes: list[list[int]] | None = None,
    cold: bool = True,
    progress: ProgressCallback | None = None,
) -> Plan | None:
    """Build the routing model of ``cp`` and search until ``deadline``.

    The first routes are ``routes`` (nodes per vehicle) when given, else the configured
    construction. ``cold`` falls back to OR-Tools' own construction when the engine rejects
    the given routes; without it, a rejected start gives ``None``.
    """
    started = time.perf_counter()
    config = config or SearchConfig()
    problem = cp.problem
    if not cp.jobs or not cp.vehicles:
        plan = Plan(routes=[], unassigned=unassigned_jobs(cp, set()))
        plan.summary = summarize(
            problem, plan, solver=NAME, solve_seconds=time.perf_counter() - started
        )
        return plan
    build = build_routing_model(cp)
    routing = build.routing
    scale = objective_scale(problem)
    if progress is not None:
        _follow(routing, progress, scale, started, deadline)
    params = search_parameters(deadline, len(cp.jobs), config)
    warm = routes
    if warm is None:
        warm = _construct(cp, config, deadline, params.solution_limit)
        set_time_limit(params, deadline)
    initial = None
    if warm is not None:
        routing.CloseModelWithParameters(params)
        initial = routing.ReadAssignmentFromRoutes(
            [[build.manager.NodeToIndex(n) for n in route] for route in warm], True
        )
    if initial is not None:
        assignment = routing.SolveFromAssignmentWithParameters(initial, params)
    elif not cold:
        return None
    else:
        assignment = routing.SolveWithParameters(params)
    if assignment is None:
        raise SolverError(_status_message(routing))
    plan = decode(cp, build, assignment)
    plan.summary = summarize(
        problem,
        plan,
        solver=NAME,
        objective=assignment.ObjectiveValue() / scale,
        solve_seconds=time.perf_counter() - started,
    )
    return plan


def _construct(
    cp: CompiledProblem, config: SearchConfig, deadline: Deadline, solution_limit: int
) -> list[list[int]] | None:
    """Our own first routes, or ``None`` to let OR-Tools build them (``config.construction``)."""
    kind = config.construction
    if kind == "sweep":
        return sweep_routes(cp)
    if kind == "ortools" or (kind == "auto" and not cp.visits):
        return None
    warm = restock_routes(cp)
    share = RUIN_SHARE if config.ruin_share is None else config.ruin_share
    if share > 0 and cp.visits and can_ruin_and_recreate(cp):
        stage = deadline.share(share)
        # A solution-count stop (for repeatable plans) also bounds the ruin steps.
        steps = solution_limit if solution_limit < 2**62 else None
        if stage.remaining() > 0:
            warm = ruin_and_recreate(cp, warm, stage.remaining(), cp.seed, steps)
    return warm


def _follow(
    routing: pywrapcp.RoutingModel,
    progress: ProgressCallback,
    scale: int,
    started: float,
    deadline: Deadline,
) -> None:
    """Report the best objective so far at every solution the search accepts."""
    count = [0]
    best = [float("inf")]
    limit = time.perf_counter() - started + deadline.remaining()

    def report() -> None:
        count[0] += 1
        best[0] = min(best[0], routing.CostVar().Value() / scale)
        progress(
            SolveProgress(
                elapsed_s=time.perf_counter() - started,
                time_limit_s=limit,
                objective=best[0],
                solutions=count[0],
            )
        )

    routing.AddAtSolutionCallback(report)


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
        "at contradictory engineer data (e.g. a break that cannot fit its shift) - please report it"
    )


__all__ = [
    "MODELS",
    "NAME",
    "OrTools",
    "improve",
    "routes_from_plan",
    "search",
    "solve_ortools",
]

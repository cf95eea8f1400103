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
from dispatchopt.solvers.engines.greedy import plan_greedy
from dispatchopt.solvers.engines.ortools.decode import decode
from dispatchopt.solvers.engines.ortools.model import RoutingBuild, build_routing_model
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
        start = None if initial is None else start_from_plan(cp, initial)
        cold = self.cold_start or initial is None
        plan = search(
            cp, deadline=deadline, config=self.config, start=start, cold=cold, progress=progress
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
    return search(cp, deadline=stop, config=config, start=start_from_plan(cp, plan), cold=False)


@dataclass(frozen=True)
class Start:
    """Routes to start a search from: nodes per vehicle, and (when they come from a plan with
    times) when each node starts and when each break is taken, so that the engine need not
    search for a schedule of routes it is handed."""

    routes: list[list[int]]
    node_starts: dict[int, int]
    """Node -> second its service (or pickup) starts."""
    vehicle_times: dict[int, tuple[int, int]]
    """Vehicle -> (departure, arrival) seconds."""
    break_starts: dict[int, list[int]]
    """Vehicle -> second each of its breaks starts, in the shift's order."""


def search(
    cp: CompiledProblem,
    *,
    deadline: Deadline,
    config: SearchConfig | None = None,
    routes: list[list[int]] | None = None,
    start: Start | None = None,
    cold: bool = True,
    progress: ProgressCallback | None = None,
) -> Plan | None:
    """Build the routing model of ``cp`` and search until ``deadline``.

    The first routes are ``start`` (routes with their times) or ``routes`` (nodes per vehicle)
    when given, else the configured construction. ``cold`` falls back to OR-Tools' own
    construction when the engine rejects the given routes; without it, a rejected start gives
    ``None``.
    """
    started = time.perf_counter()
    config = config or SearchConfig()
    problem = cp.problem
    if cp.jobs and not cp.vehicles and cp.providers:
        return plan_greedy(cp)  # nothing to route: providers take what they may
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
    warm = start.routes if start is not None else routes
    if warm is None:
        warm = _construct(cp, config, deadline, params.solution_limit)
        set_time_limit(params, deadline)
    assignment = None
    if warm is not None:
        routing.CloseModelWithParameters(params)
        if start is not None:
            # With every start time given, the engine restores the routes at once; without
            # them it searches for a schedule, which with breaks can take the whole limit.
            timed = _timed_assignment(build, start)
            if timed is not None:
                assignment = routing.SolveFromAssignmentWithParameters(timed, params)
                set_time_limit(params, deadline)
        if assignment is None and deadline.remaining() > 0:
            initial = routing.ReadAssignmentFromRoutes(
                [[build.manager.NodeToIndex(n) for n in route] for route in warm], True
            )
            set_time_limit(params, deadline)
            if initial is not None:
                assignment = routing.SolveFromAssignmentWithParameters(initial, params)
    if assignment is None:
        if not cold:
            return None
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
    return start_from_plan(cp, plan).routes


def start_from_plan(cp: CompiledProblem, plan: Plan) -> Start:
    """``plan``'s routes as a :class:`Start`, with the times the plan gives (see
    :func:`routes_from_plan` for which stops are kept)."""
    vehicle_of = {(v.engineer_id, v.shift_index): i for i, v in enumerate(cp.vehicles)}
    node_of = {j.job_id: j.node for j in cp.jobs if not j.is_copy}
    copies = {j.job_id: list(j.crew) for j in cp.jobs if j.crew}
    visits: dict[tuple[int, str], list[int]] = {}
    for visit in cp.visits:
        visits.setdefault((visit.vehicle, visit.depot_id), []).append(visit.node)
    out: list[list[int]] = [[] for _ in range(len(cp.vehicles) + len(cp.providers))]
    starts: dict[int, int] = {}
    times: dict[int, tuple[int, int]] = {}
    breaks: dict[int, list[int]] = {}
    complete = True
    for route in plan.routes:
        v = vehicle_of.get((route.engineer_id, route.shift_index))
        if v is None:
            continue
        free = {key: list(nodes) for key, nodes in visits.items() if key[0] == v}
        for stop in route.stops:
            node = None
            if stop.kind == "pickup":
                spare = free.get((v, stop.job_id))
                node = spare.pop(0) if spare else None
            elif stop.crew and stop.crew[0] != route.engineer_id:
                spare = copies.get(stop.job_id)  # a crew member's stop: one of the copies
                node = spare.pop(0) if spare else None
            elif stop.job_id in node_of:
                node = node_of[stop.job_id]
            if node is None:
                complete = False
                continue
            out[v].append(node)
            starts[node] = cp.clock.seconds(stop.start)
        times[v] = (cp.clock.seconds(route.departure), cp.clock.seconds(route.arrival))
        breaks[v] = [cp.clock.seconds(b.start) for b in route.breaks]
    provider_of = {p.provider_id: k for k, p in enumerate(cp.providers)}
    for given in sorted(
        plan.outsourced, key=lambda o: 0 if o.window is None else cp.clock.seconds(o.window.start)
    ):
        k = provider_of.get(given.provider_id)
        node = node_of.get(given.job_id)
        if k is None or node is None:
            complete = False
            continue
        v = len(cp.vehicles) + k
        ready = cp.providers[k].ready
        at = ready if given.window is None else max(ready, cp.clock.seconds(given.window.start))
        at = max([at] + [starts[n] for n in out[v]])
        out[v].append(node)
        starts[node] = at
        times[v] = (min(ready, at), at)
    if not complete:
        # A route with stops this problem lacks no longer has the plan's times.
        starts, times, breaks = {}, {}, {}
    return Start(out, starts, times, breaks)


def _timed_assignment(build: RoutingBuild, start: Start) -> pywrapcp.Assignment | None:
    """An assignment of ``start``'s routes with every cumul and break fixed, or ``None`` when
    ``start`` has no times or its routes do not fit the model's variables."""
    if not start.node_starts and not start.vehicle_times:
        return None
    routing, manager, time_dim = build.routing, build.manager, build.time
    assignment = routing.solver().Assignment()
    indices = [[manager.NodeToIndex(n) for n in route] for route in start.routes]
    if not routing.RoutesToAssignment(indices, True, True, assignment):
        return None
    for node, at in start.node_starts.items():
        var = time_dim.CumulVar(manager.NodeToIndex(node))
        assignment.Add(var)
        assignment.SetValue(var, at)
    for v, (leave, back) in start.vehicle_times.items():
        for var, at in (
            (time_dim.CumulVar(routing.Start(v)), leave),
            (time_dim.CumulVar(routing.End(v)), back),
        ):
            assignment.Add(var)
            assignment.SetValue(var, at)
        shift_breaks = build.breaks[v] if v < len(build.breaks) else []
        for interval, at in zip(shift_breaks, start.break_starts.get(v, []), strict=False):
            assignment.Add(interval)
            assignment.SetStartRange(interval, at, at)
            assignment.SetPerformedRange(interval, 1, 1)
    return assignment


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
    "Start",
    "routes_from_plan",
    "search",
    "start_from_plan",
    "solve_ortools",
]

"""The PyVRP engine for pure-VRPTW days: PyVRP's iterated local search on our compiled arrays.

Used only where the day uses nothing beyond :data:`MODELS` (no breaks, skills that restrict,
parts, SLA clocks, ...); OR-Tools stays the engine for everything else.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from dispatchopt.errors import InputError, SolverError
from dispatchopt.models import Plan, Problem, Route, Stop
from dispatchopt.solvers.capabilities import Capabilities, Feature
from dispatchopt.solvers.compiled import (
    OBJECTIVE_UNITS,
    CompiledProblem,
    compile_problem,
)
from dispatchopt.solvers.engines.decoding import job_stop_details, retimed, unassigned_jobs
from dispatchopt.solvers.progress import ProgressCallback
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.summary import summarize

if TYPE_CHECKING:
    from pyvrp import ProblemData

NAME = "pyvrp"
MODELS = frozenset(
    {
        Feature.CAPACITY,
        Feature.MAX_WORKING_TIME,
        Feature.OVERTIME,
        Feature.VEHICLE_PROFILES,
        Feature.MULTIPLE_SHIFTS,
        Feature.NO_COORDINATES,
    }
)
"""What this engine models exactly: time windows (one per job), shifts, capacities, unpaid
overtime allowances, maximum working time, vehicle profiles and optional jobs."""
_OBJECTIVES = frozenset({"distance", "travel_time", "cost"})


def unsupported_by_pyvrp(caps: Capabilities) -> str | None:
    """``None`` when PyVRP models a day with these capabilities exactly, else a short reason."""
    if not caps.jobs or not caps.engineers:
        return "nothing to route (no engineers or no jobs)"
    if caps.objective not in _OBJECTIVES:
        return f"objective {caps.objective!r} (PyVRP engine handles distance, travel_time and cost)"
    return caps.reason(MODELS)


def pyvrp_unsupported(problem: Problem) -> str | None:
    """``None`` when PyVRP models ``problem`` exactly (a pure VRPTW day), else a short reason."""
    return unsupported_by_pyvrp(Capabilities.of(problem))


def pyvrp_available() -> bool:
    """True when the PyVRP package can be imported."""
    return importlib.util.find_spec("pyvrp") is not None


@dataclass(frozen=True)
class PyVrp:
    """PyVRP's iterated local search on our compiled arrays, as strategies hold it."""

    name: str = NAME

    def unsupported(self, caps: Capabilities) -> str | None:
        """Why PyVRP cannot plan this day exactly, or ``None``."""
        if not pyvrp_available():
            return "PyVRP is not installed"
        return unsupported_by_pyvrp(caps)

    def solve(
        self,
        cp: CompiledProblem,
        *,
        deadline: Deadline,
        seed: int = 0,
        initial: Plan | None = None,
        progress: ProgressCallback | None = None,
    ) -> Plan:
        """Plan ``cp`` until ``deadline`` (``initial`` and ``progress`` are not used)."""
        return plan_pyvrp(cp, deadline=deadline, seed=seed)


@dataclass(frozen=True)
class _Fleet:
    """PyVRP vehicle types over our vehicles (shifts): ``members[t]`` are the vehicles of type
    ``t`` in our order, which is how PyVRP's routes of that type are handed back to them."""

    members: list[list[int]]
    depots: list[int]
    """Our node of each PyVRP depot."""
    profiles: list[int]
    """For each PyVRP routing profile, one of our vehicles whose travel times it takes."""


def _fleet(cp: CompiledProblem) -> _Fleet:
    keys: dict[tuple[object, ...], list[int]] = {}
    profiles: dict[tuple[str | None, int, int], int] = {}
    for v, veh in enumerate(cp.vehicles):
        profile = profiles.setdefault(cp.travel_key(v), len(profiles))
        key = (
            veh.start_node,
            veh.end_node,
            veh.shift_start,
            veh.hard_end,
            veh.max_span,
            veh.capacity,
            veh.fixed_cost,
            veh.span_cost_per_s,
            round(veh.cost_per_m),
            profile,
        )
        keys.setdefault(key, []).append(v)
    depots = sorted({v.start_node for v in cp.vehicles} | {v.end_node for v in cp.vehicles})
    first_of = {
        p: min(v for v in range(len(cp.vehicles)) if cp.travel_key(v) == k)
        for k, p in profiles.items()
    }
    return _Fleet(list(keys.values()), depots, [first_of[p] for p in range(len(profiles))])


def _problem_data(cp: CompiledProblem, fleet: _Fleet) -> ProblemData:
    import pyvrp

    kind = cp.problem.objective.kind
    depot_index = {node: i for i, node in enumerate(fleet.depots)}
    total_demand = sum(j.demand for j in cp.jobs)
    clients = [
        pyvrp.Client(
            location=job.node,
            delivery=[job.demand],
            service_duration=job.service[0],
            tw_early=job.windows[0][0],
            tw_late=job.windows[0][1],
            # Every job is optional to PyVRP: a mandatory one carries our (huge) unplanned-job
            # penalty as its prize, so a day that cannot all fit still yields a feasible plan.
            prize=job.penalty,
            required=False,
            name=job.job_id,
        )
        for job in cp.jobs
    ]
    depots = [pyvrp.Depot(location=node) for node in fleet.depots]
    durations = [cp.travel(v).astype(np.int64) for v in fleet.profiles]
    # In travel_time mode the "distance" PyVRP minimises is driving seconds.
    distance = cp.distance().astype(np.int64) if kind != "travel_time" else None
    distances = [distance if distance is not None else d for d in durations]
    profile_of = {cp.travel_key(v): p for p, v in enumerate(fleet.profiles)}
    vehicle_types = []
    for members in fleet.members:
        veh = cp.vehicles[members[0]]
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=len(members),
                capacity=[veh.capacity if veh.capacity is not None else total_demand],
                start_depot=depot_index[veh.start_node],
                end_depot=depot_index[veh.end_node],
                fixed_cost=veh.fixed_cost,
                tw_early=veh.shift_start,
                tw_late=veh.hard_end,
                shift_duration=veh.max_span if veh.max_span is not None else np.iinfo(np.int64).max,
                unit_distance_cost=round(veh.cost_per_m) if kind == "cost" else 1,
                unit_duration_cost=veh.span_cost_per_s,
                profile=profile_of[cp.travel_key(members[0])],
                name=veh.engineer_id,
            )
        )
    return pyvrp.ProblemData(
        locations=[pyvrp.Location(0, 0) for _ in range(cp.num_nodes)],
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        # PyVRP's stub spells the matrix type as ndarray[int]; any int64 ndarray is accepted.
        distance_matrices=distances,  # type: ignore[arg-type]
        duration_matrices=durations,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class _Schedule:
    departure: int
    starts: list[int]
    arrival: int
    """Back at the end place."""


def _forward(
    cp: CompiledProblem, v: int, nodes: list[int], departure: int, travel: npt.NDArray[np.int32]
) -> _Schedule:
    """Each stop starts on arrival or when its window opens, whichever is later."""
    veh = cp.vehicles[v]
    t, prev, starts = departure, veh.start_node, []
    for node in nodes:
        job = cp.jobs[node]
        start = max(t + int(travel[prev, node]), job.windows[0][0])
        starts.append(start)
        t, prev = start + job.service[v], node
    return _Schedule(departure, starts, t + int(travel[prev, veh.end_node]))


def _latest_departure(
    cp: CompiledProblem, v: int, nodes: list[int], back_by: int, travel: npt.NDArray[np.int32]
) -> int:
    """The latest departure that still starts every stop in its window and is back by
    ``back_by``."""
    veh = cp.vehicles[v]
    latest, nxt = back_by, veh.end_node
    for node in reversed(nodes):
        job = cp.jobs[node]
        latest = min(job.windows[0][1], latest - int(travel[node, nxt]) - job.service[v])
        nxt = node
    return latest - int(travel[veh.start_node, nxt])


def schedule_route(cp: CompiledProblem, v: int, nodes: list[int]) -> _Schedule:
    """Times for vehicle ``v`` visiting job ``nodes`` in order: back as early as possible, and
    leaving as late as that allows (no waiting that a later departure would avoid).

    Where the route must be shorter (``max_working_minutes``) or working time costs money, the
    shortest-span schedule is used instead when it is shorter.
    """
    veh = cp.vehicles[v]
    travel = cp.travel(v)
    earliest_back = _forward(cp, v, nodes, veh.shift_start, travel).arrival
    compact = _forward(cp, v, nodes, _latest_departure(cp, v, nodes, earliest_back, travel), travel)
    if veh.max_span is None and veh.span_cost_per_s == 0:
        return compact
    latest = _latest_departure(cp, v, nodes, veh.hard_end, travel)
    shortest = _forward(cp, v, nodes, max(veh.shift_start, latest), travel)
    if shortest.arrival - shortest.departure < compact.arrival - compact.departure:
        return shortest
    return compact


def _check(cp: CompiledProblem, v: int, nodes: list[int], sched: _Schedule) -> str | None:
    """What breaks a hard rule in this route, if anything (our own re-check of PyVRP's answer)."""
    veh = cp.vehicles[v]
    if sched.departure < veh.shift_start:
        return "leaves before its shift"
    for node, start in zip(nodes, sched.starts, strict=True):
        a, b = cp.jobs[node].windows[0]
        if not a <= start <= b:
            return f"job {cp.jobs[node].job_id} starts outside its window"
    if sched.arrival > veh.hard_end:
        return "back after its shift"
    if veh.max_span is not None and sched.arrival - sched.departure > veh.max_span:
        return "longer than max_working_minutes"
    if veh.capacity is not None and sum(cp.jobs[n].demand for n in nodes) > veh.capacity:
        return "over capacity"
    return None


def _route(cp: CompiledProblem, v: int, nodes: list[int]) -> Route:
    veh = cp.vehicles[v]
    sched = schedule_route(cp, v, nodes)
    broken = _check(cp, v, nodes, sched)
    if broken is not None:
        raise SolverError(
            f"PyVRP returned a route for {veh.engineer_id} that breaks a rule ({broken}); "
            "please report it (the OR-Tools engine plans this day too)"
        )
    travel, distance = cp.travel(v), cp.distance()
    stops: list[Stop] = []
    prev, prev_end = veh.start_node, sched.departure
    for node, start in zip(nodes, sched.starts, strict=True):
        job = cp.jobs[node]
        leg = int(travel[prev, node])
        stops.append(
            Stop(
                job_id=job.job_id,
                arrival=cp.at(prev_end + leg),
                start=cp.at(start),
                end=cp.at(start + job.service[v]),
                travel_s=leg,
                distance_m=int(distance[prev, node]),
                wait_s=start - (prev_end + leg),
                **job_stop_details(cp, job, veh.engineer_id, start, start + job.service[v]),
            )
        )
        prev, prev_end = node, start + job.service[v]
    return Route(
        engineer_id=veh.engineer_id,
        shift_index=veh.shift_index,
        departure=cp.at(sched.departure),
        arrival=cp.at(sched.arrival),
        stops=stops,
        return_travel_s=int(travel[prev, veh.end_node]),
        return_distance_m=int(distance[prev, veh.end_node]),
    )


def solve_pyvrp(problem: Problem, *, time_limit: float, seed: int = 0) -> Plan:
    """Plan a pure-VRPTW ``problem`` with PyVRP for ``time_limit`` seconds.

    Raises :class:`InputError` when :func:`pyvrp_unsupported` names a reason (use the OR-Tools
    engine then), and :class:`SolverError` rather than return a plan that breaks a rule.
    """
    deadline = Deadline.after(time_limit)
    reason = PyVrp().unsupported(Capabilities.of(problem))
    if reason is not None:
        raise InputError([("engine", "pyvrp", f"PyVRP cannot model this problem: {reason}")])
    return plan_pyvrp(compile_problem(problem), deadline=deadline, seed=seed)


def plan_pyvrp(cp: CompiledProblem, *, deadline: Deadline, seed: int = 0) -> Plan:
    """Plan a compiled pure-VRPTW day with PyVRP until ``deadline``."""
    import pyvrp
    from pyvrp.stop import MaxIterations, MaxRuntime

    started = time.perf_counter()
    problem = cp.problem
    routes: list[Route] = []
    objective = None
    if cp.jobs and cp.vehicles:
        fleet = _fleet(cp)
        data = _problem_data(cp, fleet)
        stop: MaxRuntime | MaxIterations = MaxRuntime(max(0.01, deadline.remaining()))
        if deadline.max_solutions is not None:
            stop = MaxIterations(deadline.max_solutions)
        result = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False)
        if not result.is_feasible():
            raise SolverError(
                "PyVRP's best solution breaks a rule although every job was optional to it; "
                "please report it (the OR-Tools engine plans this day too)"
            )
        used = [0] * len(fleet.members)
        for pv_route in result.best.routes():
            t = pv_route.vehicle_type()
            v = fleet.members[t][used[t]]
            used[t] += 1
            nodes = [int(a.idx) for a in pv_route if a.is_client()]
            routes.append(retimed(cp, _route(cp, v, nodes), v))
        order = {eng.id: i for i, eng in enumerate(problem.engineers)}
        routes.sort(key=lambda r: (order[r.engineer_id], r.shift_index))
        objective = result.cost() / OBJECTIVE_UNITS[problem.objective.kind]
    served = {s.job_id for r in routes for s in r.stops}
    plan = Plan(routes=routes, unassigned=unassigned_jobs(cp, served, routes))
    plan.summary = summarize(
        problem,
        plan,
        solver=NAME,
        objective=objective,
        solve_seconds=time.perf_counter() - started,
    )
    return plan


__all__ = [
    "MODELS",
    "NAME",
    "PyVrp",
    "plan_pyvrp",
    "pyvrp_available",
    "pyvrp_unsupported",
    "schedule_route",
    "solve_pyvrp",
    "unsupported_by_pyvrp",
]

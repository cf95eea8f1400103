"""The VROOM engine: VROOM's local search (through ``pyvroom``) on our compiled arrays.

VROOM models skills, several windows per job, breaks, priorities, per-engineer time on site and
capacities exactly, and is fast on field days; it does not price working time, overtime or SLA
lateness (its plans stay valid, they are only priced differently), and it cannot plan depot
visits, precedence or a maximum working time. Strategies use it to explore a day and let
OR-Tools, which models every rule, finish from its routes.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from dispatchopt.errors import SolverError
from dispatchopt.models import BreakTaken, Plan, Route, Stop
from dispatchopt.solvers.capabilities import Capabilities, Feature
from dispatchopt.solvers.compiled import UNITS_PER_KM, CompiledProblem
from dispatchopt.solvers.engines.decoding import job_stop_details, retimed, unassigned_jobs
from dispatchopt.solvers.progress import ProgressCallback
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.summary import summarize

NAME = "vroom"
MODELS = frozenset(
    {
        Feature.BREAKS,
        Feature.RESTRICTED_ENGINEERS,
        Feature.MULTIPLE_WINDOWS,
        Feature.LOCKS,
        Feature.DURATION_BY_LEVEL,
        Feature.VEHICLE_PROFILES,
        Feature.TIME_DEPENDENT_TRAVEL,
        Feature.OVERTIME,
        Feature.CAPACITY,
        Feature.MULTIPLE_SHIFTS,
        Feature.NO_COORDINATES,
        Feature.PARTS,
        Feature.TOOLS,
    }
)
"""Hard rules this engine keeps exactly. Parts and tools count only while every job's parts
and tools come from the vans (depot visits are beyond it); rush hours are planned with each
shift's safe (slowest) drive times, as the OR-Tools engine plans them."""
PRICED_ELSEWHERE = frozenset(
    {
        Feature.SLA_CLOCKS,
        Feature.SOFT_WINDOWS,
        Feature.PAID_OVERTIME,
        Feature.PREFERRED_ENGINEERS,
        Feature.FIRST_TIME_FIX,
    }
)
"""Costs VROOM does not see: its plans keep every rule, and a finishing engine prices them."""
EXPLORATION = 5
"""VROOM's exploration level (0-5): 5 tries the most construction variants."""
CENTS = 100
"""VROOM takes integer costs: money is passed in cents."""


def vroom_available() -> bool:
    """True when ``pyvroom`` can be imported."""
    return importlib.util.find_spec("vroom") is not None


def unsupported_by_vroom(caps: Capabilities, *, exact: bool = False) -> str | None:
    """Why VROOM cannot plan a day with ``caps`` (``None`` when it can); with ``exact``, costs
    it does not price count as reasons too."""
    if not caps.jobs or not caps.engineers:
        return "nothing to route (no engineers or no jobs)"
    # Hard SLA deadlines, release times and locked starts are cut into the compiled windows.
    modelled = MODELS if exact else MODELS | PRICED_ELSEWHERE
    return caps.reason(modelled)


@dataclass(frozen=True)
class Vroom:
    """VROOM as strategies hold it: ``exploration`` level and threads."""

    exploration: int = EXPLORATION
    threads: int = 1
    name: str = NAME

    def unsupported(self, caps: Capabilities) -> str | None:
        """Why VROOM cannot keep every rule of this day, or ``None``."""
        if not vroom_available():
            return "pyvroom is not installed"
        return unsupported_by_vroom(caps)

    def solve(
        self,
        cp: CompiledProblem,
        *,
        deadline: Deadline,
        seed: int = 0,
        initial: Plan | None = None,
        progress: ProgressCallback | None = None,
    ) -> Plan:
        """Plan ``cp`` until ``deadline`` (``initial``'s routes are VROOM's starting point)."""
        del seed, progress  # VROOM is deterministic for a given input and reports no progress
        started = time.perf_counter()
        if cp.visits:
            raise SolverError("VROOM cannot plan depot visits; plan this day with OR-Tools")
        routes = vroom_routes(
            cp,
            deadline=deadline,
            initial=None if initial is None else _initial_routes(cp, initial),
            exploration=self.exploration,
            threads=self.threads,
        )
        return plan_from_vroom(cp, routes, solve_seconds=time.perf_counter() - started)


@dataclass(frozen=True)
class VroomStep:
    """One step of a VROOM route, in engine seconds."""

    kind: str
    """``job`` or ``break``."""
    node: int
    """The job node (for a break: the break's index in the shift)."""
    arrival: int
    start: int
    end: int


@dataclass(frozen=True)
class VroomRoute:
    """A VROOM route of vehicle ``vehicle``: when it leaves, its steps, when it is back."""

    vehicle: int
    departure: int
    steps: tuple[VroomStep, ...]
    arrival: int

    @property
    def nodes(self) -> list[int]:
        """The job nodes in visiting order."""
        return [s.node for s in self.steps if s.kind == "job"]


Visit = tuple[str, int]
"""A step of a starting route: ``("job", node)`` or ``("break", index in the shift)``."""


def vroom_routes(
    cp: CompiledProblem,
    *,
    deadline: Deadline,
    initial: list[list[Visit]] | None = None,
    exploration: int = EXPLORATION,
    threads: int = 1,
) -> list[VroomRoute]:
    """VROOM's routes for ``cp``, searched until ``deadline`` (from ``initial`` steps per
    vehicle when given; a start VROOM finds infeasible is dropped and it starts afresh)."""
    import vroom

    if not cp.jobs or not cp.vehicles:
        return []
    try:
        return _vroom_routes(cp, deadline, initial, exploration, threads)
    except vroom._vroom.VroomInputException:
        if initial is None:
            raise
        return _vroom_routes(cp, deadline, None, exploration, threads)


def _vroom_routes(
    cp: CompiledProblem,
    deadline: Deadline,
    initial: list[list[Visit]] | None,
    exploration: int,
    threads: int,
) -> list[VroomRoute]:
    import vroom

    inp = vroom.Input()
    profile_of = _set_matrices(inp, cp)
    types = _vehicle_types(cp)
    skills = _skills(cp)
    sku_dims = list(cp.skus)
    capacity = any(v.capacity is not None for v in cp.vehicles) and any(j.demand for j in cp.jobs)
    top = max([j.penalty for j in cp.jobs] + [1])
    for v, veh in enumerate(cp.vehicles):
        amounts = []
        if capacity:
            amounts.append(veh.capacity if veh.capacity is not None else _big_load(cp))
        amounts += [cp.van_stock[v].get(sku, 0) for sku in sku_dims]
        steps = None
        if initial is not None and any(kind == "job" for kind, _ in initial[v]):
            steps = [vroom.VehicleStepStart()]
            steps += [
                vroom.VehicleStepSingle(i + 1)
                if kind == "job"
                else vroom.VehicleStepBreak(_break_id(v, i, cp))
                for kind, i in initial[v]
            ]
            steps.append(vroom.VehicleStepEnd())
        inp.add_vehicle(
            vroom.Vehicle(
                v,
                start=veh.start_node,
                end=veh.end_node,
                profile=profile_of[v],
                capacity=amounts,
                skills=skills.vehicle[v],
                time_window=vroom.TimeWindow(veh.shift_start, veh.hard_end),
                breaks=[
                    vroom.Break(
                        _break_id(v, k, cp), time_windows=[vroom.TimeWindow(lo, hi)], service=dur
                    )
                    for k, (lo, hi, dur) in enumerate(veh.breaks)
                ],
                costs=_costs(cp, v),
                type=types.name[v],
                **({"steps": steps} if steps else {}),
            )
        )
    jobs = []
    for job in cp.jobs:
        amounts = [job.demand] if capacity else []
        parts = dict(job.parts)
        amounts += [parts.get(sku, 0) for sku in sku_dims]
        jobs.append(
            vroom.Job(
                job.node + 1,
                location=job.node,
                default_service=types.default_service[job.node],
                service_per_type=types.service_per_type[job.node] or None,
                delivery=amounts,
                skills=skills.job[job.node],
                priority=_priority(job.penalty, top),
                time_windows=[vroom.TimeWindow(a, min(b, cp.horizon)) for a, b in job.windows],
            )
        )
    inp.add_job(jobs)
    timeout = None if deadline.repeatable else timedelta(seconds=max(0.05, deadline.remaining()))
    solution = inp.solve(exploration_level=exploration, nb_threads=threads, timeout=timeout)
    return _decode(solution.to_dict(), cp)


def _big_load(cp: CompiledProblem) -> int:
    return int(sum(j.demand for j in cp.jobs)) + 1


def _break_id(v: int, k: int, cp: CompiledProblem) -> int:
    most = max((len(veh.breaks) for veh in cp.vehicles), default=0)
    return v * most + k + 1


def _priority(penalty: int, top: int) -> int:
    """VROOM's 0-100 priority keeps the ratios of our drop penalties (it serves the highest
    priority sum first, as our objective does)."""
    return max(1, min(100, round(100 * penalty / top)))


def _costs(cp: CompiledProblem, v: int) -> Any:
    import vroom

    veh = cp.vehicles[v]
    kind = cp.problem.objective.kind
    if kind == "distance":
        return vroom.VehicleCosts(fixed=0, per_hour=0, per_km=UNITS_PER_KM)
    if kind in ("travel_time", "working_time"):
        return vroom.VehicleCosts(fixed=0, per_hour=3600, per_km=0)
    eng = cp.problem.engineer_by_id[veh.engineer_id]
    return vroom.VehicleCosts(
        fixed=round(eng.fixed_cost * CENTS),
        per_hour=round(eng.cost_per_hour * CENTS),
        per_km=round(eng.cost_per_km * CENTS),
    )


def _set_matrices(inp: Any, cp: CompiledProblem) -> list[str]:
    """One VROOM profile per distinct travel key; returns each vehicle's profile name."""
    names: dict[tuple[str | None, int, int], str] = {}
    distance = np.ascontiguousarray(cp.distance(), dtype=np.uint32)
    out = []
    for v in range(len(cp.vehicles)):
        key = cp.travel_key(v)
        if key not in names:
            names[key] = f"p{len(names)}"
            inp.set_durations_matrix(
                names[key], np.ascontiguousarray(cp.travel(v), dtype=np.uint32)
            )
            inp.set_distances_matrix(names[key], distance)
        out.append(names[key])
    return out


@dataclass(frozen=True)
class _Types:
    name: list[str]
    default_service: dict[int, int]
    service_per_type: dict[int, dict[str, int]]


def _vehicle_types(cp: CompiledProblem) -> _Types:
    """Vehicles grouped by their time on site at every job (skill levels change it)."""
    if not cp.jobs:
        return _Types(["t0"] * len(cp.vehicles), {}, {})
    service = np.array([j.service for j in cp.jobs], dtype=np.int64)  # jobs x vehicles
    keys: dict[bytes, str] = {}
    name = []
    for v in range(len(cp.vehicles)):
        name.append(keys.setdefault(service[:, v].tobytes(), f"t{len(keys)}"))
    first_of = {t: name.index(t) for t in keys.values()}
    default: dict[int, int] = {}
    per_type: dict[int, dict[str, int]] = {}
    for job in cp.jobs:
        values = {t: int(service[job.node, v]) for t, v in first_of.items()}
        base = min(values.values())
        default[job.node] = base
        per_type[job.node] = {t: s for t, s in values.items() if s != base}
    return _Types(name, default, per_type)


@dataclass(frozen=True)
class _Skills:
    job: dict[int, set[int]]
    vehicle: list[set[int]]


def _skills(cp: CompiledProblem) -> _Skills:
    """One VROOM skill per distinct set of allowed vehicles: a job needs its set's skill, the
    vehicles of the set hold it (jobs any vehicle may serve need none)."""
    everyone = tuple(range(len(cp.vehicles)))
    ids: dict[tuple[int, ...], int] = {}
    job: dict[int, set[int]] = {}
    vehicle: list[set[int]] = [set() for _ in cp.vehicles]
    for j in cp.jobs:
        if j.allowed == everyone:
            job[j.node] = set()
            continue
        if j.allowed not in ids:
            ids[j.allowed] = len(ids) + 1
            for v in j.allowed:
                vehicle[v].add(ids[j.allowed])
        job[j.node] = {ids[j.allowed]}
    return _Skills(job, vehicle)


def _decode(out: dict[str, Any], cp: CompiledProblem) -> list[VroomRoute]:
    if out.get("code", 0) != 0:
        raise SolverError(f"VROOM failed: {out.get('error', out.get('code'))}")
    n_breaks = max((len(veh.breaks) for veh in cp.vehicles), default=0)
    routes = []
    for route in out.get("routes", []):
        v = int(route["vehicle"])
        steps = []
        departure = arrival = cp.vehicles[v].shift_start
        for step in route["steps"]:
            kind = step["type"]
            at = int(step["arrival"])
            begin = at + int(step.get("waiting_time", 0)) + int(step.get("setup", 0))
            if kind == "start":
                departure = at
            elif kind == "end":
                arrival = at
            elif kind == "job":
                node = int(step["id"]) - 1
                steps.append(VroomStep("job", node, at, begin, begin + int(step["service"])))
            elif kind == "break":
                k = (int(step["id"]) - 1) - v * n_breaks
                steps.append(VroomStep("break", k, at, begin, begin + int(step["service"])))
        routes.append(VroomRoute(v, departure, tuple(steps), arrival))
    routes.sort(key=lambda r: r.vehicle)
    return routes


def _initial_routes(cp: CompiledProblem, plan: Plan) -> list[list[Visit]]:
    """Each vehicle's jobs of ``plan`` in order, with its breaks where the plan takes them."""
    vehicle_of = {(v.engineer_id, v.shift_index): i for i, v in enumerate(cp.vehicles)}
    node_of = {j.job_id: j.node for j in cp.jobs}
    out: list[list[Visit]] = [[] for _ in cp.vehicles]
    for route in plan.routes:
        v = vehicle_of.get((route.engineer_id, route.shift_index))
        if v is None:
            continue
        events: list[tuple[object, int, Visit]] = [
            (stop.start, 1, ("job", node_of[stop.job_id]))
            for stop in route.jobs
            if stop.job_id in node_of
        ]
        events += [(brk.start, 0, ("break", k)) for k, brk in enumerate(route.breaks)]
        events.sort(key=lambda e: (e[0], e[1]))
        out[v] = [visit for _, _, visit in events]
    return out


def plan_from_vroom(
    cp: CompiledProblem, routes: list[VroomRoute], *, solve_seconds: float = 0.0
) -> Plan:
    """A domain plan with VROOM's times (every job not in a route is explained)."""
    distance = cp.distance()
    out: list[Route] = []
    served: set[str] = set()
    for vr in routes:
        if not vr.nodes:
            continue
        veh = cp.vehicles[vr.vehicle]
        travel = cp.travel(vr.vehicle)
        stops: list[Stop] = []
        breaks: list[BreakTaken] = []
        prev = veh.start_node
        for step in vr.steps:
            if step.kind == "break":
                breaks.append(BreakTaken(start=cp.at(step.start), end=cp.at(step.end)))
                continue
            job = cp.jobs[step.node]
            stops.append(
                Stop(
                    job_id=job.job_id,
                    arrival=cp.at(step.arrival),
                    start=cp.at(step.start),
                    end=cp.at(step.end),
                    travel_s=int(travel[prev, step.node]),
                    distance_m=int(distance[prev, step.node]),
                    wait_s=step.start - step.arrival,
                    **job_stop_details(cp, job, veh.engineer_id, step.start, step.end),
                )
            )
            served.add(job.job_id)
            prev = step.node
        # Breaks VROOM left out fall outside the route (before leaving or after getting back).
        for k in range(len(breaks), len(veh.breaks)):
            lo, hi, dur = veh.breaks[k]
            at = hi if hi >= vr.arrival else lo
            breaks.append(BreakTaken(start=cp.at(at), end=cp.at(at + dur)))
        route = Route(
            engineer_id=veh.engineer_id,
            shift_index=veh.shift_index,
            departure=cp.at(vr.departure),
            arrival=cp.at(vr.arrival),
            stops=stops,
            breaks=sorted(breaks, key=lambda b: b.start),
            return_travel_s=int(travel[prev, veh.end_node]),
            return_distance_m=int(distance[prev, veh.end_node]),
        )
        out.append(retimed(cp, route, vr.vehicle))
    order = {eng.id: i for i, eng in enumerate(cp.problem.engineers)}
    out.sort(key=lambda r: (order[r.engineer_id], r.shift_index))
    plan = Plan(routes=out, unassigned=unassigned_jobs(cp, served, out))
    plan.summary = summarize(cp.problem, plan, solver=NAME, solve_seconds=solve_seconds)
    return plan


__all__ = [
    "MODELS",
    "NAME",
    "PRICED_ELSEWHERE",
    "Vroom",
    "VroomRoute",
    "VroomStep",
    "plan_from_vroom",
    "unsupported_by_vroom",
    "vroom_available",
    "vroom_routes",
]

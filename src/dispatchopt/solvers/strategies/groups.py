"""Re-optimise a plan group by group: neighbouring routes, their jobs and the unplanned jobs
near them, each group solved as a part of the compiled day by any engine.

A group's new routes replace its old ones only when they lower the objective (serving more
of what matters first), so the plan never gets worse. Groups of one round share no vehicle
and no job, so they can run side by side on a ``concurrent.futures.Executor``; each round
draws the borders in another direction, so jobs near a border get their turn inside a group.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dispatchopt.models import Location, Plan, Problem, Route
from dispatchopt.solvers.compiled import CompiledProblem
from dispatchopt.solvers.compiled.restrict import restrict
from dispatchopt.solvers.engines import Engine
from dispatchopt.solvers.engines.decoding import unassigned_jobs
from dispatchopt.solvers.objective import drop_penalty, plan_score, route_cost
from dispatchopt.solvers.stop import Deadline

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
"""Each round turns the cutting direction by this much, so borders never repeat."""
MIN_GROUP_SECONDS = 0.3
"""A group solve shorter than this cannot do useful work; the round stops instead."""


@dataclass(frozen=True)
class Group:
    """Vehicles whose routes lie together, and the job nodes they share out."""

    vehicles: tuple[int, ...]
    jobs: tuple[int, ...]


def node_positions(cp: CompiledProblem) -> npt.NDArray[np.float64] | None:
    """Planar km coordinates of every node (lat/lon projected around the day's centre), or
    ``None`` when some place has no coordinates (a given matrix)."""
    problem = cp.problem
    at: dict[int, Location] = {}
    mats = cp.matrices
    for job in problem.jobs:
        at[mats.job_point[job.id]] = job.location
    for eng in problem.engineers:
        at[mats.start_point[eng.id]] = eng.start_location
        at[mats.end_point[eng.id]] = eng.home
    for depot in problem.depots:
        at[mats.depot_point[depot.id]] = depot.location
    xy = []
    for point in cp.node_point:
        loc = at.get(int(point))
        if loc is None:
            return None
        if loc.x is not None and loc.y is not None:
            xy.append((float(loc.x), float(loc.y), 0.0))
        elif loc.lat is not None and loc.lon is not None:
            xy.append((float(loc.lon), float(loc.lat), 1.0))
        else:
            return None
    arr = np.array(xy, dtype=np.float64).reshape(-1, 3)
    geo = arr[:, 2] > 0
    if geo.any():
        lat0 = math.radians(float(arr[geo, 1].mean()))
        arr[geo, 0] *= 111.32 * math.cos(lat0)
        arr[geo, 1] *= 110.57
    return arr[:, :2]


def vehicle_groups(
    cp: CompiledProblem,
    routes: Sequence[Sequence[int]],
    unplanned: Sequence[int],
    *,
    group_jobs: int,
    round_no: int,
    xy: npt.NDArray[np.float64],
) -> list[Group]:
    """Vehicles cut into groups of about ``group_jobs`` jobs by recursive halving along a
    direction that turns each round; every unplanned job joins the group of the nearest
    vehicle allowed to serve it."""
    n = len(cp.vehicles)
    pos = np.empty((n, 2))
    load = np.zeros(n)
    for v, veh in enumerate(cp.vehicles):
        nodes = list(routes[v])
        pos[v] = xy[nodes].mean(axis=0) if nodes else xy[veh.start_node]
        load[v] = len(nodes)
    # Idle vehicles weigh as much as an average busy one, so groups get a share of them.
    load[load == 0] = max(1.0, float(load.sum()) / max(1, int((load > 0).sum())))
    near: dict[int, list[int]] = {}
    if len(unplanned):
        free = np.asarray(unplanned, dtype=np.int64)
        gap = ((xy[free][:, None, :] - pos[None, :, :]) ** 2).sum(axis=2)
        for row, node in enumerate(free):
            allowed = list(cp.jobs[int(node)].allowed)
            if not allowed:
                continue
            best = allowed[int(np.argmin(gap[row, allowed]))]
            near.setdefault(best, []).append(int(node))
            load[best] += 1
    cells: list[list[int]] = []
    _halve(list(range(n)), pos, load, group_jobs, round_no * GOLDEN_ANGLE, cells)
    out = []
    for cell in cells:
        jobs = [j for v in cell for j in routes[v]] + [j for v in cell for j in near.get(v, [])]
        if jobs:
            out.append(Group(tuple(sorted(cell)), tuple(jobs)))
    return out


def _halve(
    members: list[int],
    pos: npt.NDArray[np.float64],
    load: npt.NDArray[np.float64],
    limit: int,
    angle: float,
    out: list[list[int]],
) -> None:
    if float(load[members].sum()) <= limit or len(members) < 2:
        out.append(members)
        return
    direction = np.array([math.cos(angle), math.sin(angle)])
    order = sorted(members, key=lambda v: (float(pos[v] @ direction), v))
    weights = np.cumsum(load[order])
    cut = int(np.searchsorted(weights, weights[-1] / 2)) + 1
    cut = min(max(cut, 1), len(order) - 1)
    _halve(order[:cut], pos, load, limit, angle + math.pi / 2, out)
    _halve(order[cut:], pos, load, limit, angle + math.pi / 2, out)


def _solve_part(
    engine: Engine, cp: CompiledProblem, initial: Plan, seconds: float, seed: int
) -> Plan:
    """One group's solve (top-level, so a process pool or a cluster can run it)."""
    return engine.solve(cp, deadline=Deadline.after(seconds), seed=seed, initial=initial)


def improve_by_groups(
    cp: CompiledProblem,
    plan: Plan,
    engine: Engine,
    *,
    deadline: Deadline,
    group_jobs: int = 250,
    group_seconds: float = 5.0,
    rounds: int | None = None,
    executor: Executor | None = None,
) -> Plan:
    """Re-optimise ``plan`` of ``cp`` by groups with ``engine`` until ``deadline`` (or for
    ``rounds`` rounds). Never returns a worse plan than ``plan``."""
    xy = node_positions(cp)
    if xy is None or not cp.jobs or not cp.vehicles:
        return plan
    problem = cp.problem
    vehicle_of = {(v.engineer_id, v.shift_index): i for i, v in enumerate(cp.vehicles)}
    node_of = {j.job_id: j.node for j in cp.jobs}
    current: dict[int, Route] = {vehicle_of[(r.engineer_id, r.shift_index)]: r for r in plan.routes}
    round_no = 0
    while (rounds is None or round_no < rounds) and deadline.remaining() > MIN_GROUP_SECONDS:
        nodes = [
            [node_of[s.job_id] for s in current[v].jobs] if v in current else []
            for v in range(len(cp.vehicles))
        ]
        served = {n for route in nodes for n in route}
        unplanned = [j.node for j in cp.jobs if j.node not in served]
        groups = vehicle_groups(
            cp, nodes, unplanned, group_jobs=group_jobs, round_no=round_no, xy=xy
        )
        if not groups:
            break
        seconds = min(
            group_seconds, deadline.remaining() / max(1, _sequential_waves(groups, executor))
        )
        if seconds < MIN_GROUP_SECONDS:
            break
        changed = _run_round(cp, problem, groups, current, engine, seconds, executor)
        round_no += 1
        if not changed and rounds is None and round_no > 8:
            break
    routes = [current[v] for v in sorted(current)]
    served_ids = {s.job_id for r in routes for s in r.jobs}
    out = Plan(routes=routes, unassigned=unassigned_jobs(cp, served_ids, routes))
    out.summary = plan.summary
    return out


def _sequential_waves(groups: list[Group], executor: Executor | None) -> int:
    """How many group solves run one after the other in a round."""
    if executor is None:
        return len(groups)
    workers = getattr(executor, "_max_workers", None) or len(groups)
    return max(1, math.ceil(len(groups) / workers))


def _run_round(
    cp: CompiledProblem,
    problem: Problem,
    groups: list[Group],
    current: dict[int, Route],
    engine: Engine,
    seconds: float,
    executor: Executor | None,
) -> bool:
    jobs_by_node = {j.node: j.job_id for j in cp.jobs}
    work = []
    for group in groups:
        part = restrict(cp, group.jobs, group.vehicles)
        initial = Plan(routes=[current[v] for v in group.vehicles if v in current])
        work.append((group, part, initial))
    if executor is None:
        results = [
            _solve_part(engine, part.cp, initial, seconds, cp.seed) for _, part, initial in work
        ]
    else:
        futures: list[Future[Plan]] = [
            executor.submit(_solve_part, engine, part.cp, initial, seconds, cp.seed)
            for _, part, initial in work
        ]
        results = [f.result() for f in futures]
    changed = False
    for (group, _, initial), new in zip(work, results, strict=True):
        before_served = {s.job_id for r in initial.routes for s in r.jobs}
        before = sum(route_cost(problem, r) for r in initial.routes) + sum(
            drop_penalty(problem, jobs_by_node[n])
            for n in group.jobs
            if jobs_by_node[n] not in before_served
        )
        after = plan_score(problem, new).total
        if after < before - 1e-6:
            for v in group.vehicles:
                current.pop(v, None)
            vehicle_of = {(v.engineer_id, v.shift_index): i for i, v in enumerate(cp.vehicles)}
            for route in new.routes:
                if route.jobs:
                    current[vehicle_of[(route.engineer_id, route.shift_index)]] = route
            changed = True
    return changed


__all__ = ["Group", "improve_by_groups", "node_positions", "vehicle_groups"]

"""Our own construction heuristics on compiled arrays, used as warm starts for the OR-Tools search.

They ignore breaks and precedences (the engine checks the routes and rejects a warm start that
breaks them, and ``solve`` then falls back to OR-Tools' own construction).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from dispatchopt.models import Location
from dispatchopt.solvers.compiled import CompiledProblem


def route_end_time(
    cp: CompiledProblem, travel: npt.NDArray[np.int32], vehicle: int, nodes: list[int]
) -> int | None:
    """Arrival back home if ``vehicle`` can serve ``nodes`` in order (windows, shift), else None."""
    veh = cp.vehicles[vehicle]
    t, prev, prev_service = veh.shift_start, veh.start_node, 0
    for node in nodes:
        job = cp.jobs[node]
        t += prev_service + int(travel[prev, node])
        for a, b in job.windows:
            if t <= b:
                t = max(t, a)
                break
        else:
            return None
        prev, prev_service = node, job.service[vehicle]
    t += prev_service + int(travel[prev, veh.end_node])
    if t > veh.hard_end or (veh.max_span is not None and t - veh.shift_start > veh.max_span):
        return None
    return t


def sweep_routes(cp: CompiledProblem) -> list[list[int]]:
    """Job nodes per vehicle: jobs in polar order around the first start place, each inserted at
    its cheapest feasible position of the route being filled; a new vehicle opens when none fits.

    Jobs that fit no vehicle are left out (the search decides about them).
    """
    travel = cp.travel()
    if not cp.vehicles:
        return []
    order = _polar_order(cp, travel)
    routes: list[list[int]] = [[] for _ in cp.vehicles]
    loads = [0] * len(cp.vehicles)
    current = 0
    pending = list(order)
    while pending and current < len(cp.vehicles):
        left = []
        for node in pending:
            job = cp.jobs[node]
            veh = cp.vehicles[current]
            if current not in job.allowed or (
                veh.capacity is not None and loads[current] + job.demand > veh.capacity
            ):
                left.append(node)
                continue
            best: tuple[int, int] | None = None
            route = routes[current]
            for pos in range(len(route) + 1):
                trial = route[:pos] + [node] + route[pos:]
                if route_end_time(cp, travel, current, trial) is None:
                    continue
                before = route[pos - 1] if pos else veh.start_node
                after = route[pos] if pos < len(route) else veh.end_node
                delta = int(travel[before, node] + travel[node, after] - travel[before, after])
                if best is None or delta < best[0]:
                    best = (delta, pos)
            if best is None:
                left.append(node)
            else:
                route.insert(best[1], node)
                loads[current] += job.demand
        pending = left
        current += 1
    return routes


def _polar_order(cp: CompiledProblem, travel: npt.NDArray[np.int32]) -> list[int]:
    """Job nodes by angle around the first vehicle's start, or by travel time from it when the
    problem has no coordinates (a user-supplied matrix)."""
    problem = cp.problem
    home = problem.engineer_by_id[cp.vehicles[0].engineer_id].start_location
    centre = _xy(home)
    keyed = []
    for job in cp.jobs:
        at = _xy(problem.job_by_id[job.job_id].location)
        if centre is None or at is None:
            key = float(travel[cp.vehicles[0].start_node, job.node])
        else:
            key = math.atan2(at[1] - centre[1], at[0] - centre[0])
        keyed.append((key, job.node))
    return [node for _, node in sorted(keyed)]


def _xy(location: Location) -> tuple[float, float] | None:
    if location.x is not None and location.y is not None:
        return location.x, location.y
    if location.lon is not None and location.lat is not None:
        return location.lon, location.lat
    return None

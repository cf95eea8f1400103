"""Decodes an OR-Tools assignment back into a domain :class:`Plan` (seconds become datetimes)."""

from __future__ import annotations

from ortools.constraint_solver import pywrapcp

from dispatchopt.models import BreakTaken, Plan, Route, Stop
from dispatchopt.models.plan import PartUse
from dispatchopt.solvers.compiled import CompiledProblem
from dispatchopt.solvers.engines.decoding import (
    arrival_after,
    job_stop_details,
    outsourced_entry,
    retimed,
    unassigned_jobs,
    with_crews,
)
from dispatchopt.solvers.engines.ortools.model import RoutingBuild


def routes_from_assignment(build: RoutingBuild, assignment: pywrapcp.Assignment) -> list[list[int]]:
    """Job nodes per vehicle, in visiting order."""
    out = []
    for v in range(build.routing.vehicles()):
        nodes = []
        index = build.routing.Start(v)
        index = assignment.Value(build.routing.NextVar(index))
        while not build.routing.IsEnd(index):
            nodes.append(build.manager.IndexToNode(index))
            index = assignment.Value(build.routing.NextVar(index))
        out.append(nodes)
    return out


def decode(cp: CompiledProblem, build: RoutingBuild, assignment: pywrapcp.Assignment) -> Plan:
    """Routes with stop times and breaks, plus every job not routed, each with a reason."""
    routing, time = build.routing, build.time
    distance = cp.distance()
    routes: list[Route] = []
    served: set[str] = set()
    for v, veh in enumerate(cp.vehicles):
        travel = cp.travel(v)
        index = routing.Start(v)
        if routing.IsEnd(assignment.Value(routing.NextVar(index))):
            continue
        departure = assignment.Value(time.CumulVar(index))
        breaks = sorted(
            (assignment.StartValue(iv), assignment.StartValue(iv) + assignment.DurationValue(iv))
            for iv in build.breaks[v]
        )
        stops: list[Stop] = []
        prev_node, prev_end = veh.start_node, departure
        index = assignment.Value(routing.NextVar(index))
        while True:
            node = build.manager.IndexToNode(index)
            is_end = routing.IsEnd(index)
            start = assignment.Value(time.CumulVar(index))
            leg = int(travel[prev_node, node])
            arrival = arrival_after(prev_end, leg, breaks, start)
            if is_end:
                routes.append(
                    Route(
                        engineer_id=veh.engineer_id,
                        shift_index=veh.shift_index,
                        departure=cp.at(departure),
                        arrival=cp.at(arrival),
                        stops=stops,
                        breaks=[BreakTaken(start=cp.at(a), end=cp.at(b)) for a, b in breaks],
                        return_travel_s=leg,
                        return_distance_m=int(distance[prev_node, node]),
                    )
                )
                break
            visit = cp.visit_at(node)
            if visit is not None:
                end = start + visit.service
                after = assignment.Value(routing.NextVar(index))
                gained = {
                    name: assignment.Value(routing.GetDimensionOrDie(name).CumulVar(after))
                    - assignment.Value(routing.GetDimensionOrDie(name).CumulVar(index))
                    for name in [f"Stock:{sku}" for sku in cp.skus]
                    + [f"Tool:{tool}" for tool in cp.tools]
                }
                picked = [
                    PartUse(sku=sku, quantity=gained[f"Stock:{sku}"])
                    for sku in cp.skus
                    if gained[f"Stock:{sku}"] > 0
                ]
                stops.append(
                    Stop(
                        job_id=visit.depot_id,
                        kind="pickup",
                        arrival=cp.at(arrival),
                        start=cp.at(start),
                        end=cp.at(end),
                        travel_s=leg,
                        distance_m=int(distance[prev_node, node]),
                        wait_s=start - arrival,
                        parts=picked,
                        tools=[tool for tool in cp.tools if gained[f"Tool:{tool}"] > 0],
                    )
                )
                prev_node, prev_end = node, end
                index = assignment.Value(routing.NextVar(index))
                continue
            job = cp.jobs[node]
            end = start + job.service[v]
            stops.append(
                Stop(
                    job_id=job.job_id,
                    arrival=cp.at(arrival),
                    start=cp.at(start),
                    end=cp.at(end),
                    travel_s=leg,
                    distance_m=int(distance[prev_node, node]),
                    wait_s=start - arrival,
                    crew=[veh.engineer_id] if job.crew else [],
                    **job_stop_details(cp, job, veh.engineer_id, start, end),
                )
            )
            served.add(job.job_id)
            prev_node, prev_end = node, end
            index = assignment.Value(routing.NextVar(index))
    vehicle_of = {(veh.engineer_id, veh.shift_index): v for v, veh in enumerate(cp.vehicles)}
    routes = [
        _without_idle_pickups(cp, r, vehicle_of[(r.engineer_id, r.shift_index)]) for r in routes
    ]
    # A route left with no stop (it only went to a depot for nothing) is no route at all.
    routes = [r for r in routes if r.stops]
    outsourced = []
    for k in range(len(cp.providers)):
        index = assignment.Value(routing.NextVar(routing.Start(len(cp.vehicles) + k)))
        while not routing.IsEnd(index):
            job = cp.jobs[build.manager.IndexToNode(index)]
            outsourced.append(outsourced_entry(cp, job, k))
            served.add(job.job_id)
            index = assignment.Value(routing.NextVar(index))
    routes = with_crews(cp, routes)
    return Plan(
        routes=routes,
        unassigned=unassigned_jobs(cp, served, routes),
        outsourced=sorted(outsourced, key=lambda o: o.job_id),
    )


def _without_idle_pickups(cp: CompiledProblem, route: Route, vehicle: int) -> Route:
    """Drop depot visits that picked nothing up (the engine may add free ones when travel costs
    nothing), where going straight on is no longer; the route is then re-timed, so the time the
    detour took shows as waiting (or an earlier return), not as a drive that never happened."""
    stops = list(route.stops)
    mats = cp.matrices
    dur = mats.durations_between(*cp.travel_key(vehicle))
    changed = True
    while changed:
        changed = False
        for k, stop in enumerate(stops):
            if stop.kind != "pickup" or stop.parts or stop.tools:
                continue
            prev = mats.start_point[route.engineer_id] if k == 0 else mats.stop_point(stops[k - 1])
            nxt = (
                mats.end_point[route.engineer_id]
                if k + 1 == len(stops)
                else mats.stop_point(stops[k + 1])
            )
            here = mats.depot_point[stop.job_id]
            if int(dur[prev, nxt]) > int(dur[prev, here]) + int(dur[here, nxt]):
                continue
            del stops[k]
            if k < len(stops):
                stops[k] = stops[k].model_copy(update={"distance_m": mats.distance(prev, nxt)})
            changed = True
            break
    return retimed(cp, route.model_copy(update={"stops": stops}), vehicle)

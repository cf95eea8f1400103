"""Decodes an OR-Tools assignment back into a domain :class:`Plan` (seconds become datetimes)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ortools.constraint_solver import pywrapcp

from dispatchopt.models import BreakTaken, Plan, Route, Stop, Unassigned, UnassignedReason
from dispatchopt.models.first_time_fix import first_time_fix
from dispatchopt.models.plan import PartUse
from dispatchopt.solvers.compile import CompiledJob, CompiledProblem
from dispatchopt.solvers.routing_model import RoutingBuild


def _at(cp: CompiledProblem, seconds: int) -> datetime:
    return cp.epoch + timedelta(seconds=seconds)


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
            in_gap = sum(b - a for a, b in breaks if prev_end <= a and b <= start)
            arrival = min(start, prev_end + leg + in_gap)
            if is_end:
                routes.append(
                    Route(
                        engineer_id=veh.engineer_id,
                        shift_index=veh.shift_index,
                        departure=_at(cp, departure),
                        arrival=_at(cp, arrival),
                        stops=stops,
                        breaks=[BreakTaken(start=_at(cp, a), end=_at(cp, b)) for a, b in breaks],
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
                        arrival=_at(cp, arrival),
                        start=_at(cp, start),
                        end=_at(cp, end),
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
                    arrival=_at(cp, arrival),
                    start=_at(cp, start),
                    end=_at(cp, end),
                    travel_s=leg,
                    distance_m=int(distance[prev_node, node]),
                    wait_s=start - arrival,
                    **job_stop_details(cp, job, veh.engineer_id, start),
                )
            )
            served.add(job.job_id)
            prev_node, prev_end = node, end
            index = assignment.Value(routing.NextVar(index))
    vehicle_of = {(veh.engineer_id, veh.shift_index): v for v, veh in enumerate(cp.vehicles)}
    routes = [
        _without_idle_pickups(cp, r, vehicle_of[(r.engineer_id, r.shift_index)]) for r in routes
    ]
    return Plan(routes=routes, unassigned=unassigned_jobs(cp, served, routes))


def _without_idle_pickups(cp: CompiledProblem, route: Route, vehicle: int) -> Route:
    """Drop depot visits that picked nothing up (the engine may add free ones when travel costs
    nothing), where going straight on is no longer, so every time in the route still holds."""
    stops = list(route.stops)
    mats = cp.matrices
    changed = True
    while changed:
        changed = False
        for k, stop in enumerate(stops):
            if stop.kind != "pickup" or stop.parts or stop.tools:
                continue
            prev = mats.start_point[route.engineer_id] if k == 0 else _point(cp, stops[k - 1])
            nxt = (
                mats.end_point[route.engineer_id]
                if k + 1 == len(stops)
                else _point(cp, stops[k + 1])
            )
            here = mats.depot_point[stop.job_id]
            dur = mats.durations_between(*cp.travel_key(vehicle))
            direct = int(dur[prev, nxt])
            if direct > int(dur[prev, here]) + int(dur[here, nxt]):
                continue
            follower = {"travel_s": direct, "distance_m": mats.distance(prev, nxt)}
            if k + 1 < len(stops):
                stops[k + 1] = stops[k + 1].model_copy(update=follower)
                del stops[k]
            else:
                del stops[k]
                route = route.model_copy(
                    update={
                        "return_travel_s": follower["travel_s"],
                        "return_distance_m": follower["distance_m"],
                    }
                )
            changed = True
            break
    return route.model_copy(update={"stops": stops})


def _point(cp: CompiledProblem, stop: Stop) -> int:
    if stop.kind == "pickup":
        return cp.matrices.depot_point[stop.job_id]
    return cp.matrices.job_point[stop.job_id]


def _short_skus(cp: CompiledProblem, routes: list[Route]) -> dict[str, int]:
    """Units per SKU left over after the plan, on all vans and shelves (unlimited shelves are
    left out: those SKUs are never short)."""
    if not cp.skus:
        return {}
    left: dict[str, int] = {}
    unlimited = {sku for pool in cp.pools for sku, q in pool.supply.items() if q is None}
    for sku in cp.skus:
        if sku in unlimited:
            continue
        total = sum(van.get(sku, 0) for van in cp.van_stock)
        total += sum(pool.supply.get(sku) or 0 for pool in cp.pools)
        used = sum(p.quantity for r in routes for s in r.jobs for p in s.parts if p.sku == sku)
        left[sku] = total - used
    return left


def job_stop_details(
    cp: CompiledProblem, job: CompiledJob, engineer_id: str, start: int
) -> dict[str, Any]:
    """What a job stop reports beside its times: parts used, SLA due time and slack, and the
    first-time-fix estimate (shared by every solver's decoder)."""
    return {
        "parts": [PartUse(sku=sku, quantity=q) for sku, q in job.parts],
        "sla_due": None if job.sla_due is None else _at(cp, job.sla_due),
        "sla_slack_s": None if job.sla_due is None else job.sla_due - start,
        "first_time_fix": _first_time_fix(cp, job.job_id, engineer_id),
    }


def _first_time_fix(cp: CompiledProblem, job_id: str, engineer_id: str) -> float:
    """Estimated first-time-fix probability; a feasible plan has every part on hand."""
    job = cp.problem.job_by_id[job_id]
    eng = cp.problem.engineer_by_id[engineer_id]
    on_hand = {p.sku: p.quantity for p in job.parts}
    return round(first_time_fix(job.skills, job.parts, eng.skills, on_hand), 4)


def unassigned_jobs(
    cp: CompiledProblem, served: set[str], routes: list[Route] | None = None
) -> list[Unassigned]:
    """Pre-search rejections, then jobs the search left out, in the problem's job order."""
    found = {
        r.job_id: Unassigned(job_id=r.job_id, reason=r.reason, detail=r.detail) for r in cp.rejected
    }
    short = _short_skus(cp, routes or [])
    for job in cp.jobs:
        if job.job_id in served:
            continue
        domain_job = cp.problem.job_by_id[job.job_id]
        missing = [sku for sku, q in job.parts if short.get(sku, q) < q]
        if missing:
            found[job.job_id] = Unassigned(
                job_id=job.job_id,
                reason=UnassignedReason.AWAITING_PARTS,
                detail=f"the units of {missing[0]} that could reach it today are promised to "
                "other jobs in this plan",
            )
        elif domain_job.optional:
            found[job.job_id] = Unassigned(
                job_id=job.job_id,
                reason=UnassignedReason.NOT_WORTH_ITS_PENALTY,
                detail=f"serving it would cost more than its penalty ({domain_job.penalty:g})",
            )
        else:
            found[job.job_id] = Unassigned(
                job_id=job.job_id,
                reason=UnassignedReason.CAPACITY,
                detail=f"no room in the day of any of the {len(job.allowed)} engineers who could "
                "do it, given their other jobs, windows and breaks",
            )
    return [found[j.id] for j in cp.problem.jobs if j.id in found]

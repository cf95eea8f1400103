"""Decodes an OR-Tools assignment back into a domain :class:`Plan` (seconds become datetimes)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ortools.constraint_solver import pywrapcp

from dispatchopt.models import BreakTaken, Plan, Route, Stop, Unassigned, UnassignedReason
from dispatchopt.solvers.compile import CompiledProblem
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
    travel = cp.travel()
    distance = cp.distance()
    routes: list[Route] = []
    served: set[str] = set()
    for v, veh in enumerate(cp.vehicles):
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
                )
            )
            served.add(job.job_id)
            prev_node, prev_end = node, end
            index = assignment.Value(routing.NextVar(index))
    return Plan(routes=routes, unassigned=unassigned_jobs(cp, served))


def unassigned_jobs(cp: CompiledProblem, served: set[str]) -> list[Unassigned]:
    """Pre-search rejections, then jobs the search left out, in the problem's job order."""
    found = {r.job_id: Unassigned(job_id=r.job_id, reason=r.reason, detail=r.detail)
             for r in cp.rejected}
    for job in cp.jobs:
        if job.job_id in served:
            continue
        domain_job = cp.problem.job_by_id[job.job_id]
        if domain_job.optional:
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

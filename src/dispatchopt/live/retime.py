"""Bring an old plan's routes up to date with a changed day, so that a re-plan can start from them.

After an overrun or a visit begun late, the old plan's times no longer hold: a search handed
those routes has to find a schedule for them first, which can take its whole time limit. Here
each route keeps its engineer and its order and is timed again by push-forward on the changed
problem: every visit starts at its old time, or later if the engineer cannot be there by then,
never earlier than it may (windows, appointment, release, lock); a break is taken at the last
moment its window allows before a visit that would run past it. A visit that no longer fits its
windows is left out (the search places it again), and so are the last visits of a day pushed
past the shift's end. The result is for the validator to accept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dispatchopt.live.timeline import Site, allowed_starts, service_seconds
from dispatchopt.models import BreakTaken, Plan, Problem, Route

FAR = 1 << 62
"""No bound on a start (``arrival_after`` caps the arrival at the start)."""


def arrival_after(leaves: int, drive: int, breaks: list[tuple[int, int]], start: int) -> int:
    """When an engineer who leaves at ``leaves`` and drives ``drive`` seconds gets there, no
    later than ``start``: a break begun on the road pauses the drive, one begun after arriving
    is taken while waiting. The validator's and the decoders' reading of a leg (the engines'
    own copy sits behind the layer line)."""
    at = leaves + drive
    for begin, end in sorted(breaks):
        if leaves <= begin < at:
            at += end - begin
    return min(at, start)


def retimed(problem: Problem, plan: Plan, now: datetime) -> Plan:
    """``plan``'s routes timed again on ``problem`` (see the module docstring); routes of
    engineers or shifts the problem no longer has are dropped, and so are their jobs' stops."""
    site = Site(problem, now, frozenset(b.job_id for b in plan.broken_appointments))
    routes = []
    for route in plan.routes:
        timed = _route(site, route)
        # A day pushed past the shift's end (and overtime) sheds its last visits.
        while timed is not None and _too_late(problem, timed):
            timed = _route(site, timed.model_copy(update={"stops": timed.jobs[:-1]}))
        if timed is not None:
            routes.append(timed)
    return Plan(routes=routes, broken_appointments=plan.broken_appointments)


def _too_late(problem: Problem, route: Route) -> bool:
    engineer = problem.engineer_by_id[route.engineer_id]
    shift = engineer.shifts[route.shift_index]
    return route.arrival > shift.end + timedelta(minutes=engineer.overtime_minutes)


def _route(site: Site, route: Route) -> Route | None:
    problem, m = site.problem, site.matrices
    engineer = problem.engineer_by_id.get(route.engineer_id)
    if engineer is None or route.shift_index >= len(engineer.shifts):
        return None
    shift = engineer.shifts[route.shift_index]
    pending = sorted(shift.breaks, key=lambda b: b.window.start)
    breaks: list[tuple[int, int]] = []
    leg: list[tuple[int, int]] = []  # breaks taken since the last visit ended
    point = m.start_point[engineer.id]
    departure = max(site.seconds(route.departure), site.seconds(shift.start))
    free = departure  # when the engineer leaves the last place (the last visit's end)
    stops = []
    for stop in route.jobs:
        job = problem.job_by_id.get(stop.job_id)
        if job is None:
            continue
        here = m.job_point[job.id]
        length = service_seconds(job, engineer)
        spans = allowed_starts(site, job)
        old = site.seconds(stop.start)
        while True:
            drive = site.drive(point, here, free, engineer)
            rested = max((end for _, end in leg), default=free)
            ready = max(arrival_after(free, drive, leg, FAR), rested, old)
            start = next((max(a, ready) for a, b in spans if ready <= b), None)
            if start is None or not pending:
                break
            due = pending[0]
            took = round(due.duration_minutes * 60)
            latest = site.floor(due.window.end) - took
            if start + length <= latest:
                break
            # The visit would run past the break's latest start: the break comes first.
            b0 = max(rested, site.seconds(due.window.start))
            if b0 > latest:
                return None
            leg.append((b0, b0 + took))
            pending.pop(0)
        if start is None:
            continue  # no longer fits its windows: the search places it again
        arrival = arrival_after(free, drive, leg, start)
        breaks += leg
        leg = []
        stops.append(
            stop.model_copy(
                update={
                    "arrival": site.at(arrival),
                    "start": site.at(start),
                    "end": site.at(start + length),
                    "travel_s": drive,
                    "distance_m": m.distance(point, here),
                    "wait_s": start - arrival,
                }
            )
        )
        point, free = here, start + length
    if not stops:
        return None
    home = m.end_point[engineer.id]
    back_drive = site.drive(point, home, free, engineer)
    rested = max((end for _, end in leg), default=free)
    for due in pending:
        took = round(due.duration_minutes * 60)
        b0 = max(rested, site.seconds(due.window.start))
        if b0 + took > site.floor(due.window.end):
            return None
        leg.append((b0, b0 + took))
        rested = b0 + took
    breaks += leg
    rests = sum(b - a for a, b in breaks)
    back = arrival_after(free, back_drive, breaks, free + back_drive + rests)
    return route.model_copy(
        update={
            "departure": site.at(departure),
            "arrival": site.at(back),
            "stops": stops,
            "breaks": [BreakTaken(start=site.at(a), end=site.at(b)) for a, b in breaks],
            "return_travel_s": back_drive,
            "return_distance_m": m.distance(point, home),
        }
    )


__all__ = ["retimed"]

"""Why a job the search left out is out: no room in any day it could go in, or a place that
costs more than leaving it out.

Engines only know that a job was not routed. This looks at the final plan: for the engineers
nearest the job who may do it, every place in their route, the job put there and the rest of
the route pushed later as far as its windows and the shift allow. When no place holds, the job
had no room (``capacity``, with the free time there was); when the cheapest place costs more
than the job's penalty, it was not worth it (with both amounts). A job with a place cheaper
than its penalty keeps ``capacity``: the engines' other rules (breaks, parts, precedence)
closed that place, and the detail names it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from dispatchopt.matrices import ProblemMatrices, problem_matrices
from dispatchopt.models import Engineer, Job, Plan, Problem, Route, Stop, Unassigned
from dispatchopt.models import UnassignedReason as Why
from dispatchopt.models.eligibility import may_do
from dispatchopt.solvers.objective import drop_penalty, route_cost

Drive = Callable[[int, int, datetime], timedelta]
"""Driving time from point to point leaving at a moment (the engineer's vehicle and roads)."""

NEAREST_ROUTES = 6
"""Engineers tried per job: the nearest who may do it (a far one is never the cheapest)."""
TIME_BUDGET_S = 2.0
"""Default wall-clock seconds the explanation may take (about 8 ms a job on a 1 000-job day)."""
REVISED = {Why.CAPACITY, Why.NOT_WORTH_ITS_PENALTY}
"""Reasons the search decided (not pre-search rejections): the ones this module revises."""


@dataclass(frozen=True)
class Place:
    """The job served by ``engineer_id`` before stop ``position`` of its route (0: first)."""

    engineer_id: str
    position: int
    added_cost: float
    after: str
    before: str


def explain_left_out(problem: Problem, plan: Plan, *, budget_s: float = TIME_BUDGET_S) -> Plan:
    """``plan`` with the reason of each job the search left out taken from what kept it out,
    optional jobs first, for at most ``budget_s`` seconds (the rest keep the engine's)."""
    if not plan.unassigned or not problem.engineers:
        return plan
    todo = [
        u for u in plan.unassigned if u.reason in REVISED and not problem.job_by_id[u.job_id].parts
    ]
    todo.sort(key=lambda u: not problem.job_by_id[u.job_id].optional)
    if not todo:
        return plan
    mats = problem_matrices(problem)
    routes = {(r.engineer_id, r.shift_index): r for r in plan.routes}
    until = time.perf_counter() + budget_s
    revised: dict[str, Unassigned] = {}
    for item in todo:
        if time.perf_counter() > until:
            break
        revised[item.job_id] = _reason(problem, mats, routes, problem.job_by_id[item.job_id])
    if not revised:
        return plan
    unassigned = [revised.get(u.job_id, u) for u in plan.unassigned]
    return plan.model_copy(update={"unassigned": unassigned})


def _reason(
    problem: Problem, mats: ProblemMatrices, routes: dict[tuple[str, int], Route], job: Job
) -> Unassigned:
    able = [e for e in problem.engineers if may_do(job, e)]
    done = {e.id: 0 for e in able}
    for (eid, _), planned in routes.items():
        if eid in done:
            done[eid] += len(planned.jobs)
    capped = [e for e in able if e.max_jobs is not None and done[e.id] >= e.max_jobs]
    if able and len(capped) == len(able):
        return Unassigned(
            job_id=job.id,
            reason=Why.CAPACITY,
            detail=f"every engineer who could do it has reached their max_jobs "
            f"({', '.join(f'{e.id}: {e.max_jobs}' for e in capped[:3])})",
        )
    able = [e for e in able if e not in capped]
    candidates = _nearest(mats, routes, job, able)
    best: Place | None = None
    free_s = 0
    for engineer, shift_index in candidates:
        route = routes.get((engineer.id, shift_index))
        free_s = max(free_s, _free_time(engineer, shift_index, route))
        place = _cheapest_place(problem, mats, engineer, shift_index, route, job)
        if place is not None and (best is None or place.added_cost < best.added_cost):
            best = place
    penalty = drop_penalty(problem, job.id)
    need = round(job.duration_minutes)
    if best is None:
        return Unassigned(
            job_id=job.id,
            reason=Why.CAPACITY,
            detail=f"no room: none of the {_nearest_of(candidates, able)} who could do it has "
            f"a place for its {need} min inside its windows without dropping another job (the "
            f"most free time in their days: {free_s // 60} min)",
        )
    where = f"{best.engineer_id} between {best.after} and {best.before}"
    if best.added_cost > penalty:
        return Unassigned(
            job_id=job.id,
            reason=Why.NOT_WORTH_ITS_PENALTY,
            detail=f"serving it would add {best.added_cost:.2f} to the cost (cheapest: {where}), "
            f"more than its penalty ({penalty:g})",
        )
    return Unassigned(
        job_id=job.id,
        reason=Why.CAPACITY,
        detail=f"no room once every rule is kept: the closest place, {where}, clashes with a "
        "break or another job's rules",
    )


def _nearest_of(candidates: list[tuple[Engineer, int]], able: list[Engineer]) -> str:
    """ "the 3 engineers" or "6 nearest of the 40 engineers": what the search looked at."""
    if len({e.id for e, _ in candidates}) == len(able):
        return f"{len(able)} engineer{'s' if len(able) != 1 else ''}"
    return f"{len(candidates)} nearest shifts of the {len(able)} engineers"


def _nearest(
    mats: ProblemMatrices,
    routes: dict[tuple[str, int], Route],
    job: Job,
    able: list[Engineer],
) -> list[tuple[Engineer, int]]:
    """The ``NEAREST_ROUTES`` (engineer, shift) pairs whose home or stops are closest."""
    here = mats.job_point[job.id]
    durations = mats.matrices.duration_s
    scored: list[tuple[int, int, Engineer, int]] = []
    for order, engineer in enumerate(able):
        for k in range(len(engineer.shifts)):
            route = routes.get((engineer.id, k))
            points = [mats.start_point[engineer.id]]
            if route is not None:
                points += [mats.stop_point(s) for s in route.stops]
            scored.append((int(np.min(durations[points, here])), order, engineer, k))
    scored.sort(key=lambda t: (t[0], t[1], t[3]))
    return [(engineer, k) for _, _, engineer, k in scored[:NEAREST_ROUTES]]


def _free_time(engineer: Engineer, shift_index: int, route: Route | None) -> int:
    """Seconds of the shift (with overtime) not spent on site, driving or on a break."""
    shift = engineer.shifts[shift_index]
    total = shift.end - shift.start + timedelta(minutes=engineer.overtime_minutes)
    breaks = sum((timedelta(minutes=b.duration_minutes) for b in shift.breaks), timedelta(0))
    busy = timedelta(0)
    if route is not None:
        busy = route.arrival - route.departure
        busy -= sum((timedelta(seconds=s.wait_s) for s in route.stops), timedelta(0))
        taken = sum((b.end - b.start for b in route.breaks), timedelta(0))
        breaks = max(breaks - taken, timedelta(0))
    return max(0, int((total - busy - breaks).total_seconds()))


def _cheapest_place(
    problem: Problem,
    mats: ProblemMatrices,
    engineer: Engineer,
    shift_index: int,
    route: Route | None,
    job: Job,
) -> Place | None:
    """Where in this route the job fits at least cost, later stops pushed but kept valid."""
    shift = engineer.shifts[shift_index]
    latest_home = shift.end + timedelta(minutes=engineer.overtime_minutes)
    cap = (
        None
        if engineer.max_working_minutes is None
        else timedelta(minutes=engineer.max_working_minutes)
    )
    lead = job.skills[0].skill if job.skills else None
    on_site = timedelta(minutes=job.duration_for_level(engineer.skills.get(lead) if lead else None))
    stops = list(route.stops) if route is not None else []
    before_cost = route_cost(problem, route) if route is not None else 0.0
    profile = engineer.vehicle_profile
    epoch = problem.epoch()
    here = mats.job_point[job.id]

    def drive(a: int, b: int, leaves: datetime) -> timedelta:
        departure_s = int((leaves - epoch).total_seconds())
        return timedelta(seconds=mats.duration_at(a, b, departure_s, profile))

    best: Place | None = None
    for position in range(len(stops) + 1):
        if position == 0:
            prev_point, leaves = mats.start_point[engineer.id], shift.start
        else:
            prev_point, leaves = mats.stop_point(stops[position - 1]), stops[position - 1].end
        start = _first_start(problem, job, leaves + drive(prev_point, here, leaves))
        if start is None:
            continue
        new = Stop(
            job_id=job.id,
            arrival=start,
            start=start,
            end=start + on_site,
            travel_s=int(drive(prev_point, here, leaves).total_seconds()),
            distance_m=mats.distance(prev_point, here),
        )
        trial = _pushed(problem, mats, drive, [*stops[:position], new], stops[position:])
        if trial is None:
            continue
        last_point = mats.stop_point(trial[-1])
        home = trial[-1].end + drive(last_point, mats.end_point[engineer.id], trial[-1].end)
        departure = shift.start if position == 0 else route.departure  # type: ignore[union-attr]
        if home > latest_home or (cap is not None and home - departure > cap):
            continue
        candidate = Route(
            engineer_id=engineer.id,
            shift_index=shift_index,
            departure=departure,
            arrival=home,
            stops=trial,
            breaks=route.breaks if route is not None else [],
            return_travel_s=int(
                drive(last_point, mats.end_point[engineer.id], trial[-1].end).total_seconds()
            ),
            return_distance_m=mats.distance(last_point, mats.end_point[engineer.id]),
        )
        added = route_cost(problem, candidate) - before_cost
        if best is None or added < best.added_cost:
            best = Place(
                engineer_id=engineer.id,
                position=position,
                added_cost=added,
                after="home" if position == 0 else stops[position - 1].job_id,
                before="home" if position == len(stops) else stops[position].job_id,
            )
    return best


def _first_start(problem: Problem, job: Job, ready: datetime) -> datetime | None:
    """The earliest start at or after ``ready`` that the job's windows, release time and a
    hard SLA deadline allow."""
    if job.earliest_start is not None:
        ready = max(ready, job.earliest_start)
    windows = [(w.start, w.end) for w in job.time_windows] or [(ready, ready + timedelta(days=366))]
    due = problem.sla_deadline(job) if job.sla is not None else None
    for lo, hi in sorted(windows):
        if due is not None and problem.sla_mode.kind == "hard":
            hi = min(hi, due)
        if ready <= hi:
            return max(lo, ready)
    return None


def _pushed(
    problem: Problem, mats: ProblemMatrices, drive: Drive, head: list[Stop], tail: list[Stop]
) -> list[Stop] | None:
    """``head`` then ``tail``, each tail stop starting no earlier than before and no earlier than
    it can be reached; ``None`` when one would start after its windows."""
    out = list(head)
    for stop in tail:
        prev = out[-1]
        a = mats.stop_point(prev)
        b = mats.stop_point(stop)
        arrival = prev.end + drive(a, b, prev.end)
        start = max(stop.start, arrival)
        if start > stop.start:
            if stop.kind != "job":
                return None  # a depot's hours are not re-checked here: keep pickups in place
            job = problem.job_by_id[stop.job_id]
            if job.lock is not None and job.lock.start is not None:
                return None
            later = _first_start(problem, job, start)
            if later is None:
                return None
            start = later
        out.append(
            stop.model_copy(
                update={
                    "arrival": min(arrival, start),
                    "start": start,
                    "end": start + (stop.end - stop.start),
                    "travel_s": int(drive(a, b, prev.end).total_seconds()),
                    "distance_m": mats.distance(a, b),
                }
            )
        )
    return out


__all__ = ["Place", "explain_left_out"]

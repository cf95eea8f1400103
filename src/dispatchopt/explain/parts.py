"""``part_available``: the part a job waits for at a depot by a given time, tried for real.

The arrival is added to a copy of the problem; the engineer's day gets a pickup at that depot
(no earlier than the arrival, inside its opening hours) and then the job, both put in by the
live cheapest-insertion search (the pickup as a stand-in visit at the depot, turned into a
pickup stop), and the plan is checked with the validator's rules. ``by`` is the latest moment,
on a quarter-hour grid, at which the part may arrive for a plan to be found.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatchopt.explain._trial import Trial, changed_problem, stop_start, swap_route, with_job
from dispatchopt.live.edits import with_changes
from dispatchopt.models import Counterfactual, Depot, Engineer, Job, Plan, Problem, Route, Stop
from dispatchopt.models.eligibility import may_do
from dispatchopt.models.first_time_fix import first_time_fix
from dispatchopt.models.parts import PartArrival, required_quantities
from dispatchopt.models.plan import PartUse

DEPOTS_TRIED = 2
"""Depots tried per part: the nearest to the job."""
ENGINEERS_TRIED = 3
"""Engineers tried per arrival time: the nearest to the job who may do it."""
PICKUPS_TRIED = 4
"""Places tried for the pickup (cheapest first), each followed by a search for the job."""
STEP_MINUTES = 15
"""The grid ``by`` is searched on."""
STAND_IN = "__pickup_at__"
"""Prefix of the stand-in job that holds a pickup's place while the search runs."""


@dataclass(frozen=True)
class _Served:
    plan: Plan
    engineer: Engineer
    pickup: Stop
    route: Route


def part_available(trial: Trial, job: Job) -> list[Counterfactual]:
    """For each part ``job`` needs, at each of the nearest depots: the latest arrival that
    lets it in, and what serving it then adds."""
    out: list[Counterfactual] = []
    need = required_quantities(job.parts)
    for sku, quantity in need.items():
        for depot in _nearest_depots(trial, job):
            if trial.out_of_time:
                return out
            offer = _latest(trial, job, sku, quantity, depot)
            if offer is not None:
                out.append(offer)
    return out


def apply_part_available(
    problem: Problem, plan: Plan, job: Job, params: dict[str, str | int | float]
) -> tuple[Problem, Plan] | None:
    """The problem with the part arriving as ``params`` say, and a plan serving ``job`` that
    the full validator passes (``None`` when none is found)."""
    depot = problem.depot_by_id.get(str(params["depot_id"]))
    if depot is None:
        return None
    sku = str(params["sku"])
    by = datetime.fromisoformat(str(params["by"]))
    quantity = int(params.get("quantity", required_quantities(job.parts).get(sku, 1)))
    arrival = PartArrival(sku=sku, quantity=quantity, depot_id=depot.id, expected_at=by)
    changed = with_changes(problem, part_arrivals=[*problem.part_arrivals, arrival])
    trial = Trial(changed, plan, time.perf_counter() + 5.0, full_check=True)
    able = [e for e in changed.engineers if may_do(job, e)]
    for engineer in trial.closest(job, able, len(able)):
        served = _serve(trial, changed, job, engineer, depot, sku, by)
        if served is not None:
            return changed, served.plan
    return None


def _nearest_depots(trial: Trial, job: Job) -> list[Depot]:
    mats = trial.mats
    here = mats.job_point[job.id]
    depots = sorted(
        trial.problem.depots,
        key=lambda d: (mats.duration(mats.depot_point[d.id], here), d.id),
    )
    return depots[:DEPOTS_TRIED]


def _latest(trial: Trial, job: Job, sku: str, quantity: int, depot: Depot) -> Counterfactual | None:
    """The latest arrival on the grid (from the first shift's start) that lets ``job`` in."""
    problem = trial.problem
    able = trial.nearest(job, count=ENGINEERS_TRIED)
    if not able:
        return None
    end = max(s.end + timedelta(minutes=e.overtime_minutes) for e in able for s in e.shifts)
    grid = [trial.now]
    step = timedelta(minutes=STEP_MINUTES)
    while grid[-1] + step < end:
        grid.append(grid[-1] + step)
    tried: dict[int, tuple[Problem, _Served] | None] = {}

    def attempt(k: int) -> tuple[Problem, _Served] | None:
        if k not in tried:
            by = problem.local(grid[k])
            arrival = PartArrival(sku=sku, quantity=quantity, depot_id=depot.id, expected_at=by)
            changed = changed_problem(problem, part_arrivals=[*problem.part_arrivals, arrival])
            tried[k] = None
            for engineer in able:
                served = _serve(trial, changed, job, engineer, depot, sku, by)
                if served is not None:
                    tried[k] = (changed, served)
                    break
        return tried[k]

    if attempt(0) is None:
        return None
    lo, hi = 0, len(grid) - 1
    while lo < hi and not trial.out_of_time:
        mid = (lo + hi + 1) // 2
        if attempt(mid) is not None:
            lo = mid
        else:
            hi = mid - 1
    found = attempt(lo)
    assert found is not None
    changed, served = found
    by = problem.local(grid[lo])
    cost = trial.added(changed, served.plan)
    part = problem.part_by_sku.get(sku)
    name = (part.name if part is not None else "") or sku
    start = stop_start(served.route, job.id)
    return Counterfactual(
        kind="part_available",
        params={"sku": sku, "depot_id": depot.id, "by": by.isoformat(), "quantity": quantity},
        added_cost=cost,
        description=f"the {name} at {depot.id} by {by:%H:%M}: {served.engineer.id} picks it up "
        f"at {served.pickup.start:%H:%M} and could go at {start:%H:%M} ({cost:+.2f})",
    )


def _serve(
    trial: Trial,
    problem: Problem,
    job: Job,
    engineer: Engineer,
    depot: Depot,
    sku: str,
    by: datetime,
) -> _Served | None:
    """``job`` served by ``engineer`` after a pickup at ``depot`` from ``by`` on: all its parts
    taken there, or only ``sku`` (the rest from the van)."""
    need = required_quantities(job.parts)
    takes = [need]
    if len(need) > 1:
        takes.append({sku: need[sku]})
    for take in takes:
        served = _with_pickup(trial, problem, job, engineer, depot, take, by)
        if served is not None:
            return served
    return None


def _with_pickup(
    trial: Trial,
    problem: Problem,
    job: Job,
    engineer: Engineer,
    depot: Depot,
    take: dict[str, int],
    by: datetime,
) -> _Served | None:
    stand_in = _stand_in(depot, by)
    if stand_in is None:
        return None
    holding = changed_problem(problem, jobs=[*problem.jobs, stand_in])
    for place in trial.placements(holding, stand_in, [engineer.id])[:PICKUPS_TRIED]:
        pickup_route, pickup = _as_pickup(place.route, stand_in.id, depot, take)
        with_pickup = swap_route(trial.plan, pickup_route, problem)
        ready = job.model_copy(
            update={
                "parts": [],
                "earliest_start": max(job.earliest_start or pickup.end, pickup.end),
            }
        )
        waiting = with_job(problem, ready)
        for second in trial.placements(waiting, ready, [engineer.id], with_pickup):
            route = _with_parts(second.route, job, engineer)
            candidate = swap_route(with_pickup, route, problem)
            if trial.check(problem, candidate, [route, pickup_route]):
                return _Served(candidate, engineer, pickup, route)
    return None


def _stand_in(depot: Depot, by: datetime) -> Job | None:
    """A visit at ``depot`` as long as a pickup, starting from ``by`` and inside the opening
    hours (the pickup ends in them too)."""
    windows = []
    for w in sorted(depot.opening_hours, key=lambda w: w.start):
        start, end = max(w.start, by), w.end - depot.pickup
        if start <= end:
            windows.append({"start": start, "end": end})
    if depot.opening_hours and not windows:
        return None
    return Job.model_validate(
        {
            "id": f"{STAND_IN}{depot.id}",
            "location": depot.location,
            "duration_minutes": depot.pickup_minutes,
            "time_windows": windows,
            "earliest_start": by,
        }
    )


def _as_pickup(
    route: Route, stand_in: str, depot: Depot, take: dict[str, int]
) -> tuple[Route, Stop]:
    stops = []
    pickup: Stop | None = None
    for stop in route.stops:
        if stop.job_id == stand_in:
            pickup = Stop(
                job_id=depot.id,
                kind="pickup",
                arrival=stop.arrival,
                start=stop.start,
                end=stop.end,
                travel_s=stop.travel_s,
                distance_m=stop.distance_m,
                wait_s=stop.wait_s,
                parts=[PartUse(sku=s, quantity=q) for s, q in sorted(take.items())],
            )
            stops.append(pickup)
        else:
            stops.append(stop)
    assert pickup is not None
    return route.model_copy(update={"stops": stops}), pickup


def _with_parts(route: Route, job: Job, engineer: Engineer) -> Route:
    """``route`` with ``job``'s stop reporting the parts it uses (it was placed without them)."""
    on_hand = {p.sku: p.quantity for p in job.parts}
    ftf = round(first_time_fix(job.skills, job.parts, engineer.skills, on_hand), 4)
    stops = [
        s.model_copy(
            update={
                "parts": [PartUse(sku=p.sku, quantity=p.quantity) for p in job.parts],
                "first_time_fix": ftf,
            }
        )
        if s.job_id == job.id and s.kind == "job"
        else s
        for s in route.stops
    ]
    return route.model_copy(update={"stops": stops})


__all__ = ["apply_part_available", "part_available"]

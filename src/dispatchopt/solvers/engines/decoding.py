"""What every engine's decoder reports beside the times: a job stop's details, and the reason
for each job left out (pre-search rejections first, then what the search decided)."""

from __future__ import annotations

from typing import Any

from dispatchopt.models import (
    Outsourced,
    Route,
    SlaStageOutcome,
    TimeWindow,
    Unassigned,
    UnassignedReason,
)
from dispatchopt.models.first_time_fix import first_time_fix
from dispatchopt.models.plan import PartUse
from dispatchopt.solvers.compiled import OPEN_END, CompiledJob, CompiledProblem


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
        total += sum(
            pool.supply.get(sku) or 0 for pool in cp.pools if pool.available_from <= cp.horizon
        )
        used = sum(p.quantity for r in routes for s in r.jobs for p in s.parts if p.sku == sku)
        left[sku] = total - used
    return left


def arrival_after(leaves: int, drive: int, breaks: list[tuple[int, int]], start: int) -> int:
    """When an engineer who leaves at ``leaves`` and drives ``drive`` seconds gets there, no
    later than ``start``: a break that begins while still on the road pauses the drive; one
    that begins after arriving is taken while waiting and does not delay the arrival."""
    at = leaves + drive
    for begin, end in sorted(breaks):
        if leaves <= begin < at:
            at += end - begin
    return min(at, start)


def retimed(cp: CompiledProblem, route: Route, vehicle: int) -> Route:
    """``route`` with every arrival, wait, drive and the return home recomputed from its
    departure, stop times and breaks, each drive at its real departure time: what an engine's
    decoder reports then follows from the plan itself (no idle time hidden in a drive, none
    left over from a stop the decoder removed). Starts, ends and breaks are kept."""
    mats, clock = cp.matrices, cp.clock
    profile = cp.travel_key(vehicle)[0]
    breaks = [(clock.seconds(b.start), clock.seconds(b.end)) for b in route.breaks]
    point = mats.start_point[route.engineer_id]
    leaves = clock.seconds(route.departure)
    stops = []
    for stop in route.stops:
        here = mats.stop_point(stop)
        took = mats.duration_at(point, here, leaves, profile)
        start = clock.seconds(stop.start)
        arrival = arrival_after(leaves, took, breaks, start)
        stops.append(
            stop.model_copy(
                update={"travel_s": took, "arrival": cp.at(arrival), "wait_s": start - arrival}
            )
        )
        point, leaves = here, clock.seconds(stop.end)
    home = mats.end_point[route.engineer_id]
    took = mats.duration_at(point, home, leaves, profile)
    back = arrival_after(leaves, took, breaks, leaves + took + sum(b - a for a, b in breaks))
    return route.model_copy(
        update={
            "stops": stops,
            "arrival": cp.at(back),
            "return_travel_s": took,
            "return_distance_m": mats.distance(point, home),
        }
    )


def job_stop_details(
    cp: CompiledProblem, job: CompiledJob, engineer_id: str, start: int, end: int
) -> dict[str, Any]:
    """What a job stop reports beside its times: parts used, SLA due time and slack, the
    first-time-fix estimate, and the job's customer and address (shared by every solver's
    decoder)."""
    domain_job = cp.problem.job_by_id[job.job_id]
    ftf = _first_time_fix(cp, job.job_id, engineer_id)
    return {
        "parts": [PartUse(sku=sku, quantity=q) for sku, q in job.parts],
        "sla_due": None if job.sla_deadline is None else cp.at(job.sla_deadline),
        "sla_slack_s": None if job.sla_deadline is None else job.sla_deadline - start,
        "sla_stages": [
            _stage_outcome(
                cp,
                name,
                due,
                None if event is None else end if event == "end" else start,
                ftf if event == "end" else 1.0,
            )
            for name, due, event in job.sla_stages
        ],
        "first_time_fix": ftf,
        "customer": domain_job.customer,
        "address": domain_job.address,
    }


def _stage_outcome(
    cp: CompiledProblem, name: str, due: int, at: int | None, chance: float
) -> SlaStageOutcome:
    """One SLA stage of a visit: met at ``at`` (start or end of service) or not by a visit."""
    if at is None:
        return SlaStageOutcome(stage=name, due=cp.at(due))
    met = at <= due
    return SlaStageOutcome(
        stage=name,
        due=cp.at(due),
        at=cp.at(at),
        slack_s=due - at,
        met=met,
        chance=round(chance, 4) if met else 0.0,
    )


def _first_time_fix(cp: CompiledProblem, job_id: str, engineer_id: str) -> float:
    """Estimated first-time-fix probability; a feasible plan has every part on hand."""
    job = cp.problem.job_by_id[job_id]
    eng = cp.problem.engineer_by_id[engineer_id]
    on_hand = {p.sku: p.quantity for p in job.parts}
    return round(first_time_fix(job.skills, job.parts, eng.skills, on_hand), 4)


def outsourced_entry(cp: CompiledProblem, job: CompiledJob, provider: int) -> Outsourced:
    """``job`` given to provider number ``provider``: its fee, and the first of the job's start
    windows still open at the provider's lead time (the day's horizon closes an open one)."""
    compiled = cp.providers[provider]
    domain = cp.problem.provider_by_id[compiled.provider_id]
    lo, hi = job.windows[0]
    for a, b in job.windows:
        if b >= compiled.ready:
            lo, hi = a, b
            break
    lo = max(lo, compiled.ready)
    hi = cp.horizon if hi >= OPEN_END else max(hi, lo)
    return Outsourced(
        job_id=job.job_id,
        provider_id=compiled.provider_id,
        fee=domain.fee_for(cp.problem.job_by_id[job.job_id]),
        window=TimeWindow(start=cp.at(lo), end=cp.at(max(hi, lo))),
    )


def with_crews(cp: CompiledProblem, routes: list[Route]) -> list[Route]:
    """``routes`` with each crew job's stops naming the crew: the engineer at the lead's node
    first, then the members in copy order (the stops are matched by vehicle and start)."""
    if not cp.has_crews:
        return routes
    crews: dict[str, list[str]] = {}
    for route in routes:
        for stop in route.jobs:
            if cp.problem.job_by_id[stop.job_id].crew_size > 1:
                crews.setdefault(stop.job_id, []).append(route.engineer_id)
    leads = lead_engineers(cp, routes)
    out = []
    for route in routes:
        stops = []
        for stop in route.stops:
            crew = crews.get(stop.job_id) if stop.kind == "job" else None
            if crew:
                lead = leads.get(stop.job_id, crew[0])
                ordered = [lead] + sorted(e for e in crew if e != lead)
                stop = stop.model_copy(update={"crew": ordered})
            stops.append(stop)
        out.append(route.model_copy(update={"stops": stops}))
    return out


def lead_engineers(cp: CompiledProblem, routes: list[Route]) -> dict[str, str]:
    """Who leads each crew job in ``routes``: decoders mark the lead's stop by putting the
    lead first in its ``crew`` (or, before that, by an empty crew on a helper's stop)."""
    out: dict[str, str] = {}
    for route in routes:
        for stop in route.jobs:
            if stop.crew and stop.crew[0] == route.engineer_id:
                out[stop.job_id] = route.engineer_id
    return out


def unassigned_jobs(
    cp: CompiledProblem, served: set[str], routes: list[Route] | None = None
) -> list[Unassigned]:
    """Pre-search rejections, then jobs the search left out, in the problem's job order."""
    found = {
        r.job_id: Unassigned(job_id=r.job_id, reason=r.reason, detail=r.detail) for r in cp.rejected
    }
    short = _short_skus(cp, routes or [])
    for job in cp.jobs:
        if job.job_id in served or job.is_copy:
            continue
        domain_job = cp.problem.job_by_id[job.job_id]
        missing = [sku for sku, q in job.parts if short.get(sku, q) < q]
        if not job.allowed and job.providers:
            cheapest = min(job.fees)
            if domain_job.optional and cheapest > job.penalty:
                found[job.job_id] = Unassigned(
                    job_id=job.job_id,
                    reason=UnassignedReason.NOT_WORTH_ITS_PENALTY,
                    detail="only a provider could take it, and its fee is more than its "
                    f"penalty ({domain_job.penalty:g})",
                )
            else:
                names = ", ".join(cp.providers[k].provider_id for k in job.providers)
                found[job.job_id] = Unassigned(
                    job_id=job.job_id,
                    reason=UnassignedReason.PROVIDER_QUOTA,
                    detail=f"none of our engineers can take it and the providers who could "
                    f"({names}) have no room left in their daily quota",
                )
        elif job.crew:
            found[job.job_id] = Unassigned(
                job_id=job.job_id,
                reason=UnassignedReason.NO_CREW_AVAILABLE,
                detail=f"no {domain_job.crew_size} engineers who could do it together are "
                "free at the same time",
            )
        elif missing:
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


__all__ = [
    "job_stop_details",
    "lead_engineers",
    "outsourced_entry",
    "unassigned_jobs",
    "with_crews",
]

"""Cheapest insertion of one job into a plan, without moving anyone else's visit to another
engineer or earlier: the search behind ``insert_job`` and ``offer_slots``.

Every gap of every engineer who may do the job is priced at once with numpy (the detour on the
free-flow matrix, plus waiting); the most promising gaps are then rebuilt exactly (see
:mod:`.timeline`), priced with the objective's own route cost and checked route by route with
the validator's rules, until the time is up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from dispatchopt.live.timeline import Site, Slot, allowed_starts, insert_into, make_slot
from dispatchopt.models import (
    BrokenAppointment,
    Engineer,
    Job,
    Plan,
    Route,
    Rule,
    UnassignedReason,
)
from dispatchopt.solvers.objective import route_cost
from dispatchopt.validate.context import Clock, Context
from dispatchopt.validate.rules import CHECKS

ROUTE_RULES = tuple(
    check
    for rule, check in CHECKS.items()
    if rule not in (Rule.MISSING_JOB, Rule.PRECEDENCE, Rule.DUPLICATE_JOB)
)
"""The validator's checks that one route can be held to on its own (the rest need the plan)."""


@dataclass(frozen=True)
class Placement:
    """The job at one place: the rebuilt route, the slot it replaces and what it adds."""

    route: Route
    slot: Slot
    added_cost: float

    @property
    def engineer_id(self) -> str:
        """Who does the job."""
        return self.slot.engineer.id


@dataclass(frozen=True)
class Refusal:
    """No place found, and why (the reason an ``Unassigned`` entry reports)."""

    reason: UnassignedReason
    detail: str


def who_may(site: Site, plan: Plan, job: Job) -> tuple[list[Engineer], Refusal | None]:
    """Engineers who hold the skills, are not excluded, have van room and parts; else why not."""
    problem = site.problem
    if not problem.engineers:
        return [], Refusal(UnassignedReason.NO_ENGINEERS, "the problem has no engineers")
    skilled = [
        e
        for e in problem.engineers
        if all(e.skills.get(r.skill, -1) >= r.level for r in job.skills)
    ]
    if not skilled:
        need = ", ".join(f"{r.skill} {r.level}" for r in job.skills)
        return [], Refusal(UnassignedReason.NO_ENGINEER_WITH_SKILL, f"no engineer holds {need}")
    allowed = [
        e
        for e in skilled
        if (not job.required_engineers or e.id in job.required_engineers)
        and e.id not in job.excluded_engineers
        and (job.lock is None or job.lock.engineer_id == e.id)
        and set(job.tools) <= set(e.tools)
    ]
    if not allowed:
        return [], Refusal(
            UnassignedReason.ENGINEER_RESTRICTIONS,
            "no skilled engineer is allowed to take it (required, excluded, locked or tools)",
        )
    used_parts: dict[str, dict[str, int]] = {}
    load: dict[str, int] = {}
    for route in plan.routes:
        for stop in route.jobs:
            known = problem.job_by_id.get(stop.job_id)
            load[route.engineer_id] = load.get(route.engineer_id, 0) + (
                known.demand if known else 0
            )
            for part in stop.parts:
                held = used_parts.setdefault(route.engineer_id, {})
                held[part.sku] = held.get(part.sku, 0) + part.quantity
    out = []
    for e in allowed:
        if e.capacity is not None and load.get(e.id, 0) + job.demand > e.capacity:
            continue
        left = {sku: q - used_parts.get(e.id, {}).get(sku, 0) for sku, q in e.van_stock.items()}
        if any(left.get(p.sku, 0) < p.quantity for p in job.parts):
            continue
        out.append(e)
    if not out:
        return [], Refusal(
            UnassignedReason.CAPACITY,
            "every engineer who could do it has a full van or lacks the parts on board",
        )
    return out, None


def slots_for(site: Site, plan: Plan, engineers: list[Engineer], frozen_until: int) -> list[Slot]:
    """Every shift of ``engineers``: its route in ``plan``, or empty."""
    routes = {(r.engineer_id, r.shift_index): r for r in plan.routes}
    return [
        make_slot(site, e, k, routes.get((e.id, k)), frozen_until)
        for e in engineers
        for k in range(len(e.shifts))
        if site.seconds(e.shifts[k].end) + round(e.overtime_minutes * 60) > site.now_s
    ]


def _gaps(
    site: Site, slots: list[Slot]
) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each gap between stops (or home) after the frozen ones: ``(slot, first item position
    in the gap)``, its from and to points, when the engineer is free there and when the next
    stop starts."""
    where: list[tuple[int, int]] = []
    a: list[int] = []
    b: list[int] = []
    free: list[int] = []
    nxt: list[int] = []
    now = site.now_s
    m = site.matrices
    for s, slot in enumerate(slots):
        home, back = m.start_point[slot.engineer.id], m.end_point[slot.engineer.id]
        prev, prev_end = home, max(slot.departure, now)
        prefix = slot.items[: slot.frozen]
        for it in prefix:
            if it.stop is not None:
                prev, prev_end = site.point(it.stop), max(it.end, now)
        position = slot.frozen
        for i in range(slot.frozen, len(slot.items) + 1):
            nxt_item = slot.items[i] if i < len(slot.items) else None
            if nxt_item is not None and nxt_item.stop is None:
                continue
            where.append((s, position))
            a.append(prev)
            free.append(prev_end)
            if nxt_item is None or nxt_item.stop is None:
                b.append(back)
                nxt.append(max(slot.arrival, prev_end))
            else:
                b.append(site.point(nxt_item.stop))
                nxt.append(nxt_item.start)
                prev, prev_end = site.point(nxt_item.stop), nxt_item.end
            position = i + 1
    return (
        where,
        np.asarray(a, dtype=np.int64),
        np.asarray(b, dtype=np.int64),
        np.asarray(free, dtype=np.int64),
        np.asarray(nxt, dtype=np.int64),
    )


class _RouteCheck(Context):
    """A validation context for one route, built from the site's lookups (the problem's epoch
    is already known there: finding it again scans every job)."""

    def __init__(self, site: Site, route: Route) -> None:
        self.problem = site.problem
        self.plan = Plan(routes=[route], broken_appointments=_excused(site))
        self.jobs = site.problem.job_by_id
        self.engineers = site.problem.engineer_by_id
        self.out = []
        self.epoch = site.epoch
        self.clock = Clock(site.epoch.tzinfo, site.epoch.strftime("%Y-%m-%d"))
        self.__dict__["matrices"] = site.matrices


def route_violations(site: Site, route: Route) -> list[str]:
    """What the validator's route-level rules find wrong with ``route`` on its own."""
    ctx = _RouteCheck(site, route)
    for check in ROUTE_RULES:
        check(ctx)
    return [v.message for v in ctx.out]


def _excused(site: Site) -> list[BrokenAppointment]:
    return [BrokenAppointment(job_id=j, reason="") for j in sorted(site.excused)]


def cheapest(
    site: Site,
    plan: Plan,
    job: Job,
    *,
    frozen_until: int,
    budget_s: float,
    engineers: list[str] | None = None,
    tries: int = 60,
    keep: int = 5,
) -> tuple[list[Placement], Refusal | None]:
    """Up to ``keep`` feasible placements of ``job`` (its id already in ``site.problem``),
    cheapest first; when none, why. ``engineers`` narrows who may take it. At most ``tries``
    gaps are rebuilt exactly, and none after ``budget_s`` seconds (once one is found)."""
    started = time.perf_counter()
    eligible, refusal = who_may(site, plan, job)
    if engineers is not None:
        eligible = [e for e in eligible if e.id in engineers]
    if refusal is not None or not eligible:
        return [], refusal or Refusal(
            UnassignedReason.ENGINEER_RESTRICTIONS, "the engineer asked for cannot take it"
        )
    spans = allowed_starts(site, job)
    if not spans:
        return [], Refusal(
            UnassignedReason.OUTSIDE_ALL_SHIFTS,
            "its windows, appointment and release time leave no moment to start",
        )
    slots = slots_for(site, plan, eligible, frozen_until)
    where, a, b, free, nxt = _gaps(site, slots)
    if not where:
        return [], Refusal(UnassignedReason.OUTSIDE_ALL_SHIFTS, "no engineer has time left today")
    here = site.matrices.job_point[job.id]
    duration = site.matrices.matrices.duration_s
    to_job = duration[a, here].astype(np.int64)
    from_job = duration[here, b].astype(np.int64)
    detour = to_job + from_job - duration[a, b]
    arrive = free + to_job
    opens = np.array([s for s, _ in spans], dtype=np.int64)
    closes = np.array([e for _, e in spans], dtype=np.int64)
    k = np.searchsorted(closes, arrive, side="left")
    fits = k < len(spans)
    start = np.where(fits, np.maximum(arrive, opens[np.minimum(k, len(spans) - 1)]), arrive)
    wait = start - arrive
    order = np.lexsort((detour + wait, ~fits))
    found: list[Placement] = []
    base_cost: dict[int, float] = {}
    problem = site.problem
    tried = 0
    for g in order.tolist():
        if not fits[g] or tried >= tries:
            break
        if found and time.perf_counter() - started > budget_s:
            break
        s, first = where[g]
        slot = slots[s]
        last = first
        while last < len(slot.items) and not slot.items[last].is_stop:
            last += 1
        tried += 1
        best: Placement | None = None
        for position in range(first, last + 1):
            route = insert_into(site, slot, job, position)
            if route is None or route_violations(site, route):
                continue
            if s not in base_cost:
                base_cost[s] = 0.0 if slot.route is None else route_cost(problem, slot.route)
            added = route_cost(problem, route) - base_cost[s]
            if best is None or added < best.added_cost:
                best = Placement(route, slot, added)
        if best is not None:
            found.append(best)
    found.sort(key=lambda p: p.added_cost)
    if not found:
        return [], Refusal(
            UnassignedReason.CAPACITY,
            f"no room in the day of any of the {len(eligible)} engineers who could do it "
            "without moving other customers' visits",
        )
    return found[:keep], None


__all__ = ["ROUTE_RULES", "Placement", "Refusal", "cheapest", "route_violations", "who_may"]

"""Trying a change on a plan: changed copies of the problem that share its matrices, the job put
in with the live cheapest-insertion search, and the result checked with the validator's rules.

A trial plan differs from the plan explained in one or two routes. Those routes are held to
every route rule of the validator and the whole plan to the rules that tie routes together
(each job once, precedence, depot shelves); the other routes were valid (checked once, up
front) and the change cannot make them invalid (a later shift end, a wider window, a lower level
asked, more stock). So the check equals a full :func:`~dispatchopt.validate.validate`, at the
cost of the routes that changed; ``apply_counterfactual`` and ``apply_alternative`` re-check
with the full validator.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from dispatchopt.errors import DispatchoptError
from dispatchopt.live.placement import Placement, cheapest, route_violations
from dispatchopt.live.timeline import Site
from dispatchopt.matrices import extend_matrices, problem_matrices, share_matrices
from dispatchopt.models import (
    Engineer,
    Job,
    Plan,
    Problem,
    Route,
    Rule,
    Unassigned,
    UnassignedReason,
)
from dispatchopt.models.eligibility import may_do
from dispatchopt.solvers.objective import route_cost
from dispatchopt.validate import validate
from dispatchopt.validate.context import Context
from dispatchopt.validate.rules import CHECKS

INSERT_S = 1.0
"""Time each trial insertion may take once it has found a place (a bound for a slow machine:
``tries`` ends it first, so an insertion tried again finds the same places)."""
TRIES = 60
"""Gaps each trial insertion rebuilds exactly, most promising first (as ``insert_job``)."""
PLAN_RULES = (Rule.DUPLICATE_JOB, Rule.MISSING_JOB, Rule.PRECEDENCE)
"""The validator's rules that need the whole plan (besides depot shelves, see ``_plan_ok``)."""

Key = tuple[str, int]
"""A route's engineer and shift index."""


def key_of(route: Route) -> Key:
    """The slot a route plans."""
    return (route.engineer_id, route.shift_index)


@dataclass
class Trial:
    """The plan being explained, a deadline, and what trials share (its cost, the moment
    insertions start from, each engineer's points)."""

    problem: Problem
    plan: Plan
    deadline: float
    full_check: bool = False
    """Validate every trial plan whole (the plan explained was not valid to begin with)."""
    free: set[str] = field(default_factory=set)
    """Engineers who can take the job as things are (no change is offered for them)."""

    def __post_init__(self) -> None:
        starts = [s.start for e in self.problem.engineers for s in e.shifts]
        self.now: datetime = min(starts) if starts else self.problem.epoch()
        self.routes: dict[Key, Route] = {key_of(r): r for r in self.plan.routes}
        self.costs: dict[Key, float] = {
            k: route_cost(self.problem, r) for k, r in self.routes.items()
        }
        self.mats = problem_matrices(self.problem)
        self._points: dict[str, np.ndarray] | None = None
        self._spare: dict[str, int] | None = None

    @property
    def out_of_time(self) -> bool:
        """The deadline has passed."""
        return time.perf_counter() > self.deadline

    def placements(
        self,
        problem: Problem,
        job: Job,
        engineers: Sequence[str],
        plan: Plan | None = None,
        *,
        tries: int = TRIES,
    ) -> list[Placement]:
        """The cheapest places for ``job`` (as in ``problem``) with ``engineers`` in ``plan``
        (default: the plan explained), each route already held to the route rules; at most
        ``tries`` gaps are rebuilt exactly."""
        if self.out_of_time or not engineers:
            return []
        base = plan or self.plan
        site = Site(problem, self.now, frozenset(b.job_id for b in base.broken_appointments))
        try:
            found, _ = cheapest(
                site,
                base,
                job,
                frozen_until=site.now_s,
                budget_s=INSERT_S,
                engineers=list(engineers),
                tries=tries,
            )
        except DispatchoptError:
            return []
        return found

    def serve(
        self,
        problem: Problem,
        job: Job,
        engineers: Sequence[str],
        plan: Plan | None = None,
        changed: Iterable[Route] = (),
    ) -> Plan | None:
        """The plan with ``job`` served at its cheapest place that passes the check, or
        ``None``; ``changed`` are other routes ``plan`` changed from the plan explained."""
        base = plan or self.plan
        extra = list(changed)
        for placement in self.placements(problem, job, engineers, base):
            candidate = swap_route(base, placement.route, problem)
            if self.check(problem, candidate, [placement.route, *extra]):
                return candidate
        return None

    def accept(
        self, problem: Problem, placement: Placement, plan: Plan | None = None
    ) -> Plan | None:
        """``plan`` (default: the plan explained) with ``placement``'s route, if it passes the
        check under ``problem`` (a place found under a looser change, tried under a tighter
        one)."""
        candidate = swap_route(plan or self.plan, placement.route, problem)
        return candidate if self.check(problem, candidate, [placement.route]) else None

    def check(self, problem: Problem, plan: Plan, changed: Sequence[Route]) -> bool:
        """True when ``plan`` keeps every hard rule of ``problem`` (see the module's note):
        the ``changed`` routes still in it are held to the route rules."""
        if self.full_check:
            return not validate(problem, plan)
        site = Site(problem, self.now, frozenset(b.job_id for b in plan.broken_appointments))
        held = {id(r) for r in plan.routes}
        for route in changed:
            if id(route) in held and route_violations(site, route):
                return False
        return _plan_ok(problem, plan)

    def added(self, problem: Problem, plan: Plan, engineers: Iterable[str] = ()) -> float:
        """What ``plan`` under ``problem`` costs more than the plan explained (penalties of
        jobs left out aside), from the routes that differ and every route of ``engineers``
        (whose shifts the change touched)."""
        touched = set(engineers)
        new = {key_of(r): r for r in plan.routes}
        keys = {k for k in set(new) | set(self.routes) if k[0] in touched}
        keys |= {k for k, r in new.items() if self.routes.get(k) is not r}
        keys |= {k for k in self.routes if k not in new}
        after = sum(route_cost(problem, new[k]) for k in keys if k in new)
        before = sum(self.costs[k] for k in keys if k in self.costs)
        return round(after - before, 2)

    def spare_s(self, engineer: Engineer) -> int:
        """Seconds of the engineer's shifts (overtime included) not spent driving or on site:
        no job longer than that fits in their day. Without a speed profile a detour never
        saves time, so this bounds what the insertion search can find; with one, drives
        depend on the hour and no bound is claimed (a day's length is returned)."""
        if self._spare is None:
            self._spare = {}
            timed = self.mats.profile_of(None) is not None or bool(self.mats.vehicles)
            for e in self.problem.engineers:
                total = sum(
                    (s.end - s.start).total_seconds() + e.overtime_minutes * 60 for s in e.shifts
                )
                for route in self.plan.routes:
                    if route.engineer_id == e.id:
                        busy = (route.arrival - route.departure).total_seconds()
                        total -= busy - sum(s.wait_s for s in route.stops)
                self._spare[e.id] = 86_400 if timed else int(total)
        return self._spare[engineer.id]

    def nearest(self, job: Job, problem: Problem | None = None, count: int = 3) -> list[Engineer]:
        """Up to ``count`` engineers who may do ``job`` (in ``problem``) and cannot take it
        unchanged, nearest first (their home or any stop of their day)."""
        within = problem or self.problem
        able = [e for e in within.engineers if may_do(job, e) and e.id not in self.free]
        return self.closest(job, able, count)

    def closest(self, job: Job, engineers: Sequence[Engineer], count: int) -> list[Engineer]:
        """The ``count`` of ``engineers`` who pass nearest ``job``: from home or from a stop
        of their day, ties in the given order."""
        if len(engineers) <= 1:
            return list(engineers)
        points = self._engineer_points()
        here = self.mats.job_point[job.id]
        to_job = self.mats.matrices.duration_s[:, here]
        near = [int(to_job[points[e.id]].min()) for e in engineers]
        order = sorted(range(len(engineers)), key=lambda i: near[i])
        return [engineers[i] for i in order[:count]]

    def _engineer_points(self) -> dict[str, np.ndarray]:
        if self._points is None:
            m = self.mats
            points: dict[str, list[int]] = {
                e.id: [m.start_point[e.id], m.end_point[e.id]] for e in self.problem.engineers
            }
            for route in self.plan.routes:
                points[route.engineer_id].extend(m.stop_point(s) for s in route.stops)
            self._points = {e: np.asarray(p, dtype=np.int64) for e, p in points.items()}
        return self._points


def _plan_ok(problem: Problem, plan: Plan) -> bool:
    ctx = Context(problem, plan)
    for rule in PLAN_RULES:
        CHECKS[rule](ctx)
    if any(s.kind == "pickup" for r in plan.routes for s in r.stops):
        CHECKS[Rule.PARTS](ctx)  # shelves are shared by every route that picks up
    return not ctx.out


def swap_route(plan: Plan, route: Route, problem: Problem) -> Plan:
    """``plan`` with ``route`` in place of the route of its slot (or added), and the jobs it
    serves off the unassigned list; the summary is left as it was (trials price routes)."""
    key = key_of(route)
    routes = [r for r in plan.routes if key_of(r) != key]
    routes.append(route)
    rank = {e.id: i for i, e in enumerate(problem.engineers)}
    routes.sort(key=lambda r: (rank.get(r.engineer_id, 0), r.shift_index))
    served = {s.job_id for s in route.jobs}
    return plan.model_copy(
        update={
            "routes": routes,
            "unassigned": [u for u in plan.unassigned if u.job_id not in served],
        }
    )


def changed_problem(problem: Problem, **changes: Any) -> Problem:
    """``problem`` with some fields replaced, unchecked (each change here is one field of one
    engineer, job or arrival made by this package, the rest already checked), sharing its
    matrices and epoch; a job added at a place the problem already has costs no travel-model
    call."""
    data = {name: getattr(problem, name) for name in Problem.model_fields}
    data.update(changes)
    changed = Problem.model_construct(**data)
    # Every change made here moves a moment later (a shift's end, a window's close) or adds
    # one no earlier than the first shift's start, so the epoch stays: found again, it would
    # scan every job of every trial problem.
    changed.__dict__["_epoch"] = problem.epoch()
    if {j.id for j in changed.jobs} <= set(problem.job_by_id):
        share_matrices(problem_matrices(problem), changed)
    else:
        extend_matrices(problem, changed)
    return changed


def with_engineer(problem: Problem, engineer: Engineer) -> Problem:
    """``problem`` with ``engineer`` (same id and places, other shifts)."""
    return changed_problem(
        problem, engineers=[engineer if e.id == engineer.id else e for e in problem.engineers]
    )


def with_job(problem: Problem, job: Job) -> Problem:
    """``problem`` with the job of ``job``'s id replaced (same place)."""
    return changed_problem(problem, jobs=[job if j.id == job.id else j for j in problem.jobs])


def longer(engineer: Engineer, minutes: int, index: int) -> Engineer | None:
    """``engineer`` with shift ``index`` ending ``minutes`` later; ``None`` when that would
    run into the next shift."""
    shifts = list(engineer.shifts)
    end = shifts[index].end + timedelta(minutes=minutes)
    if index + 1 < len(shifts) and end >= shifts[index + 1].start:
        return None
    shifts[index] = shifts[index].model_copy(update={"end": end})
    return engineer.model_copy(update={"shifts": shifts})


def wider(job: Job, minutes: int) -> Job:
    """``job`` with every window closing ``minutes`` later."""
    windows = [
        w.model_copy(update={"end": w.end + timedelta(minutes=minutes)}) for w in job.time_windows
    ]
    return job.model_copy(update={"time_windows": windows})


def stop_start(route: Route, job_id: str) -> datetime:
    """When ``job_id``'s visit on ``route`` starts."""
    return next(s.start for s in route.stops if s.job_id == job_id and s.kind == "job")


def without(
    problem: Problem, plan: Plan, job_id: str, detail: str = "displaced to make room"
) -> tuple[Plan, Route | None]:
    """``plan`` with ``job_id`` taken out of its route (the rest of the route re-timed from the
    drives, every visit starting when it did) and listed as unassigned; and that route as it
    now is (``None`` when it had no other visit and was dropped)."""
    mats = problem_matrices(problem)
    epoch = problem.epoch()
    routes: list[Route] = []
    left: Route | None = None
    for route in plan.routes:
        if all(s.job_id != job_id or s.kind != "job" for s in route.stops):
            routes.append(route)
            continue
        engineer = problem.engineer_by_id[route.engineer_id]
        stops = [s for s in route.stops if s.job_id != job_id or s.kind != "job"]
        if not any(s.kind == "job" for s in stops):
            continue
        point, leaves, timed = mats.start_point[engineer.id], route.departure, []
        for stop in stops:
            here = mats.stop_point(stop)
            drive = mats.duration_at(
                point, here, math.floor((leaves - epoch).total_seconds()), engineer.vehicle_profile
            )
            arrival = min(stop.start, _after(leaves, drive, route))
            timed.append(
                stop.model_copy(
                    update={
                        "arrival": arrival,
                        "wait_s": int((stop.start - arrival).total_seconds()),
                        "travel_s": drive,
                        "distance_m": mats.distance(point, here),
                    }
                )
            )
            point, leaves = here, stop.end
        home = mats.end_point[engineer.id]
        drive = mats.duration_at(
            point, home, math.floor((leaves - epoch).total_seconds()), engineer.vehicle_profile
        )
        left = route.model_copy(
            update={
                "stops": timed,
                "arrival": _after(leaves, drive, route),
                "return_travel_s": drive,
                "return_distance_m": mats.distance(point, home),
            }
        )
        routes.append(left)
    dropped = Unassigned(
        job_id=job_id, reason=UnassignedReason.NOT_WORTH_ITS_PENALTY, detail=detail
    )
    thinner = plan.model_copy(update={"routes": routes, "unassigned": [*plan.unassigned, dropped]})
    return thinner, left


def _after(leaves: datetime, drive: int, route: Route) -> datetime:
    """Arrival after driving ``drive`` seconds from ``leaves``: a break that begins on the way
    pauses the drive."""
    at = leaves + timedelta(seconds=drive)
    for brk in sorted(route.breaks, key=lambda b: b.start):
        if leaves <= brk.start < at:
            at += brk.end - brk.start
    return at

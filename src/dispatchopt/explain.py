"""Explain a plan: its objective term by term, and for each job left out the few cheapest
single changes that would let it in.

Every change offered was made and tried: the changed problem (a longer shift, a wider window,
a lower skill level accepted) or the changed plan (another job dropped) is handed to
the cheapest-insertion search behind :func:`dispatchopt.live.insert_job`, which places the
job without moving anyone else's visit to another engineer; a place found is kept only when
the validator passes the whole plan. What it adds to the
objective is then measured on that plan.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatchopt.errors import DispatchoptError
from dispatchopt.live.edits import replace_job
from dispatchopt.live.insert import place, with_route
from dispatchopt.matrices import problem_matrices, share_matrices
from dispatchopt.models import (
    Counterfactual,
    Engineer,
    Job,
    Plan,
    Problem,
    Route,
    Unassigned,
    UnassignedReason,
)
from dispatchopt.models.eligibility import may_do
from dispatchopt.solvers.breakdown import CostBreakdown, cost_breakdown
from dispatchopt.solvers.objective import drop_penalty, plan_score
from dispatchopt.validate import validate

BUDGET_S = 5.0
"""Seconds :func:`explain` may spend on counterfactuals for the whole plan."""
PER_JOB = 3
"""Counterfactuals kept per unassigned job (the cheapest)."""
ENGINEERS_TRIED = 3
"""Engineers tried per kind of change: the nearest to the job who could do it after it."""
EXTEND_MINUTES = (15, 30, 60, 120)
"""Shift extensions tried, shortest first (the first that works is offered)."""
WIDEN_MINUTES = (30, 60, 120, 240)
"""Window widenings tried, narrowest first."""
INSERT_S = 0.15
"""Time each trial insertion may take."""


@dataclass(frozen=True)
class Explanation:
    """``breakdown`` of the plan's objective; ``plan`` with each unassigned job's
    counterfactuals filled in."""

    breakdown: CostBreakdown
    plan: Plan


def explain(problem: Problem, plan: Plan, *, budget_s: float = BUDGET_S) -> Explanation:
    """The cost table of ``plan`` and, within ``budget_s``, what would let each job left out in
    (jobs beyond the budget keep an empty list)."""
    until = time.perf_counter() + budget_s
    items = []
    for item in plan.unassigned:
        found = counterfactuals(problem, plan, item.job_id, until=until)
        items.append(item.model_copy(update={"counterfactuals": found}))
    explained = plan.model_copy(update={"unassigned": items})
    return Explanation(breakdown=cost_breakdown(problem, plan), plan=explained)


def counterfactuals(
    problem: Problem, plan: Plan, job_id: str, *, until: float | None = None
) -> list[Counterfactual]:
    """Up to :data:`PER_JOB` single changes that let ``job_id`` in, cheapest first."""
    job = problem.job_by_id[job_id]
    deadline = time.perf_counter() + BUDGET_S if until is None else until
    trial = _Trial(problem, plan, deadline)
    found: list[Counterfactual] = []
    if job.parts:
        return found  # part_available needs a depot visit planned: not offered yet
    # A change is only worth offering for an engineer who cannot take the job as things are.
    trial.free = {e.id for e in trial.nearest(job) if trial.place(problem, job, e.id) is not None}
    for make in (_extend_shift, _widen_window, _accept_level, _displace):
        if time.perf_counter() > deadline:
            break
        found.extend(make(trial, job))
    found.sort(key=lambda c: (c.added_cost, c.kind, sorted(c.params.items())))
    return found[:PER_JOB]


def apply_counterfactual(
    problem: Problem, plan: Plan, job_id: str, change: Counterfactual
) -> tuple[Problem, Plan] | None:
    """Make ``change`` and insert the job: the changed problem and the validated plan serving
    it, or ``None`` when it does not get in (an independent re-check of an offer)."""
    job = problem.job_by_id[job_id]
    params = change.params
    plan_in, who = plan, None
    if change.kind == "extend_shift":
        engineer = problem.engineer_by_id[str(params["engineer_id"])]
        changed = _longer(engineer, int(params["minutes"]), int(params.get("shift_index", 0)))
        if changed is None:
            return None
        problem = _with_engineer(problem, changed)
        who = engineer.id
    elif change.kind == "widen_window":
        job = _wider(job, int(params["minutes"]))
        problem = _with_job(problem, job)
    elif change.kind == "accept_level":
        skills = [
            s.model_copy(update={"level": int(params["level"])})
            if s.skill == params["skill"]
            else s
            for s in job.skills
        ]
        job = job.model_copy(update={"skills": skills})
        problem = _with_job(problem, job)
    elif change.kind == "displace":
        plan_in = _without(problem, plan, str(params["job_id"]))
    else:
        return None
    trial = _Trial(problem, plan_in, time.perf_counter() + BUDGET_S)
    engineers = [who] if who is not None else [e.id for e in problem.engineers if may_do(job, e)]
    for engineer_id in engineers:
        placed = trial.place(problem, job, engineer_id)
        if placed is not None:
            return problem, placed
    return None


@dataclass
class _Trial:
    problem: Problem
    plan: Plan
    deadline: float

    def __post_init__(self) -> None:
        self.free: set[str] = set()
        starts = [s.start for e in self.problem.engineers for s in e.shifts]
        self.now: datetime = min(starts) if starts else self.problem.epoch()
        self.base = plan_score(self.problem, self.plan).cost

    def place(
        self, problem: Problem, job: Job, engineer: str, plan: Plan | None = None
    ) -> Plan | None:
        """The plan with ``job`` (as in ``problem``) served by ``engineer``, validated; or
        ``None`` (failures cost no validation: only a found place is checked whole)."""
        if time.perf_counter() > self.deadline:
            return None
        base = plan or self.plan
        started = time.perf_counter()
        try:
            placements, _ = place(
                problem,
                base,
                job,
                now=self.now,
                frozen_minutes=0,
                budget_s=INSERT_S,
                engineers=[engineer],
            )
            for placement in placements:
                candidate = with_route(problem, base, placement, started)
                if not validate(problem, candidate):
                    return candidate
        except DispatchoptError:
            return None
        return None

    def added(self, problem: Problem, plan: Plan) -> float:
        return round(plan_score(problem, plan).cost - self.base, 2)

    def nearest(self, job: Job, problem: Problem | None = None) -> Iterator[Engineer]:
        """Engineers who may do ``job`` (in ``problem``) and cannot take it unchanged, nearest
        home first."""
        within = problem or self.problem
        mats = problem_matrices(self.problem)
        here = mats.job_point[job.id]
        able = [e for e in within.engineers if may_do(job, e) and e.id not in self.free]
        able.sort(key=lambda e: int(mats.matrices.duration_s[mats.start_point[e.id], here]))
        yield from able[:ENGINEERS_TRIED]


def _extend_shift(trial: _Trial, job: Job) -> list[Counterfactual]:
    out = []
    for engineer in trial.nearest(job):
        if not _helps(trial, engineer, job):
            continue
        for index, minutes in _extensions(engineer):
            changed = _longer(engineer, minutes, index)
            if changed is None:
                continue
            longer = _with_engineer(trial.problem, changed)
            placed = trial.place(longer, job, engineer.id)
            if placed is None:
                continue
            cost = trial.added(longer, placed)
            which = f" {index + 1}" if len(engineer.shifts) > 1 else ""
            out.append(
                Counterfactual(
                    kind="extend_shift",
                    params={"engineer_id": engineer.id, "minutes": minutes, "shift_index": index},
                    added_cost=cost,
                    description=f"extend {engineer.id}'s shift{which} by {minutes} min: "
                    f"{engineer.id} could do it ({cost:+.2f})",
                )
            )
            break
    return out


def _extensions(engineer: Engineer) -> Iterator[tuple[int, int]]:
    """(shift index, minutes) to try: shortest extensions first, earlier shifts first."""
    for minutes in EXTEND_MINUTES:
        for index in range(len(engineer.shifts)):
            yield index, minutes


def _helps(trial: _Trial, engineer: Engineer, job: Job) -> bool:
    """Whether the longest extension of any shift lets ``job`` in (if not, no shorter one will)."""
    for index in range(len(engineer.shifts)):
        changed = _longer(engineer, EXTEND_MINUTES[-1], index)
        if changed is not None:
            problem = _with_engineer(trial.problem, changed)
            if trial.place(problem, job, engineer.id) is not None:
                return True
    return False


def _widen_window(trial: _Trial, job: Job) -> list[Counterfactual]:
    if not job.time_windows:
        return []
    widest = _wider(job, WIDEN_MINUTES[-1])
    everyone = list(trial.nearest(widest))
    problem = _with_job(trial.problem, widest)
    if not any(trial.place(problem, widest, e.id) is not None for e in everyone):
        return []  # the widest widening does not help: no narrower one will
    for minutes in WIDEN_MINUTES:
        wider = _wider(job, minutes)
        problem = _with_job(trial.problem, wider)
        for engineer in trial.nearest(wider):
            placed = trial.place(problem, wider, engineer.id)
            if placed is None:
                continue
            cost = trial.added(problem, placed)
            start = placed.route_of(job.id)
            when = "" if start is None else f" ({engineer.id} at {_stop_start(start, job.id)})"
            return [
                Counterfactual(
                    kind="widen_window",
                    params={"minutes": minutes, "side": "end"},
                    added_cost=cost,
                    description=f"widen the window by {minutes} min{when} ({cost:+.2f})",
                )
            ]
    return []


def _accept_level(trial: _Trial, job: Job) -> list[Counterfactual]:
    out = []
    for k, need in enumerate(job.skills):
        holders = sorted(
            {
                e.skills[need.skill]
                for e in trial.problem.engineers
                if 0 < e.skills.get(need.skill, 0) < need.level
            },
            reverse=True,
        )
        for level in holders:
            skills = list(job.skills)
            skills[k] = need.model_copy(update={"level": level})
            easier = job.model_copy(update={"skills": skills})
            problem = _with_job(trial.problem, easier)
            placed = next(
                (
                    (e, p)
                    for e in trial.nearest(easier, problem)
                    if (p := trial.place(problem, easier, e.id)) is not None
                ),
                None,
            )
            if placed is None:
                continue
            engineer, plan = placed
            cost = trial.added(problem, plan)
            route = plan.route_of(job.id)
            when = "" if route is None else f" at {_stop_start(route, job.id)}"
            out.append(
                Counterfactual(
                    kind="accept_level",
                    params={"skill": need.skill, "level": level},
                    added_cost=cost,
                    description=f"accept level {level} for {need.skill}: {engineer.id} could go"
                    f"{when} ({cost:+.2f})",
                )
            )
            break
    return out


def _displace(trial: _Trial, job: Job) -> list[Counterfactual]:
    out = []
    own = drop_penalty(trial.problem, job.id)
    for engineer in trial.nearest(job):
        for route in (r for r in trial.plan.routes if r.engineer_id == engineer.id):
            others = [
                s.job_id
                for s in route.jobs
                if drop_penalty(trial.problem, s.job_id) < own
                and trial.problem.job_by_id[s.job_id].lock is None
            ]
            others.sort(key=lambda j: (drop_penalty(trial.problem, j), j))
            for other in others[:3]:
                thinner = _without(trial.problem, trial.plan, other)
                placed = trial.place(trial.problem, job, engineer.id, thinner)
                if placed is None:
                    continue
                penalty = drop_penalty(trial.problem, other)
                cost = round(trial.added(trial.problem, placed) + penalty, 2)
                priority = trial.problem.job_by_id[other].priority
                out.append(
                    Counterfactual(
                        kind="displace",
                        params={"job_id": other},
                        added_cost=cost,
                        description=f"drop {other} (priority {priority}) for it: {engineer.id} "
                        f"takes it instead ({cost:+.2f}, its penalty {penalty:g} included)",
                    )
                )
                break
    return out


def _wider(job: Job, minutes: int) -> Job:
    windows = [
        w.model_copy(update={"end": w.end + timedelta(minutes=minutes)}) for w in job.time_windows
    ]
    return job.model_copy(update={"time_windows": windows})


def _longer(engineer: Engineer, minutes: int, index: int) -> Engineer | None:
    """``engineer`` with shift ``index`` ending ``minutes`` later; ``None`` when that would
    run into the next shift."""
    shifts = list(engineer.shifts)
    end = shifts[index].end + timedelta(minutes=minutes)
    if index + 1 < len(shifts) and end >= shifts[index + 1].start:
        return None
    shifts[index] = shifts[index].model_copy(update={"end": end})
    return engineer.model_copy(update={"shifts": shifts})


def _with_engineer(problem: Problem, engineer: Engineer) -> Problem:
    """``problem`` with ``engineer`` (same places, other shifts), sharing its matrices."""
    engineers = [engineer if e.id == engineer.id else e for e in problem.engineers]
    data = {name: getattr(problem, name) for name in Problem.model_fields}
    changed = Problem.model_validate({**data, "engineers": engineers})
    if changed.epoch() == problem.epoch():
        share_matrices(problem_matrices(problem), changed)
    return changed


def _with_job(problem: Problem, job: Job) -> Problem:
    return replace_job(problem, job)


def _stop_start(route: Route, job_id: str) -> str:
    stop = next(s for s in route.stops if s.job_id == job_id)
    return stop.start.strftime("%H:%M")


def _without(problem: Problem, plan: Plan, job_id: str) -> Plan:
    """``plan`` with ``job_id`` taken out of its route (the rest of the route re-timed from the
    drives) and listed as unassigned."""
    mats = problem_matrices(problem)
    epoch = problem.epoch()
    routes = []
    for route in plan.routes:
        if all(s.job_id != job_id for s in route.stops):
            routes.append(route)
            continue
        engineer = problem.engineer_by_id[route.engineer_id]
        stops = [s for s in route.stops if s.job_id != job_id]
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
        routes.append(
            route.model_copy(
                update={
                    "stops": timed,
                    "arrival": _after(leaves, drive, route),
                    "return_travel_s": drive,
                    "return_distance_m": mats.distance(point, home),
                }
            )
        )
    dropped = Unassigned(
        job_id=job_id,
        reason=UnassignedReason.NOT_WORTH_ITS_PENALTY,
        detail="displaced to make room for another job",
    )
    return plan.model_copy(update={"routes": routes, "unassigned": [*plan.unassigned, dropped]})


def _after(leaves: datetime, drive: int, route: Route) -> datetime:
    """Arrival after driving ``drive`` seconds from ``leaves``: a break that begins on the way
    pauses the drive."""
    at = leaves + timedelta(seconds=drive)
    for brk in sorted(route.breaks, key=lambda b: b.start):
        if leaves <= brk.start < at:
            at += brk.end - brk.start
    return at


__all__ = ["Explanation", "apply_counterfactual", "counterfactuals", "explain"]

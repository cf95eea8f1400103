"""What would let a job left out in: the few cheapest single changes, each made and tried.

The changed problem (a longer shift, a wider window, a lower skill level accepted, the part at
a depot in time) or the changed plan (another job dropped) is handed to the cheapest-insertion
search behind :func:`dispatchopt.live.insert_job`, which places the job without moving anyone
else's visit to another engineer; a place found is kept only when the plan passes the
validator's rules. What it adds to the objective is measured on that plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from dispatchopt.explain._trial import (
    Trial,
    longer,
    stop_start,
    wider,
    with_engineer,
    with_job,
    without,
)
from dispatchopt.explain.parts import apply_part_available, part_available
from dispatchopt.live.edits import replace_job, with_changes
from dispatchopt.live.placement import Placement
from dispatchopt.models import Counterfactual, Engineer, Job, Plan, Problem, Route
from dispatchopt.models.eligibility import may_do
from dispatchopt.solvers.objective import drop_penalty
from dispatchopt.validate import validate

BUDGET_S = 5.0
"""Seconds :func:`counterfactuals` may spend on one job when no deadline is given."""
PER_JOB = 3
"""Counterfactuals kept per unassigned job (the cheapest)."""
ENGINEERS_TRIED = 3
"""Engineers tried per kind of change: the nearest to the job who could do it after it."""
EXTEND_MINUTES = (15, 30, 60, 120)
"""Shift extensions offered, shortest first (the shortest that works is offered)."""
WIDEN_MINUTES = (30, 60, 120, 240)
"""Window widenings offered, narrowest first."""
DISCOVERY_TRIES = 30
"""Gaps rebuilt when only asking whether a change can help at all (the answer is then tried in
full)."""
DISPLACED_TRIED = 2
"""Jobs of lower penalty tried per engineer for ``displace``, cheapest to drop first."""

Kind = Callable[[Trial, Job], list[Counterfactual]]


def counterfactuals(
    problem: Problem, plan: Plan, job_id: str, *, until: float | None = None
) -> list[Counterfactual]:
    """Up to :data:`PER_JOB` single changes that let ``job_id`` in, cheapest first, found
    before ``until`` (a ``time.perf_counter()`` moment; default :data:`BUDGET_S` from now)."""
    deadline = time.perf_counter() + BUDGET_S if until is None else until
    trial = Trial(problem, plan, deadline, full_check=bool(validate(problem, plan)))
    return find(trial, job_id)


def find(trial: Trial, job_id: str) -> list[Counterfactual]:
    """:func:`counterfactuals` within a trial shared by several jobs."""
    job = trial.problem.job_by_id[job_id]
    # A change is only worth offering for an engineer who cannot take the job as things are:
    # _extend_shift, first, finds them (a place inside the unextended shift) and nearest()
    # leaves them out from then on.
    trial.free = set()
    found: list[Counterfactual] = []
    kinds: tuple[Kind, ...] = (_extend_shift, _widen_window, _accept_level, _displace)
    if job.parts:
        kinds = (_extend_shift, part_available, *kinds[1:])
    for make in kinds:
        if trial.out_of_time:
            break
        found.extend(make(trial, job))
    found.sort(key=lambda c: (c.added_cost, c.kind, sorted(c.params.items())))
    return found[:PER_JOB]


def apply_counterfactual(
    problem: Problem, plan: Plan, job_id: str, change: Counterfactual
) -> tuple[Problem, Plan] | None:
    """Make ``change`` and insert the job: the changed problem (built and checked anew) and a
    plan serving it that the full validator passes, or ``None`` when it does not get in (an
    independent re-check of an offer)."""
    job = problem.job_by_id[job_id]
    params = change.params
    if change.kind == "part_available":
        return apply_part_available(problem, plan, job, params)
    plan_in, who = plan, None
    if change.kind == "extend_shift":
        engineer = problem.engineer_by_id[str(params["engineer_id"])]
        changed = longer(engineer, int(params["minutes"]), int(params.get("shift_index", 0)))
        if changed is None:
            return None
        problem = with_changes(
            problem,
            engineers=[changed if e.id == changed.id else e for e in problem.engineers],
        )
        who = engineer.id
    elif change.kind == "widen_window":
        job = wider(job, int(params["minutes"]))
        problem = replace_job(problem, job)
    elif change.kind == "accept_level":
        skills = [
            s.model_copy(update={"level": int(params["level"])})
            if s.skill == params["skill"]
            else s
            for s in job.skills
        ]
        job = job.model_copy(update={"skills": skills})
        problem = replace_job(problem, job)
    elif change.kind == "displace":
        plan_in, _ = without(problem, plan, str(params["job_id"]))
    else:
        return None
    trial = Trial(problem, plan_in, time.perf_counter() + BUDGET_S, full_check=True)
    engineers = [who] if who is not None else [e.id for e in problem.engineers if may_do(job, e)]
    for engineer_id in engineers:
        placed = trial.serve(problem, job, [engineer_id])
        if placed is not None:
            return problem, placed
    return None


def _extend_shift(trial: Trial, job: Job) -> list[Counterfactual]:
    """For each of the nearest engineers and each shift, the shortest extension that lets
    ``job`` in. The longest extension of all their shifts is tried first, in one search (an
    engineer it does not help is not helped by a shorter one); then, for each engineer it
    helps, the shortest that covers the overrun of the cheapest place found, and longer ones."""
    near = trial.nearest(job, count=ENGINEERS_TRIED)
    stretched: dict[str, Engineer] = {}
    for engineer in near:
        for index in range(len(engineer.shifts)):
            changed = longer(stretched.get(engineer.id, engineer), EXTEND_MINUTES[-1], index)
            if changed is not None:
                stretched[engineer.id] = changed
    if not stretched:
        return []
    problem = trial.problem
    for changed in stretched.values():
        problem = with_engineer(problem, changed)
    places = trial.placements(problem, job, list(stretched), tries=DISCOVERY_TRIES)
    for p in places:
        engineer = p.slot.engineer
        shift = trial.problem.engineer_by_id[engineer.id].shifts[p.slot.shift_index]
        if p.route.arrival <= shift.end + timedelta(minutes=engineer.overtime_minutes):
            trial.free.add(engineer.id)  # a place the unchanged shift holds: no change needed
    out = []
    for engineer in (e for e in near if e.id not in trial.free):
        mine = [p for p in places if p.engineer_id == engineer.id]
        for index in sorted({p.slot.shift_index for p in mine}):
            offer = _extension(
                trial, job, engineer, index, [p for p in mine if p.slot.shift_index == index]
            )
            if offer is not None:
                out.append(offer)
                break
    return out


def _extension(
    trial: Trial, job: Job, engineer: Engineer, index: int, places: list[Placement]
) -> Counterfactual | None:
    """The shortest extension of shift ``index`` that lets ``job`` in: the place among
    ``places`` (found with the longest) that overruns the shift least, checked under the
    shortest extension covering it; failing that, a search under that and longer ones."""
    shift = engineer.shifts[index]

    def overrun(p: Placement) -> float:
        late = (p.route.arrival - shift.end).total_seconds() / 60
        return late - engineer.overtime_minutes

    least = min(places, key=overrun)
    for minutes in (m for m in EXTEND_MINUTES if m >= overrun(least)):
        changed = longer(engineer, minutes, index)
        if changed is None:
            continue
        problem = with_engineer(trial.problem, changed)
        placed = trial.accept(problem, least) or trial.serve(problem, job, [engineer.id])
        if placed is None:
            continue
        cost = trial.added(problem, placed, [engineer.id])
        which = f" {index + 1}" if len(engineer.shifts) > 1 else ""
        return Counterfactual(
            kind="extend_shift",
            params={"engineer_id": engineer.id, "minutes": minutes, "shift_index": index},
            added_cost=cost,
            description=f"extend {engineer.id}'s shift{which} by {minutes} min: "
            f"{engineer.id} could do it ({cost:+.2f})",
        )
    return None


def _widen_window(trial: Trial, job: Job) -> list[Counterfactual]:
    """The narrowest widening that lets ``job`` in: the widest is tried first (if it does not
    help, no narrower one will); the place it finds nearest the old windows is then checked
    under the narrowest widening that covers it, and failing that, searched for again."""
    if not job.time_windows:
        return []
    widest = wider(job, WIDEN_MINUTES[-1])
    problem = with_job(trial.problem, widest)
    everyone = [e.id for e in trial.nearest(widest, count=ENGINEERS_TRIED)]
    places = trial.placements(problem, widest, everyone, tries=DISCOVERY_TRIES)
    if not places:
        return []
    least = min(places, key=lambda p: _minutes_late(job, stop_start(p.route, job.id)))
    late = _minutes_late(job, stop_start(least.route, job.id))
    for minutes in (m for m in WIDEN_MINUTES if m >= late):
        wide = wider(job, minutes)
        problem = with_job(trial.problem, wide)
        placed = trial.accept(problem, least)
        if placed is None:
            placed = next(
                (
                    p
                    for e in trial.nearest(wide, count=ENGINEERS_TRIED)
                    if (p := trial.serve(problem, wide, [e.id])) is not None
                ),
                None,
            )
        if placed is None:
            continue
        cost = trial.added(problem, placed)
        route = placed.route_of(job.id)
        assert route is not None
        return [
            Counterfactual(
                kind="widen_window",
                params={"minutes": minutes, "side": "end"},
                added_cost=cost,
                description=f"widen the window by {minutes} min ({route.engineer_id} at "
                f"{_clock(route, job.id)}) ({cost:+.2f})",
            )
        ]
    return []


def _minutes_late(job: Job, start: datetime) -> float:
    """How long after the close of the last window opened by then ``start`` is (0: inside)."""
    closes = [w.end for w in job.time_windows if w.start <= start]
    if not closes:
        return 0.0
    return max(0.0, min((start - end).total_seconds() / 60 for end in closes))


def _accept_level(trial: Trial, job: Job) -> list[Counterfactual]:
    out: list[Counterfactual] = []
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
            if trial.out_of_time:
                return out
            skills = list(job.skills)
            skills[k] = need.model_copy(update={"level": level})
            easier = job.model_copy(update={"skills": skills})
            problem = with_job(trial.problem, easier)
            placed = next(
                (
                    (e, p)
                    for e in trial.nearest(easier, problem, ENGINEERS_TRIED)
                    if (p := trial.serve(problem, easier, [e.id])) is not None
                ),
                None,
            )
            if placed is None:
                continue
            engineer, plan = placed
            cost = trial.added(problem, plan)
            route = plan.route_of(job.id)
            when = "" if route is None else f" at {_clock(route, job.id)}"
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


def _displace(trial: Trial, job: Job) -> list[Counterfactual]:
    out = []
    problem = trial.problem
    own = drop_penalty(problem, job.id)
    for engineer in trial.nearest(job, count=ENGINEERS_TRIED):
        for route in (r for r in trial.plan.routes if r.engineer_id == engineer.id):
            others = [
                s.job_id
                for s in route.jobs
                if drop_penalty(problem, s.job_id) < own
                and problem.job_by_id[s.job_id].lock is None
            ]
            others.sort(key=lambda j: (drop_penalty(problem, j), j))
            for other in others[:DISPLACED_TRIED]:
                thinner, left = without(problem, trial.plan, other)
                changed = [] if left is None else [left]
                placed = trial.serve(problem, job, [engineer.id], thinner, changed)
                if placed is None:
                    continue
                penalty = drop_penalty(problem, other)
                cost = round(trial.added(problem, placed) + penalty, 2)
                priority = problem.job_by_id[other].priority
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


def _clock(route: Route, job_id: str) -> str:
    return stop_start(route, job_id).strftime("%H:%M")


__all__ = ["apply_counterfactual", "counterfactuals", "find"]

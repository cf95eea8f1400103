"""Why this engineer: for a planned job, the next-best engineer and slot, and what it costs more.

The job is taken out of its route (the rest of that day keeps its times) and put, by the live
cheapest-insertion search, into the day of one of the engineers nearest it other than the one
planned; the cheapest place that passes the validator's rules is the answer, priced on the whole
plan (what the first route saves and the second costs).
"""

from __future__ import annotations

import time
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from dispatchopt.explain._trial import Trial, stop_start, swap_route, without
from dispatchopt.live.timeline import service_seconds
from dispatchopt.models import Plan, Problem, Route
from dispatchopt.models.eligibility import may_do
from dispatchopt.validate import validate

CANDIDATES = 4
"""Other engineers tried per job: those whose home or day passes nearest it."""
TRIES = 8
"""Gaps rebuilt exactly per job (the most promising over those engineers' days)."""


class Alternative(BaseModel):
    """The next-best way to serve ``job_id``: ``engineer_id`` (shift ``shift_index``) starting
    at ``start`` instead of ``planned_engineer_id`` at ``planned_start``; ``added_cost`` is what
    the plan's objective would rise by (negative: the plan missed a cheaper place)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_id: str
    planned_engineer_id: str
    planned_start: datetime
    engineer_id: str
    shift_index: int
    start: datetime
    added_cost: float
    description: str


def alternatives(problem: Problem, plan: Plan, job_id: str) -> Alternative | None:
    """The next-best engineer and slot for the planned job ``job_id``, or ``None`` when no
    other engineer near it can take it without moving other visits."""
    trial = Trial(
        problem, plan, time.perf_counter() + 5.0, full_check=bool(validate(problem, plan))
    )
    found = next_best(trial, job_id)
    return None if found is None else found[0]


def apply_alternative(problem: Problem, plan: Plan, alternative: Alternative) -> Plan | None:
    """The plan with the job moved as ``alternative`` says, found again and passed by the full
    validator, or ``None`` (a re-check of the alternative; its cost is then the difference of
    the two plans' ``plan_score``)."""
    trial = Trial(problem, plan, time.perf_counter() + 5.0, full_check=True)
    found = next_best(trial, alternative.job_id, only=alternative)
    return None if found is None else found[1]


def next_best(
    trial: Trial, job_id: str, only: Alternative | None = None
) -> tuple[Alternative, Plan] | None:
    """:func:`alternatives` within a trial shared by several jobs, with the plan it makes;
    ``only`` keeps the place that alternative names."""
    problem, plan = trial.problem, trial.plan
    route = plan.route_of(job_id)
    if route is None:
        return None
    job = problem.job_by_id[job_id]
    planned_start = stop_start(route, job_id)
    others = [
        e
        for e in problem.engineers
        if e.id != route.engineer_id
        and trial.spare_s(e) >= service_seconds(job, e)
        and may_do(job, e)
    ]
    near = [e.id for e in trial.closest(job, others, CANDIDATES)]
    if not near:
        return None
    # The other engineers' days do not hold the job: placing it there needs no copy of the
    # plan without it, until a place is found.
    thinner: Plan | None = None
    changed: list[Route] = []
    for placement in trial.placements(problem, job, near, tries=TRIES):
        start = stop_start(placement.route, job_id)
        if only is not None and (placement.engineer_id, start) != (only.engineer_id, only.start):
            continue
        if thinner is None:
            thinner, left = without(problem, plan, job_id, detail="moved to another engineer")
            changed = [] if left is None else [left]
        candidate = swap_route(thinner, placement.route, problem)
        if not trial.check(problem, candidate, [placement.route, *changed]):
            continue
        cost = trial.added(problem, candidate)
        who = placement.engineer_id
        return (
            Alternative(
                job_id=job_id,
                planned_engineer_id=route.engineer_id,
                planned_start=planned_start,
                engineer_id=who,
                shift_index=placement.slot.shift_index,
                start=start,
                added_cost=cost,
                description=f"next best: {who} at {start:%H:%M} ({cost:+.2f}); planned "
                f"{route.engineer_id} at {planned_start:%H:%M}",
            ),
            candidate,
        )
    return None


__all__ = ["Alternative", "alternatives", "apply_alternative", "next_best"]

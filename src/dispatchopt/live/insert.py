"""Put one new job into a running day, in well under a second, moving no one else's visit to
another engineer and keeping every promise made."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import NamedTuple

from dispatchopt.errors import InputError
from dispatchopt.live.edits import replace_job, with_job
from dispatchopt.live.placement import Placement, Refusal, cheapest
from dispatchopt.live.timeline import Site
from dispatchopt.models import Job, Plan, Problem, Unassigned, UnassignedReason
from dispatchopt.solvers.summary import summarize
from dispatchopt.validate import validate

FROZEN_MINUTES = 30.0
"""Default frozen horizon: stops that start within this many minutes of ``now`` stay as they
are (the engineer is on the way, the customer has been told)."""

SOLVER = "live insert"


class Update(NamedTuple):
    """A live change: the problem as it now is (holding the new job) and its plan."""

    problem: Problem
    plan: Plan


def insert_job(
    problem: Problem,
    plan: Plan,
    job: Job,
    *,
    now: datetime,
    time_limit: float = 0.3,
    frozen_minutes: float = FROZEN_MINUTES,
    engineers: list[str] | None = None,
) -> Update:
    """Add ``job`` to the day at its cheapest feasible place, or to ``plan.unassigned`` with the
    reason; returns ``(problem, plan)``, the problem gaining the job (or, for a job it has that
    the plan leaves out, taking this version of it).

    Every other stop keeps its engineer, its order and (pushed later at most) its appointment;
    visits that started before ``now`` or start within ``frozen_minutes`` of it do not move,
    and the new one starts at ``now`` or later. ``engineers`` narrows who may take it. The
    plan returned passes :func:`dispatchopt.validate.validate`; a plan that did not pass
    before raises :class:`~dispatchopt.errors.InputError`.
    """
    started = time.perf_counter()
    if plan.route_of(job.id) is not None:
        raise InputError([("job.id", job.id, "the plan already serves a job with this id")])
    # A job the problem knows but the plan left out may be tried again (as given now).
    known = job.id in problem.job_by_id
    grown = replace_job(problem, job) if known else with_job(problem, job)
    placements, refusal = place(
        grown,
        plan,
        job,
        now=now,
        frozen_minutes=frozen_minutes,
        budget_s=time_limit * 0.6,
        engineers=engineers,
    )
    for placement in placements:
        candidate = with_route(grown, plan, placement, started)
        if not validate(grown, candidate):
            return Update(grown, candidate)
    refusal = refusal or Refusal(
        UnassignedReason.CAPACITY,
        "every place that fits breaks another rule of the plan",
    )
    left_out = unassigned(grown, plan, job, refusal, started)
    problems = validate(grown, left_out)
    if problems:
        raise InputError(
            [("plan", len(problems), f"the plan does not validate: {problems[0].message}")]
        )
    return Update(grown, left_out)


def place(
    grown: Problem,
    plan: Plan,
    job: Job,
    *,
    now: datetime,
    frozen_minutes: float,
    budget_s: float,
    engineers: list[str] | None = None,
) -> tuple[list[Placement], Refusal | None]:
    """The cheapest places for ``job`` (already in ``grown``) in ``plan``, cheapest first."""
    site = Site(grown, now, frozenset(b.job_id for b in plan.broken_appointments))
    frozen_until = site.seconds(now + timedelta(minutes=frozen_minutes))
    return cheapest(
        site, plan, job, frozen_until=frozen_until, budget_s=budget_s, engineers=engineers
    )


def with_route(
    problem: Problem, plan: Plan, placement: Placement, started: float, *, summary: bool = True
) -> Plan:
    """``plan`` with the placement's route in place of its slot's (or added), re-summarised
    unless ``summary`` is off (a caller placing many jobs summarises once, at the end)."""
    key = (placement.slot.engineer.id, placement.slot.shift_index)
    routes = [r for r in plan.routes if (r.engineer_id, r.shift_index) != key]
    routes.append(placement.route)
    rank = {e.id: i for i, e in enumerate(problem.engineers)}
    routes.sort(key=lambda r: (rank.get(r.engineer_id, 0), r.shift_index))
    served = {s.job_id for s in placement.route.jobs}
    out = plan.model_copy(
        update={
            "routes": routes,
            "unassigned": [u for u in plan.unassigned if u.job_id not in served],
        }
    )
    if summary:
        out.summary = summarize(
            problem, out, solver=SOLVER, solve_seconds=time.perf_counter() - started
        )
    return out


def unassigned(problem: Problem, plan: Plan, job: Job, refusal: Refusal, started: float) -> Plan:
    """``plan`` with ``job`` listed as unassigned for ``refusal``'s reason."""
    out = plan.model_copy(
        update={
            "unassigned": [
                *(u for u in plan.unassigned if u.job_id != job.id),
                Unassigned(job_id=job.id, reason=refusal.reason, detail=refusal.detail),
            ]
        }
    )
    out.summary = summarize(
        problem, out, solver=SOLVER, solve_seconds=time.perf_counter() - started
    )
    return out


__all__ = ["FROZEN_MINUTES", "Update", "insert_job", "place", "with_route"]

"""What happens during a dispatch day, and the problem each event leaves behind.

:func:`apply_event` changes the *problem* only (who works when, how long a visit takes, which
jobs there are); :func:`~dispatchopt.live.replan.replan` then plans the changed day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.errors import InputError
from dispatchopt.live.edits import with_changes, with_job
from dispatchopt.matrices import problem_matrices
from dispatchopt.models import Break, Engineer, Job, Lock, Plan, Problem, Shift, TimeWindow
from dispatchopt.models._time import AwareDatetime


class EngineerUnavailable(BaseModel):
    """The engineer cannot work from ``start`` to ``end`` (off sick, van broken down)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["engineer_unavailable"] = "engineer_unavailable"
    engineer_id: str
    start: AwareDatetime
    end: AwareDatetime


class VisitOverrun(BaseModel):
    """A visit under way will end at ``expected_end``, not when planned."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["visit_overrun"] = "visit_overrun"
    job_id: str
    expected_end: AwareDatetime


class NoShow(BaseModel):
    """The customer was not home: the visit ends now (book a new job for the return visit)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["no_show"] = "no_show"
    job_id: str


class Cancelled(BaseModel):
    """The customer cancelled: the job leaves the day."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["cancelled"] = "cancelled"
    job_id: str


class JobArrived(BaseModel):
    """A new job came in (an emergency, a call)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["job_arrived"] = "job_arrived"
    job: Job


Event = Annotated[
    EngineerUnavailable | VisitOverrun | NoShow | Cancelled | JobArrived,
    Field(discriminator="kind"),
]
"""Any live event (JSON: by its ``kind``)."""

STUB = timedelta(seconds=1)
"""A shift the engineer is away for all of becomes this long (no visit fits), so that shift
indices, and the routes that name them, stay as they were."""


def apply_event(problem: Problem, plan: Plan, event: Event, *, now: datetime) -> Problem:
    """The problem after ``event`` (``plan`` tells where visits stand at ``now``)."""
    match event:
        case JobArrived(job=job):
            return with_job(problem, job)
        case Cancelled(job_id=job_id):
            _known(problem, job_id)
            jobs = [
                j.model_copy(update={"after": [a for a in j.after if a != job_id]})
                for j in problem.jobs
                if j.id != job_id
            ]
            return with_changes(problem, jobs=jobs)
        case VisitOverrun(job_id=job_id, expected_end=end):
            return _visit_ends(problem, plan, job_id, end)
        case NoShow(job_id=job_id):
            return _visit_ends(problem, plan, job_id, now)
        case EngineerUnavailable():
            return _unavailable(problem, plan, event)
    raise InputError([("event", type(event).__name__, "unknown event")])


def _known(problem: Problem, job_id: str) -> Job:
    job = problem.job_by_id.get(job_id)
    if job is None:
        raise InputError([("event.job_id", job_id, "the problem has no job with this id")])
    return job


def _visit_ends(problem: Problem, plan: Plan, job_id: str, end: datetime) -> Problem:
    """The visit keeps its engineer and start and lasts until ``end``."""
    job = _known(problem, job_id)
    route = plan.route_of(job_id)
    if route is None:
        raise InputError([("event.job_id", job_id, "the plan does not serve this job")])
    stop = next(s for s in route.jobs if s.job_id == job_id)
    minutes = max(0.0, (end - stop.start).total_seconds() / 60)
    changed = job.model_copy(
        update={
            "duration_minutes": minutes,
            "duration_by_level": {},
            "lock": Lock(engineer_id=route.engineer_id, start=stop.start),
        }
    )
    return with_changes(problem, jobs=[changed if j.id == job_id else j for j in problem.jobs])


def _unavailable(problem: Problem, plan: Plan, event: EngineerUnavailable) -> Problem:
    engineer = problem.engineer_by_id.get(event.engineer_id)
    if engineer is None:
        raise InputError([("event.engineer_id", event.engineer_id, "unknown engineer")])
    shifts = [
        _cut(problem, plan, engineer, k, shift, event.start, event.end)
        for k, shift in enumerate(engineer.shifts)
    ]
    changed = engineer.model_copy(update={"shifts": shifts})
    return with_changes(
        problem,
        engineers=[changed if e.id == engineer.id else e for e in problem.engineers],
    )


def _cut(
    problem: Problem,
    plan: Plan,
    engineer: Engineer,
    k: int,
    shift: Shift,
    start: datetime,
    end: datetime,
) -> Shift:
    """``shift`` without the time away: a shift away from its start ends then (once the visits
    begun before are done and the engineer is home); one away at its start begins at ``end``."""
    if end <= shift.start or start >= shift.end:
        return shift
    if start > shift.start:
        lo, hi = shift.start, max(start, _home_after(problem, plan, engineer, k, start))
    elif end < shift.end:
        lo, hi = end, shift.end
    else:
        return Shift(start=shift.start, end=shift.start + STUB)
    return Shift(start=lo, end=hi, breaks=_breaks_within(shift.breaks, lo, hi))


def _home_after(
    problem: Problem, plan: Plan, engineer: Engineer, k: int, start: datetime
) -> datetime:
    """When the engineer is home after the visits of shift ``k`` begun before ``start``."""
    route = next(
        (r for r in plan.routes if r.engineer_id == engineer.id and r.shift_index == k), None
    )
    begun = [s for s in route.stops if s.start < start] if route is not None else []
    if not begun:
        return start
    m = problem_matrices(problem)
    last = begun[-1]
    here = m.depot_point[last.job_id] if last.kind == "pickup" else m.job_point[last.job_id]
    leaves = round((last.end - problem.epoch()).total_seconds())
    drive = m.duration_at(here, m.end_point[engineer.id], leaves, engineer.vehicle_profile)
    taken = [b for b in route.breaks if b.start < start] if route is not None else []
    rest = sum(((b.end - b.start) for b in taken if b.start >= last.end), timedelta(0))
    return last.end + rest + timedelta(seconds=drive)


def _breaks_within(breaks: list[Break], lo: datetime, hi: datetime) -> list[Break]:
    out = []
    for brk in breaks:
        a, b = max(brk.window.start, lo), min(brk.window.end, hi)
        if (b - a).total_seconds() >= brk.duration_minutes * 60:
            window = TimeWindow(start=a, end=b)
            out.append(Break(window=window, duration_minutes=brk.duration_minutes))
    return out


__all__ = [
    "Cancelled",
    "EngineerUnavailable",
    "Event",
    "JobArrived",
    "NoShow",
    "VisitOverrun",
    "apply_event",
]

"""Rules about one visit alone: who may do it, when it may start, how long it lasts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from dispatchopt.models import Engineer, Job, Rule, Stop
from dispatchopt.validate.context import (
    Context,
    is_helper,
    is_pickup,
    job_stops,
    seconds,
    span,
)


def _visits(ctx: Context, *, leads: bool = False) -> Iterator[tuple[Job, Stop, Engineer]]:
    """Each job stop of a known engineer's route whose job the problem knows (``leads``:
    crew helpers' stops left out, their rules being the crew check's)."""
    for route, engineer in ctx.known_routes:
        for stop in job_stops(route):
            job = ctx.jobs.get(stop.job_id)
            if job is not None and not (leads and is_helper(stop, engineer.id)):
                yield job, stop, engineer


def check_skill(ctx: Context) -> None:
    """The engineer holds every skill the job needs, at its level."""
    for job, _, engineer in _visits(ctx, leads=True):
        for req in job.skills:
            held = engineer.skills.get(req.skill)
            if held is None or held < req.level:
                has = f"level {held}" if held is not None else f"no {req.skill} skill"
                ctx.report(
                    Rule.SKILL,
                    f"needs {req.skill} level {req.level}, but the engineer has {has}",
                    job=job.id,
                    engineer=engineer.id,
                    amount=req.level - (held if held is not None else 0),
                    unit="levels",
                )


def check_engineer_restriction(ctx: Context) -> None:
    """The engineer is among the required ones (if any) and not excluded."""
    for job, _, engineer in _visits(ctx, leads=True):
        if job.required_engineers and engineer.id not in job.required_engineers:
            ctx.report(
                Rule.ENGINEER_RESTRICTION,
                f"only {', '.join(job.required_engineers)} may do this job",
                job=job.id,
                engineer=engineer.id,
            )
        if engineer.id in job.excluded_engineers:
            ctx.report(
                Rule.ENGINEER_RESTRICTION,
                "this engineer is excluded from the job",
                job=job.id,
                engineer=engineer.id,
            )


def check_lock(ctx: Context) -> None:
    """A locked job stays with its engineer, and at its start when the lock names one."""
    for job, stop, engineer in _visits(ctx, leads=True):
        if job.lock is None:
            continue
        if job.lock.engineer_id != engineer.id:
            ctx.report(
                Rule.LOCK,
                f"locked to engineer {job.lock.engineer_id}",
                job=job.id,
                engineer=engineer.id,
            )
        if job.lock.start is not None and stop.start != job.lock.start:
            gap = seconds(stop.start - job.lock.start)
            ctx.report(
                Rule.LOCK,
                f"locked to start at {ctx.clock(job.lock.start)} but starts at "
                f"{ctx.clock(stop.start)}",
                job=job.id,
                engineer=engineer.id,
                amount=abs(gap),
                unit="s",
            )


def check_time_window(ctx: Context) -> None:
    """Service starts inside one of the job's hard windows (when it has any)."""
    for job, stop, engineer in _visits(ctx):
        if not job.time_windows or any(w.contains(stop.start) for w in job.time_windows):
            continue
        misses = []
        for w in job.time_windows:
            if stop.start < w.start:
                misses.append(
                    (
                        seconds(w.start - stop.start),
                        f"before its window opens at {ctx.clock(w.start)}",
                    )
                )
            else:
                misses.append(
                    (seconds(stop.start - w.end), f"after its window closes at {ctx.clock(w.end)}")
                )
        amount, how = min(misses, key=lambda m: m[0])
        others = (
            f" (nearest of {len(job.time_windows)} windows)" if len(job.time_windows) > 1 else ""
        )
        ctx.report(
            Rule.TIME_WINDOW,
            f"starts {ctx.clock(stop.start)}, {span(amount)} {how}{others}",
            job=job.id,
            engineer=engineer.id,
            amount=amount,
            unit="s",
        )


def check_appointment(ctx: Context) -> None:
    """Service starts inside the window promised to the customer, unless the plan lists the
    job as a broken appointment (someone has to call them)."""
    excused = {b.job_id for b in ctx.plan.broken_appointments}
    for job, stop, engineer in _visits(ctx):
        promised = job.appointment
        if promised is None or promised.contains(stop.start) or job.id in excused:
            continue
        if stop.start < promised.start:
            amount, how = seconds(promised.start - stop.start), "before"
        else:
            amount, how = seconds(stop.start - promised.end), "after"
        ctx.report(
            Rule.APPOINTMENT,
            f"starts {ctx.clock(stop.start)}, {span(amount)} {how} the appointment "
            f"{ctx.clock(promised.start)}-{ctx.clock(promised.end)} promised to the customer",
            job=job.id,
            engineer=engineer.id,
            amount=amount,
            unit="s",
        )


def check_release_time(ctx: Context) -> None:
    """Service does not start before the job is released (``earliest_start``)."""
    for job, stop, engineer in _visits(ctx):
        if job.earliest_start is not None and stop.start < job.earliest_start:
            early = seconds(job.earliest_start - stop.start)
            ctx.report(
                Rule.RELEASE_TIME,
                f"starts {ctx.clock(stop.start)}, {span(early)} before the job is released "
                f"at {ctx.clock(job.earliest_start)}",
                job=job.id,
                engineer=engineer.id,
                amount=early,
                unit="s",
            )


def check_duration(ctx: Context) -> None:
    """A visit lasts the job's time on site for this engineer; a pickup the depot's time."""
    for route, engineer in ctx.known_routes:
        for stop in route.stops:
            if is_pickup(stop):
                _pickup_duration(ctx, stop, engineer)
                continue
            job = ctx.jobs.get(stop.job_id)
            if job is None:
                continue
            lead = job.skills[0].skill if job.skills else None
            level = engineer.skills.get(lead) if lead is not None else None
            need = timedelta(seconds=round(job.duration_for_level(level) * 60))
            took = stop.end - stop.start
            if took != need:
                who = f" for a level-{level} engineer" if level is not None else ""
                ctx.report(
                    Rule.DURATION,
                    f"on site {ctx.clock(stop.start)}-{ctx.clock(stop.end)} "
                    f"({span(seconds(took))}), but the job takes {span(seconds(need))}{who}",
                    job=job.id,
                    engineer=engineer.id,
                    amount=abs(seconds(took - need)),
                    unit="s",
                )


def _pickup_duration(ctx: Context, stop: Stop, engineer: Engineer) -> None:
    depot = ctx.problem.depot_by_id.get(stop.job_id)
    if depot is None:
        return
    need = timedelta(seconds=round(depot.pickup_minutes * 60))
    if stop.end - stop.start != need:
        ctx.report(
            Rule.DURATION,
            f"{pickup_label(ctx, stop)} lasts {span(seconds(stop.end - stop.start))}, but a "
            f"pickup there takes {span(seconds(need))}",
            engineer=engineer.id,
            amount=abs(seconds(stop.end - stop.start - need)),
            unit="s",
        )


def pickup_label(ctx: Context, stop: Stop) -> str:
    """'pickup at D1 (09:10-09:20)': how messages name a pickup stop."""
    return f"pickup at {stop.job_id} ({ctx.clock(stop.start)}-{ctx.clock(stop.end)})"


__all__ = [
    "check_appointment",
    "check_duration",
    "check_engineer_restriction",
    "check_lock",
    "check_release_time",
    "check_skill",
    "check_time_window",
    "pickup_label",
]

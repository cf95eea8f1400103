"""Every job exactly once, and only jobs and engineers the problem knows."""

from __future__ import annotations

from dispatchopt.models import Rule
from dispatchopt.validate.context import Context, job_stops


def check_unknown_job(ctx: Context) -> None:
    """A route or the unassigned list names a job the problem does not have."""
    for route in ctx.plan.routes:
        for stop in job_stops(route):
            if stop.job_id not in ctx.jobs:
                ctx.report(
                    Rule.UNKNOWN_JOB,
                    f"route of {route.engineer_id} visits job {stop.job_id!r}, "
                    "which is not in the problem",
                    job=stop.job_id,
                    engineer=route.engineer_id,
                )
    for entry in ctx.plan.unassigned:
        if entry.job_id not in ctx.jobs:
            ctx.report(
                Rule.UNKNOWN_JOB,
                f"unassigned lists job {entry.job_id!r}, which is not in the problem",
                job=entry.job_id,
            )
    for out in ctx.plan.outsourced:
        if out.job_id not in ctx.jobs:
            ctx.report(
                Rule.UNKNOWN_JOB,
                f"outsourced lists job {out.job_id!r}, which is not in the problem",
                job=out.job_id,
            )


def check_unknown_engineer(ctx: Context) -> None:
    """A route belongs to an engineer the problem does not have."""
    for view in ctx.routes:
        if view.engineer is None:
            ctx.report(
                Rule.UNKNOWN_ENGINEER,
                f"routes[{view.number}] belongs to engineer {view.route.engineer_id!r}, "
                "who is not in the problem",
                engineer=view.route.engineer_id,
            )


def _served_by(ctx: Context) -> dict[str, list[str]]:
    """Who serves each job: engineers with a stop at it, and a provider it is given to."""
    served_by: dict[str, list[str]] = {}
    for route in ctx.plan.routes:
        for stop in job_stops(route):
            if stop.job_id in ctx.jobs:
                served_by.setdefault(stop.job_id, []).append(route.engineer_id)
    for out in ctx.plan.outsourced:
        if out.job_id in ctx.jobs:
            served_by.setdefault(out.job_id, []).append(out.provider_id)
    return served_by


def _extra_visits(ctx: Context, job_id: str, servers: list[str]) -> int:
    """Visits beyond what the job needs: one per crew member, each engineer once; a job given
    to a provider needs no visit of ours."""
    outsourced = {o.job_id for o in ctx.plan.outsourced}
    if job_id in outsourced:
        return len(servers) - 1
    crew = ctx.jobs[job_id].crew_size
    repeats = len(servers) - len(set(servers))
    return max(len(servers) - crew, repeats)


def _listed(ctx: Context) -> dict[str, int]:
    listed: dict[str, int] = {}
    for entry in ctx.plan.unassigned:
        if entry.job_id in ctx.jobs:
            listed[entry.job_id] = listed.get(entry.job_id, 0) + 1
    return listed


def check_duplicate_job(ctx: Context) -> None:
    """A job served twice, served and also unassigned, or listed twice as unassigned."""
    served_by = _served_by(ctx)
    for job_id, engineers in served_by.items():
        if _extra_visits(ctx, job_id, engineers) > 0:
            ctx.report(
                Rule.DUPLICATE_JOB,
                f"served {len(engineers)} times (by {', '.join(engineers)})",
                job=job_id,
                amount=_extra_visits(ctx, job_id, engineers),
                unit="visits",
            )
    for job_id, count in _listed(ctx).items():
        if job_id in served_by:
            ctx.report(
                Rule.DUPLICATE_JOB,
                f"served by {served_by[job_id][0]} and also listed as unassigned",
                job=job_id,
                engineer=served_by[job_id][0],
            )
        if count > 1:
            ctx.report(
                Rule.DUPLICATE_JOB,
                f"listed {count} times as unassigned",
                job=job_id,
                amount=count - 1,
                unit="entries",
            )


def check_missing_job(ctx: Context) -> None:
    """A job of the problem that is neither in a route nor in the unassigned list."""
    served_by = _served_by(ctx)
    listed = _listed(ctx)
    for job in ctx.problem.jobs:
        if job.id not in served_by and job.id not in listed:
            ctx.report(
                Rule.MISSING_JOB,
                "neither served by any route nor listed as unassigned",
                job=job.id,
            )


__all__ = [
    "check_duplicate_job",
    "check_missing_job",
    "check_unknown_engineer",
    "check_unknown_job",
]

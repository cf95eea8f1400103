"""Rules for jobs done by several engineers at once, and for how many jobs one engineer does."""

from __future__ import annotations

from dispatchopt.models import Engineer, Rule, Stop
from dispatchopt.models.eligibility import Ineligible, why_not_helper
from dispatchopt.validate.context import Context, job_stops, seconds, span

_HELPER_REASON = {
    Ineligible.SKILL: "lacks the helper skills",
    Ineligible.RESTRICTION: "is excluded or not among the required engineers",
    Ineligible.LOCK: "is the engineer the job is locked to, so must lead",
    Ineligible.TERRITORY: "may not leave their territory",
}


def check_crew(ctx: Context) -> None:
    """A crew job has ``crew_size`` different engineers on site, each with a stop that names
    the same crew (lead first) and starts at the same moment; every member but the lead holds
    the ``helper_skills`` and may work the job. A one-person job names no other crew."""
    outsourced = {o.job_id for o in ctx.plan.outsourced}
    at_job: dict[str, list[tuple[Engineer, Stop]]] = {}
    for route, engineer in ctx.known_routes:
        for stop in job_stops(route):
            if stop.job_id in ctx.jobs:
                at_job.setdefault(stop.job_id, []).append((engineer, stop))
    for job_id, members in at_job.items():
        job = ctx.jobs[job_id]
        if job_id in outsourced:
            continue  # reported as a duplicate
        if job.crew_size == 1:
            for engineer, stop in members:
                if stop.crew and stop.crew != [engineer.id]:
                    ctx.report(
                        Rule.CREW,
                        f"a one-person job, but the stop names the crew {', '.join(stop.crew)}",
                        job=job_id,
                        engineer=engineer.id,
                    )
            continue
        on_site = sorted({e.id for e, _ in members})
        if len(on_site) < job.crew_size:
            ctx.report(
                Rule.CREW,
                f"needs a crew of {job.crew_size}, but only {', '.join(on_site)} "
                f"{'is' if len(on_site) == 1 else 'are'} on site",
                job=job_id,
                amount=job.crew_size - len(on_site),
                unit="engineers",
            )
        for engineer, stop in members:
            if sorted(stop.crew) != on_site or len(stop.crew) != len(set(stop.crew)):
                ctx.report(
                    Rule.CREW,
                    f"the stop names the crew [{', '.join(stop.crew)}], but "
                    f"{', '.join(on_site)} have stops at the job",
                    job=job_id,
                    engineer=engineer.id,
                )
        leads = {tuple(stop.crew[:1]) for _, stop in members}
        if len(leads) > 1:
            ctx.report(Rule.CREW, "the members' stops name different leads", job=job_id)
        starts = [stop.start for _, stop in members]
        if max(starts) != min(starts):
            gap = seconds(max(starts) - min(starts))
            ctx.report(
                Rule.CREW,
                f"the crew does not start together: {ctx.clock(min(starts))} to "
                f"{ctx.clock(max(starts))} ({span(gap)} apart)",
                job=job_id,
                amount=gap,
                unit="s",
            )
        for engineer, stop in members:
            if not stop.crew or stop.crew[0] == engineer.id:
                continue
            why = why_not_helper(job, engineer)
            if why is not None:
                ctx.report(
                    Rule.CREW,
                    f"crew member {engineer.id} {_HELPER_REASON[why]}",
                    job=job_id,
                    engineer=engineer.id,
                )


def check_max_jobs(ctx: Context) -> None:
    """No engineer does more jobs than ``max_jobs`` (a crew stop counts for each member)."""
    count: dict[str, int] = {}
    for route, engineer in ctx.known_routes:
        count[engineer.id] = count.get(engineer.id, 0) + len(job_stops(route))
    for eid, jobs in count.items():
        cap = ctx.engineers[eid].max_jobs
        if cap is not None and jobs > cap:
            ctx.report(
                Rule.MAX_JOBS,
                f"does {jobs} jobs, more than the {cap} allowed",
                engineer=eid,
                amount=jobs - cap,
                unit="jobs",
            )


__all__ = ["check_crew", "check_max_jobs"]

"""Rules for jobs given to third-party providers (``plan.outsourced``)."""

from __future__ import annotations

from dispatchopt.models import NotOutsourceable, Rule, provider_why_not
from dispatchopt.validate.context import Context

_WHY = {
    NotOutsourceable.NOT_ALLOWED: "the job may not be outsourced",
    NotOutsourceable.PINNED: "the job is locked to or requires named engineers",
    NotOutsourceable.SKILL: "the provider lacks the skills it needs",
    NotOutsourceable.TERRITORY: "the job lies outside the provider's territory",
    NotOutsourceable.SLA_TIER: "the provider does not take the job's SLA tier",
    NotOutsourceable.LEAD_TIME: "every window closes before the provider's earliest start",
}


def check_provider(ctx: Context) -> None:
    """Each outsourced job goes to a known provider that may take it, for its fee, in a
    window that opens no earlier than the provider's earliest start."""
    providers = ctx.problem.provider_by_id
    for out in ctx.plan.outsourced:
        job = ctx.jobs.get(out.job_id)
        if job is None:
            continue
        provider = providers.get(out.provider_id)
        if provider is None:
            ctx.report(
                Rule.PROVIDER,
                f"given to provider {out.provider_id!r}, who is not in the problem",
                job=job.id,
            )
            continue
        why = provider_why_not(job, provider)
        if why is not None:
            ctx.report(Rule.PROVIDER, f"given to {provider.id}, but {_WHY[why]}", job=job.id)
        fee = provider.fee_for(job)
        if abs(out.fee - fee) > 1e-6:
            ctx.report(
                Rule.PROVIDER,
                f"outsourced for {out.fee:g}, but {provider.id} charges {fee:g} for it",
                job=job.id,
                amount=abs(out.fee - fee),
            )
        if out.window is None:
            continue
        ready = provider.earliest_start
        if ready is not None and out.window.start < ready:
            ctx.report(
                Rule.PROVIDER,
                f"window opens {ctx.clock(out.window.start)}, before {provider.id} can start "
                f"at {ctx.clock(ready)}",
                job=job.id,
            )
        if job.time_windows and not any(
            w.start <= out.window.end and out.window.start <= w.end for w in job.time_windows
        ):
            ctx.report(
                Rule.PROVIDER,
                f"window {ctx.clock(out.window.start)}-{ctx.clock(out.window.end)} meets none "
                "of the job's time windows",
                job=job.id,
            )


def check_provider_quota(ctx: Context) -> None:
    """No provider gets more jobs than its ``max_jobs``."""
    count: dict[str, int] = {}
    for out in ctx.plan.outsourced:
        count[out.provider_id] = count.get(out.provider_id, 0) + 1
    for pid, jobs in count.items():
        provider = ctx.problem.provider_by_id.get(pid)
        if provider is not None and jobs > provider.max_jobs:
            ctx.report(
                Rule.PROVIDER_QUOTA,
                f"provider {pid} is given {jobs} jobs, more than its quota of {provider.max_jobs}",
                amount=jobs - provider.max_jobs,
                unit="jobs",
            )


__all__ = ["check_provider", "check_provider_quota"]

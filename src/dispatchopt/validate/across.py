"""Rules that tie visits in different routes together, or to the clock of the ticket."""

from __future__ import annotations

from dispatchopt.models import Rule
from dispatchopt.validate.context import Context, seconds, span


def check_precedence(ctx: Context) -> None:
    """A served job that must come after others starts once each of them has ended."""
    for job in ctx.problem.jobs:
        visit = ctx.visits.get(job.id)
        if visit is None:
            continue
        for pred in job.after:
            before = ctx.visits.get(pred)
            if before is None:
                ctx.report(
                    Rule.PRECEDENCE,
                    f"must come after {pred}, which is not served",
                    job=job.id,
                    engineer=visit.route.engineer_id,
                )
            elif before.stop.end > visit.stop.start:
                ctx.report(
                    Rule.PRECEDENCE,
                    f"starts {ctx.clock(visit.stop.start)}, but must come after {pred}, "
                    f"which ends {ctx.clock(before.stop.end)}",
                    job=job.id,
                    engineer=visit.route.engineer_id,
                    amount=seconds(before.stop.end - visit.stop.start),
                    unit="s",
                )


def check_sla_deadline(ctx: Context) -> None:
    """Under a hard SLA mode, every served job with a deadline starts by it."""
    if ctx.problem.sla_mode.kind != "hard":
        return
    for job in ctx.problem.jobs:
        visit = ctx.visits.get(job.id)
        if visit is None:
            continue
        due = ctx.problem.sla_deadline(job)
        if due is None or visit.stop.start <= due:
            continue
        late = seconds(visit.stop.start - due)
        ctx.report(
            Rule.SLA_DEADLINE,
            f"starts {ctx.clock(visit.stop.start)}, {span(late)} after its "
            f"{job.sla_tier} SLA deadline {ctx.clock(due)} (hard)",
            job=job.id,
            engineer=visit.route.engineer_id,
            amount=late,
            unit="s",
        )


__all__ = ["check_precedence", "check_sla_deadline"]

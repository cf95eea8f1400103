"""The hard-territory rule: an engineer whose territory is hard never works outside it."""

from __future__ import annotations

from dispatchopt.models import Rule
from dispatchopt.models.eligibility import territory_bars
from dispatchopt.validate.context import Context, job_stops


def check_territory(ctx: Context) -> None:
    """Every job of a ``territory_mode="hard"`` engineer lies in their territory (a job
    locked to the engineer excepted)."""
    for route, engineer in ctx.known_routes:
        for stop in job_stops(route):
            job = ctx.jobs.get(stop.job_id)
            if job is not None and territory_bars(job, engineer):
                where = f"zone {job.zone}" if job.zone is not None else "its location"
                ctx.report(
                    Rule.TERRITORY,
                    f"{where} is outside {engineer.id}'s territory, which they never leave",
                    job=job.id,
                    engineer=engineer.id,
                )


__all__ = ["check_territory"]

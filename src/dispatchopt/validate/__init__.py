"""The independent validator: checks a plan against every hard rule of its problem.

Its own code path on purpose: it reads the problem and the plan's datetimes and never touches a
solver's compiled model, so a solver bug cannot hide behind the same bug in the checker. Each
rule is one function (:data:`~dispatchopt.validate.rules.CHECKS`), named after the
:class:`~dispatchopt.models.Rule` it reports.
"""

from __future__ import annotations

from datetime import datetime

from dispatchopt.errors import InputError
from dispatchopt.models import Plan, Problem, Violation
from dispatchopt.validate.context import Context, job_stops
from dispatchopt.validate.rules import CHECKS


def validate(problem: Problem, plan: Plan) -> list[Violation]:
    """Every hard rule ``plan`` breaks for ``problem`` (empty when it is valid), rule by rule in
    the order of :data:`CHECKS`, each in plan order.

    Raises :class:`~dispatchopt.errors.InputError` when a plan datetime has no time zone, since
    such a moment cannot be compared with the problem's.
    """
    _require_aware(plan)
    ctx = Context(problem, plan)
    for check in CHECKS.values():
        check(ctx)
    return ctx.out


def is_valid(problem: Problem, plan: Plan) -> bool:
    """True when ``plan`` keeps every hard rule of ``problem``."""
    return not validate(problem, plan)


def recompute_sla_compliance(problem: Problem, plan: Plan) -> dict[str, float]:
    """% of SLA jobs per tier that start by their deadline, recomputed from the plan alone.

    Same definition as the plan summary (``docs/parts_and_sla.md``) but its own code: a served job
    is met when its first visit starts by the due time; an unplanned one is missed when it was
    due by the end of the last shift, and not counted otherwise. Tierless jobs count as "(none)".
    """
    if not any(j.sla_tier for j in problem.jobs):
        return {}
    last_end = max((s.end for e in problem.engineers for s in e.shifts), default=None)
    starts: dict[str, datetime] = {}
    for route in plan.routes:
        for stop in job_stops(route):
            starts.setdefault(stop.job_id, stop.start)
    met: dict[str, int] = {}
    counted: dict[str, int] = {}
    for job in problem.jobs:
        due = problem.sla_deadline(job)
        if due is None:
            continue
        tier = job.sla_tier if job.sla_tier is not None else "(none)"
        if job.id in starts:
            ok = starts[job.id] <= due
        elif last_end is not None and due <= last_end:
            ok = False
        else:
            continue
        counted[tier] = counted.get(tier, 0) + 1
        met[tier] = met.get(tier, 0) + int(ok)
    return {tier: 100.0 * met.get(tier, 0) / counted[tier] for tier in sorted(counted)}


def _require_aware(plan: Plan) -> None:
    errors: list[tuple[str, object, str]] = []

    def check(field: str, moment: datetime) -> None:
        if moment.tzinfo is None or moment.utcoffset() is None:
            errors.append((field, moment.isoformat(), "datetime has no time zone"))

    for r, route in enumerate(plan.routes):
        check(f"routes[{r}].departure", route.departure)
        check(f"routes[{r}].arrival", route.arrival)
        for s, stop in enumerate(route.stops):
            for name in ("arrival", "start", "end"):
                check(f"routes[{r}].stops[{s}].{name}", getattr(stop, name))
        for b, brk in enumerate(route.breaks):
            check(f"routes[{r}].breaks[{b}].start", brk.start)
            check(f"routes[{r}].breaks[{b}].end", brk.end)
    if errors:
        raise InputError(errors)


__all__ = ["CHECKS", "is_valid", "recompute_sla_compliance", "validate"]

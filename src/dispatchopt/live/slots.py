"""Appointment slots a customer on the phone can be offered, and booking the one they take."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from dispatchopt.errors import InputError
from dispatchopt.live.edits import with_job
from dispatchopt.live.insert import FROZEN_MINUTES, Update, insert_job, place
from dispatchopt.models import Job, Plan, Problem, TimeWindow

SLOT_HOURS = 2.0
"""Length of a default slot: the day's working hours are cut into two-hour appointments."""


class SlotOffer(BaseModel):
    """One slot to offer: the appointment ``window``, the engineer who would come, what it adds
    to the plan's cost (objective units) and, for a job with an SLA, how long before its due
    time the visit would start (negative: late)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window: TimeWindow
    engineer_id: str
    added_cost: float
    start: datetime
    """When the visit would start as planned now (inside ``window``)."""
    sla_slack_s: int | None = None


def default_slots(problem: Problem, *, now: datetime, days: int = 1) -> list[TimeWindow]:
    """Two-hour slots over ``days`` days from ``now``: the calendar's working hours, or else
    the span of the engineers' shifts each day, in the problem's zone; slots already begun
    are left out."""
    zone = problem.zone
    first = now.astimezone(zone).date()
    spans: list[tuple[datetime, datetime]] = []
    for k in range(days):
        day = first + timedelta(days=k)
        if problem.calendar is not None:
            spans.extend(problem.calendar.open_intervals(day))
            continue
        shifts = [
            s for e in problem.engineers for s in e.shifts if s.start.astimezone(zone).date() == day
        ]
        if shifts:
            spans.append((min(s.start for s in shifts), max(s.end for s in shifts)))
    step = timedelta(hours=SLOT_HOURS)
    out = []
    for lo, hi in spans:
        at = lo
        while at < hi:
            end = min(at + step, hi)
            if at >= now:
                out.append(TimeWindow(start=problem.local(at), end=problem.local(end)))
            at = end
    return out


def offer_slots(
    problem: Problem,
    plan: Plan,
    job: Job,
    *,
    now: datetime,
    slots: list[TimeWindow] | None = None,
    days: int = 1,
    limit: int = 8,
    frozen_minutes: float = FROZEN_MINUTES,
    time_limit: float = 1.0,
) -> list[SlotOffer]:
    """The slots ``job`` could be booked in without moving anyone else's appointment, cheapest
    first, at most ``limit``; one offer per slot, from the engineer it costs least to send.
    ``slots`` default to :func:`default_slots` over ``days`` days."""
    started = time.perf_counter()
    windows = slots if slots is not None else default_slots(problem, now=now, days=days)
    grown = with_job(problem, job)
    per_slot = time_limit / max(1, len(windows))
    offers = []
    for window in windows:
        if time.perf_counter() - started > time_limit:
            break
        booked = job.model_copy(update={"appointment": window})
        placements, _ = place(
            grown, plan, booked, now=now, frozen_minutes=frozen_minutes, budget_s=per_slot
        )
        if not placements:
            continue
        best = placements[0]
        stop = next(s for s in best.route.jobs if s.job_id == job.id)
        offers.append(
            SlotOffer(
                window=window,
                engineer_id=best.engineer_id,
                added_cost=round(best.added_cost, 4),
                start=stop.start,
                sla_slack_s=stop.sla_slack_s,
            )
        )
    offers.sort(key=lambda o: (o.added_cost, o.window.start))
    return offers[:limit]


def accept_offer(
    problem: Problem,
    plan: Plan,
    job: Job,
    offer: SlotOffer,
    *,
    now: datetime,
    frozen_minutes: float = FROZEN_MINUTES,
    time_limit: float = 0.3,
) -> Update:
    """Book ``offer``: the job joins the problem with ``appointment = offer.window`` and is
    planned inside it (by the offered engineer if the day still allows, else by another);
    returns ``(problem, plan)``, validated, every other appointment kept. Raises
    :class:`~dispatchopt.errors.InputError` when the slot can no longer be kept."""
    booked = job.model_copy(update={"appointment": offer.window})
    for engineers in ([offer.engineer_id], None):
        update = insert_job(
            problem,
            plan,
            booked,
            now=now,
            time_limit=time_limit,
            frozen_minutes=frozen_minutes,
            engineers=engineers,
        )
        if update.plan.route_of(job.id) is not None:
            return update
    raise InputError([("offer", offer.window.start.isoformat(), "this slot can no longer be kept")])


__all__ = ["SLOT_HOURS", "SlotOffer", "accept_offer", "default_slots", "offer_slots"]

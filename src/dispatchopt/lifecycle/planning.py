"""The bridge between tickets and the planner: tickets -> ``Problem``, ``Plan`` -> commands.

The lifecycle decides what the solver may change: ``ready``/``scheduled`` tickets are movable,
``dispatched``/``en_route``/``on_site`` are locked to their engineer and start, all others are
left out of the problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dispatchopt.errors import InputError
from dispatchopt.lifecycle.commands import Command, Schedule, Unschedule
from dispatchopt.lifecycle.ticket import MOVABLE_STATES, PINNED_STATES, Ticket, TicketState
from dispatchopt.models import Engineer, Objective, Plan, Problem, TravelSettings


def day_bounds(day: date, tz: tzinfo = UTC) -> tuple[datetime, datetime]:
    """``[midnight, next midnight)`` of ``day`` in ``tz``."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def _on_day(ticket: Ticket, lo: datetime, hi: datetime) -> bool:
    """Whether the day's plan should consider ``ticket``: a scheduled or pinned ticket belongs
    to the day of its start; a ready one to every day one of its windows touches."""
    if ticket.state is not TicketState.READY:
        return ticket.start is not None and lo <= ticket.start < hi
    if not ticket.time_windows:
        return True
    return any(w.start < hi and w.end >= lo for w in ticket.time_windows)


def plannable_tickets(tickets: Iterable[Ticket], day: date, tz: tzinfo = UTC) -> list[Ticket]:
    """The tickets a plan of ``day`` covers (movable and pinned ones), sorted by id."""
    lo, hi = day_bounds(day, tz)
    return sorted(
        (
            t
            for t in tickets
            if (t.state in MOVABLE_STATES or t.state in PINNED_STATES) and _on_day(t, lo, hi)
        ),
        key=lambda t: t.id,
    )


def _engineer_on_day(engineer: Engineer, lo: datetime, hi: datetime) -> Engineer | None:
    shifts = [s for s in engineer.shifts if lo <= s.start < hi]
    if not shifts:
        return None
    return engineer.model_copy(update={"shifts": shifts})


def tickets_to_problem(
    tickets: Iterable[Ticket],
    engineers: Sequence[Engineer],
    day: date,
    *,
    tz: tzinfo = UTC,
    travel: TravelSettings | None = None,
    objective: Objective | None = None,
) -> Problem:
    """The planning problem of ``day``: its movable tickets as free jobs, its dispatched /
    en-route / on-site tickets as jobs locked to their engineer and start, and the engineers'
    shifts that start that day. Raises :class:`InputError` when a pinned ticket's engineer has
    no shift that day (the plan could not keep the promise already made)."""
    lo, hi = day_bounds(day, tz)
    crew = [e for e in (_engineer_on_day(e, lo, hi) for e in engineers) if e is not None]
    on_shift = {e.id for e in crew}
    jobs = []
    errors: list[tuple[str, object, str]] = []
    for ticket in plannable_tickets(tickets, day, tz):
        pinned = ticket.state in PINNED_STATES
        if pinned and ticket.engineer_id not in on_shift:
            errors.append(
                (
                    f"tickets[{ticket.id}].engineer_id",
                    ticket.engineer_id,
                    f"ticket is {ticket.state.value} but its engineer has no shift on {day}",
                )
            )
            continue
        jobs.append(ticket.to_job(pinned=pinned))
    if errors:
        raise InputError(errors)
    data: dict[str, object] = {
        "name": f"dispatch {day.isoformat()}",
        "jobs": jobs,
        "engineers": crew,
    }
    if travel is not None:
        data["travel"] = travel
    if objective is not None:
        data["objective"] = objective
    return Problem.model_validate(data)


def plan_to_commands(plan: Plan, tickets: Iterable[Ticket]) -> list[tuple[str, Command]]:
    """The commands that write ``plan`` back: ``schedule`` for every ready ticket the plan
    serves and every scheduled one it moves, ``unschedule`` for scheduled tickets it leaves
    out. Pinned tickets get no command; a plan that moves one raises :class:`InputError`."""
    by_id = {t.id: t for t in tickets}
    out: list[tuple[str, Command]] = []
    errors: list[tuple[str, object, str]] = []
    for r, route in enumerate(plan.routes):
        for s, stop in enumerate(route.stops):
            field = f"plan.routes[{r}].stops[{s}]"
            ticket = by_id.get(stop.job_id)
            if ticket is None:
                errors.append((field, stop.job_id, "no such ticket among those planned"))
            elif ticket.state in PINNED_STATES:
                if (ticket.engineer_id, ticket.start) != (route.engineer_id, stop.start):
                    errors.append(
                        (
                            field,
                            stop.job_id,
                            f"ticket is {ticket.state.value} to {ticket.engineer_id} at "
                            f"{ticket.start.isoformat() if ticket.start else None}; "
                            "a plan may not move it",
                        )
                    )
            elif ticket.state not in MOVABLE_STATES:
                errors.append(
                    (field, stop.job_id, f"ticket is {ticket.state.value}: not plannable")
                )
            elif (ticket.engineer_id, ticket.start) != (route.engineer_id, stop.start):
                out.append((ticket.id, Schedule(engineer_id=route.engineer_id, start=stop.start)))
    for unassigned in plan.unassigned:
        ticket = by_id.get(unassigned.job_id)
        if ticket is not None and ticket.state is TicketState.SCHEDULED:
            out.append((ticket.id, Unschedule()))
    if errors:
        raise InputError(errors)
    return out

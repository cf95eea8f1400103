"""Booking a new ticket into an offered slot, without re-planning the day.

The day is read from the store as it stands: scheduled and pinned tickets locked where they are
(:func:`~dispatchopt.lifecycle.replan.current_plan`), so an offer never moves anyone else's
visit. :func:`ticket_offers` lists the slots (:func:`dispatchopt.live.offer_slots`) and
:func:`book_ticket` writes the chosen one as a single ``schedule`` command carrying the
appointment promised; no other ticket changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from dispatchopt.errors import InputError
from dispatchopt.lifecycle.commands import Schedule
from dispatchopt.lifecycle.replan import _read_day, _with_locks, current_plan
from dispatchopt.lifecycle.store.repository import TicketRepository
from dispatchopt.lifecycle.ticket import Ticket, TicketState
from dispatchopt.live.slots import SlotOffer, accept_offer, offer_slots
from dispatchopt.models import Job, Lock, Plan, Problem, TimeWindow, TravelSettings


@dataclass(frozen=True)
class Offers:
    """The slots a ready ticket can be booked into on ``day``, and the day they were read from
    (the problem with every other planned ticket locked, its current plan, the ticket's job)."""

    ticket: Ticket
    day: date
    offers: list[SlotOffer]
    problem: Problem
    plan: Plan
    job: Job


def ticket_offers(
    store: TicketRepository,
    ticket_id: str,
    day: date,
    *,
    now: datetime,
    slots: list[TimeWindow] | None = None,
    limit: int = 8,
    travel: TravelSettings | None = None,
    tz: tzinfo | None = None,
) -> Offers:
    """The slots on ``day`` (local, as for ``plan --db``) that ticket ``ticket_id`` (ready) can
    be booked into, cheapest first, none moving another ticket's visit. ``slots``: the bookable
    windows (default: two-hour slots of the calendar's or the shifts' hours)."""
    ticket = store.get(ticket_id)
    if ticket.state is not TicketState.READY:
        raise InputError(
            [(f"tickets[{ticket_id}].state", ticket.state.value, "only a ready ticket is booked")]
        )
    read = _read_day(store, day, travel, tz)
    others = [t for t in read.tickets if t.id != ticket_id]
    locks = {
        t.id: Lock(engineer_id=t.engineer_id, start=t.start)
        for t in others
        if t.state is not TicketState.READY and t.engineer_id is not None and t.start is not None
    }
    keep = {j.id for j in read.problem.jobs if j.id != ticket_id}
    problem = _with_locks(read.problem, locks, keep)
    plan = current_plan(problem, others)
    job = ticket.to_job()
    offers = offer_slots(problem, plan, job, now=now, slots=slots, days=1, limit=limit)
    return Offers(ticket, day, offers, problem, plan, job)


def book_ticket(
    store: TicketRepository,
    ticket_id: str,
    day: date,
    choice: int,
    *,
    now: datetime,
    actor: str = "planner",
    slots: list[TimeWindow] | None = None,
    limit: int = 8,
    travel: TravelSettings | None = None,
    tz: tzinfo | None = None,
) -> tuple[Ticket, SlotOffer]:
    """Book ticket ``ticket_id`` into offer number ``choice`` (1-based, as
    :func:`ticket_offers` lists them): one ``schedule`` command with the offer's engineer, the
    start the plan gives and the offer's window as the appointment; raises
    :class:`InputError` for a choice that is not offered, and the store's ``VersionConflict``
    when the ticket changed since it was read."""
    found = ticket_offers(
        store, ticket_id, day, now=now, slots=slots, limit=limit, travel=travel, tz=tz
    )
    if not 1 <= choice <= len(found.offers):
        raise InputError(
            [
                (
                    "slot",
                    choice,
                    f"must be one of the {len(found.offers)} offered (1..{len(found.offers)})",
                )
            ]
        )
    offer = found.offers[choice - 1]
    _, booked = accept_offer(found.problem, found.plan, found.job, offer, now=now)
    route = booked.route_of(ticket_id)
    assert route is not None, "accept_offer serves the job it books"
    stop = next(s for s in route.jobs if s.job_id == ticket_id)
    command = Schedule(engineer_id=route.engineer_id, start=stop.start, appointment=offer.window)
    ticket = store.execute(
        ticket_id, command, actor=actor, at=now, expected_version=found.ticket.version
    )
    return ticket, offer


__all__ = ["Offers", "book_ticket", "ticket_offers"]

"""The ticket state machine: which command is legal from which state, what it changes, and
replaying a ticket from its event log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from dispatchopt.lifecycle.commands import (
    Arrive,
    AwaitParts,
    Cancel,
    Close,
    Command,
    Create,
    CustomerAvailable,
    CustomerUnavailable,
    Depart,
    Dispatch,
    MarkReady,
    PartsArrived,
    Reopen,
    Resolve,
    Schedule,
    Triage,
    Unschedule,
    parse_command,
)
from dispatchopt.lifecycle.errors import IllegalTransition, ReplayError
from dispatchopt.lifecycle.events import TicketEvent
from dispatchopt.lifecycle.ticket import Ticket, TicketSpec, TicketState

S = TicketState

_UNASSIGNED: dict[str, Any] = {"engineer_id": None, "start": None}
_NOT_WAITING: dict[str, Any] = {"awaiting_sku": None, "parts_eta": None}

ALLOWED_FROM: dict[str, frozenset[TicketState]] = {
    "triage": frozenset({S.CREATED}),
    "mark_ready": frozenset({S.TRIAGED}),
    "await_parts": frozenset({S.TRIAGED, S.READY, S.SCHEDULED}),
    "parts_arrived": frozenset({S.AWAITING_PARTS}),
    "customer_unavailable": frozenset(
        {S.TRIAGED, S.READY, S.SCHEDULED, S.DISPATCHED, S.EN_ROUTE, S.ON_SITE}
    ),
    "customer_available": frozenset({S.AWAITING_CUSTOMER}),
    "schedule": frozenset({S.READY, S.SCHEDULED}),
    "unschedule": frozenset({S.SCHEDULED}),
    "dispatch": frozenset({S.SCHEDULED}),
    "depart": frozenset({S.DISPATCHED}),
    "arrive": frozenset({S.EN_ROUTE}),
    "resolve": frozenset({S.ON_SITE}),
    "close": frozenset({S.RESOLVED}),
    "cancel": frozenset(
        {
            S.CREATED,
            S.TRIAGED,
            S.AWAITING_PARTS,
            S.AWAITING_CUSTOMER,
            S.READY,
            S.SCHEDULED,
            S.DISPATCHED,
            S.EN_ROUTE,
            S.ON_SITE,
        }
    ),
    "reopen": frozenset({S.RESOLVED, S.CLOSED}),
}
"""For each command kind, the states it may be given in (``create`` needs no ticket)."""


def _changes(ticket: Ticket, command: Command) -> dict[str, Any]:
    """The fields ``command`` sets on ``ticket``, its new state included."""
    match command:
        case Triage():
            return {"state": S.TRIAGED}
        case MarkReady():
            return {"state": S.READY}
        case AwaitParts(sku=sku, eta=eta):
            return {"state": S.AWAITING_PARTS, "awaiting_sku": sku, "parts_eta": eta, **_UNASSIGNED}
        case PartsArrived():
            return {"state": S.READY, **_NOT_WAITING}
        case CustomerUnavailable():
            return {"state": S.AWAITING_CUSTOMER, **_UNASSIGNED}
        case CustomerAvailable():
            return {"state": S.READY}
        case Schedule(engineer_id=engineer_id, start=start, appointment=promised):
            booked = {} if promised is None else {"appointment": promised}
            return {"state": S.SCHEDULED, "engineer_id": engineer_id, "start": start, **booked}
        case Unschedule():
            return {"state": S.READY, **_UNASSIGNED}
        case Dispatch():
            return {"state": S.DISPATCHED}
        case Depart():
            return {"state": S.EN_ROUTE}
        case Arrive():
            return {"state": S.ON_SITE}
        case Resolve(first_time_fix=ftf):
            return {"state": S.RESOLVED, "first_time_fix": ftf}
        case Close():
            return {"state": S.CLOSED}
        case Cancel(reason=reason):
            return {"state": S.CANCELLED, "cancel_reason": reason, **_UNASSIGNED}
        case Reopen(new_ticket_id=new_id):
            return {"state": S.REOPENED, "repeat_visit_id": new_id}
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def create(spec: TicketSpec, *, actor: str, at: datetime) -> tuple[Ticket, TicketEvent]:
    """Open a ticket: the new ticket (version 1) and its ``create`` event."""
    command = Create(spec=spec)
    ticket = Ticket.model_validate({**spec.model_dump(), "version": 1})
    event = TicketEvent(
        ticket_id=spec.id,
        sequence=1,
        actor=actor,
        at=at,
        from_state=None,
        to_state=ticket.state,
        command=command.kind,
        payload=command.payload(),
    )
    return ticket, event


def apply(
    ticket: Ticket, command: Command, *, actor: str, at: datetime
) -> tuple[Ticket, TicketEvent]:
    """Run ``command`` on ``ticket``: the ticket after it (version + 1) and the event recording it.

    Raises :class:`IllegalTransition` when the ticket's state does not allow the command; the
    ticket passed in is never changed (tickets are immutable).
    """
    if isinstance(command, Create):
        raise IllegalTransition(ticket.id, ticket.state.value, "create", ("(no ticket yet)",))
    allowed = ALLOWED_FROM[command.kind]
    if ticket.state not in allowed:
        raise IllegalTransition(
            ticket.id, ticket.state.value, command.kind, tuple(sorted(s.value for s in allowed))
        )
    if isinstance(command, Reopen) and command.new_ticket_id is None:
        # Fix the repeat visit's id in the event itself, so a replay opens the same one.
        command = command.model_copy(update={"new_ticket_id": f"{ticket.id}-R1"})
    version = ticket.version + 1
    after = ticket.model_copy(update={**_changes(ticket, command), "version": version})
    event = TicketEvent(
        ticket_id=ticket.id,
        sequence=version,
        actor=actor,
        at=at,
        from_state=ticket.state,
        to_state=after.state,
        command=command.kind,
        payload=command.payload(),
    )
    return after, event


def repeat_visit(original: Ticket, *, actor: str, at: datetime) -> tuple[Ticket, TicketEvent]:
    """Open the repeat visit of a ``reopened`` ticket: same customer and work, linked by
    ``repeat_of``, starting its own lifecycle (and SLA clock) at ``created``; the engineer
    of the original visit becomes its ``last_engineer_id`` (continuity)."""
    if original.state is not S.REOPENED or original.repeat_visit_id is None:
        raise IllegalTransition(original.id, original.state.value, "repeat_visit", ("reopened",))
    spec = original.spec.model_copy(
        update={
            "id": original.repeat_visit_id,
            "repeat_of": original.id,
            "last_engineer_id": original.engineer_id or original.last_engineer_id,
        }
    )
    return create(spec, actor=actor, at=at)


def replay(events: Iterable[TicketEvent]) -> Ticket:
    """Rebuild a ticket from its log. The log must start with ``create``, number its events
    1, 2, 3, ... and record only moves the rules allow; otherwise :class:`ReplayError`."""
    ticket: Ticket | None = None
    for event in events:
        if ticket is None:
            if event.command != "create" or event.sequence != 1:
                raise ReplayError(
                    f"ticket {event.ticket_id!r}: the log must start with create at sequence 1, "
                    f"not {event.command} at {event.sequence}"
                )
            command = parse_command("create", event.payload)
            assert isinstance(command, Create)
            ticket, expected = create(command.spec, actor=event.actor, at=event.at)
        else:
            if event.ticket_id != ticket.id or event.sequence != ticket.version + 1:
                raise ReplayError(
                    f"ticket {ticket.id!r}: expected event {ticket.version + 1}, got "
                    f"{event.ticket_id!r} #{event.sequence}"
                )
            try:
                ticket, expected = apply(
                    ticket,
                    parse_command(event.command, event.payload),
                    actor=event.actor,
                    at=event.at,
                )
            except IllegalTransition as exc:
                raise ReplayError(f"event #{event.sequence} does not replay: {exc}") from exc
        if expected != event:
            raise ReplayError(
                f"ticket {event.ticket_id!r}: event #{event.sequence} records "
                f"{event.from_state} -> {event.to_state}, the rules give "
                f"{expected.from_state} -> {expected.to_state}"
            )
    if ticket is None:
        raise ReplayError("an empty log replays to no ticket")
    return ticket

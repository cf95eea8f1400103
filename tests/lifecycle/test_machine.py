"""The ticket state machine: legal paths, clear refusals, repeat visits, and replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatchopt.errors import DispatchoptError
from dispatchopt.lifecycle import (
    ALLOWED_FROM,
    Arrive,
    AwaitParts,
    Cancel,
    Close,
    Command,
    CustomerAvailable,
    CustomerUnavailable,
    Depart,
    Dispatch,
    IllegalTransition,
    MarkReady,
    PartsArrived,
    Reopen,
    ReplayError,
    Resolve,
    Schedule,
    Ticket,
    TicketEvent,
    TicketState,
    Triage,
    Unschedule,
    apply,
    create,
    repeat_visit,
    replay,
)

from .conftest import at, spec

S = TicketState


def run(commands: list[Command]) -> tuple[Ticket, list[TicketEvent]]:
    ticket, first = create(spec("T1"), actor="desk", at=at("07:00"))
    log = [first]
    for i, command in enumerate(commands):
        ticket, event = apply(ticket, command, actor="desk", at=at("08:00") + timedelta(minutes=i))
        log.append(event)
    return ticket, log


def test_a_boiler_repair_walks_the_whole_happy_path() -> None:
    ticket, log = run(
        [
            Triage(),
            MarkReady(),
            Schedule(engineer_id="e1", start=at("10:00")),
            Dispatch(),
            Depart(),
            Arrive(),
            Resolve(first_time_fix=True),
            Close(),
        ]
    )
    assert ticket.state is S.CLOSED
    assert ticket.version == 9 == log[-1].sequence
    assert (ticket.engineer_id, ticket.start) == ("e1", at("10:00"))
    assert ticket.first_time_fix is True
    assert [e.to_state for e in log] == [
        S.CREATED, S.TRIAGED, S.READY, S.SCHEDULED, S.DISPATCHED,
        S.EN_ROUTE, S.ON_SITE, S.RESOLVED, S.CLOSED,
    ]  # fmt: skip
    assert log[3].payload == {"engineer_id": "e1", "start": "2026-03-02T10:00:00Z"}


def test_dispatching_a_ticket_nobody_scheduled_names_ticket_state_and_command() -> None:
    ticket, _ = run([Triage(), MarkReady()])
    with pytest.raises(IllegalTransition) as err:
        apply(ticket, Dispatch(), actor="desk", at=at("09:00"))
    assert isinstance(err.value, DispatchoptError)
    assert (err.value.ticket_id, err.value.state, err.value.command) == ("T1", "ready", "dispatch")
    assert "ticket 'T1' is ready: command 'dispatch' is only allowed from scheduled" in str(
        err.value
    )


def test_waiting_for_a_part_drops_the_slot_until_the_part_arrives() -> None:
    ticket, _ = run(
        [
            Triage(),
            MarkReady(),
            Schedule(engineer_id="e1", start=at("10:00")),
            AwaitParts(sku="PUMP-7", eta=at("15:00")),
        ]
    )
    assert ticket.state is S.AWAITING_PARTS
    assert (ticket.engineer_id, ticket.start, ticket.awaiting_sku) == (None, None, "PUMP-7")
    ticket, _ = apply(ticket, PartsArrived(), actor="stores", at=at("15:00"))
    assert ticket.state is S.READY and ticket.awaiting_sku is None


def test_unscheduling_and_a_customer_away_both_free_the_engineer() -> None:
    scheduled, _ = run([Triage(), MarkReady(), Schedule(engineer_id="e1", start=at("10:00"))])
    back, _ = apply(scheduled, Unschedule(), actor="planner", at=at("09:00"))
    assert (back.state, back.engineer_id) == (S.READY, None)
    away, _ = apply(scheduled, CustomerUnavailable(note="on holiday"), actor="desk", at=at("09:00"))
    assert (away.state, away.start) == (S.AWAITING_CUSTOMER, None)
    again, _ = apply(away, CustomerAvailable(), actor="desk", at=at("11:00"))
    assert again.state is S.READY


def test_reopening_a_closed_repair_opens_a_linked_repeat_visit() -> None:
    closed, _ = run(
        [Triage(), MarkReady(), Schedule(engineer_id="e1", start=at("10:00")), Dispatch(), Depart(),
         Arrive(), Resolve(first_time_fix=True), Close()]
    )  # fmt: skip
    reopened, event = apply(closed, Reopen(reason="leaks again"), actor="desk", at=at("16:00"))
    assert reopened.state is S.REOPENED
    assert event.payload == {"reason": "leaks again", "new_ticket_id": "T1-R1"}
    visit, created = repeat_visit(reopened, actor="desk", at=at("16:00"))
    assert (visit.id, visit.repeat_of, visit.state, visit.version) == ("T1-R1", "T1", S.CREATED, 1)
    assert visit.location == closed.location and created.command == "create"
    # Continuity: the repeat visit remembers who came last time, and so does its job.
    assert visit.last_engineer_id == "e1" and visit.to_job().last_engineer_id == "e1"
    with pytest.raises(IllegalTransition):
        apply(reopened, Triage(), actor="desk", at=at("17:00"))


def test_cancelled_tickets_accept_nothing_more() -> None:
    cancelled, _ = run([Cancel(reason="customer bought a new boiler")])
    assert cancelled.cancel_reason == "customer bought a new boiler"
    for command in (Triage(), Reopen(reason="x"), Cancel(reason="again")):
        with pytest.raises(IllegalTransition):
            apply(cancelled, command, actor="desk", at=at("09:00"))


def test_replay_refuses_a_log_with_a_gap() -> None:
    _, log = run([Triage(), MarkReady(), Schedule(engineer_id="e1", start=at("10:00"))])
    assert replay(log).state is S.SCHEDULED
    with pytest.raises(ReplayError, match="expected event 3"):
        replay([log[0], log[1], log[3]])


def test_replay_refuses_a_tampered_state() -> None:
    _, log = run([Triage()])
    forged = log[1].model_copy(update={"to_state": S.READY})
    with pytest.raises(ReplayError, match="rules give created -> triaged"):
        replay([log[0], forged])


# -- property: any sequence of commands, legal or not, replays to the live ticket ----------------

_COMMANDS: list[Command] = [
    Triage(),
    MarkReady(),
    AwaitParts(sku="PUMP-7", eta=at("15:00")),
    PartsArrived(),
    CustomerUnavailable(note="not home"),
    CustomerAvailable(),
    Schedule(engineer_id="e1", start=at("10:00")),
    Schedule(engineer_id="e2", start=at("13:30")),
    Unschedule(),
    Dispatch(),
    Depart(),
    Arrive(),
    Resolve(first_time_fix=False),
    Close(),
    Cancel(reason="no longer needed"),
    Reopen(reason="came back"),
]


def test_every_command_kind_is_exercised_by_the_property() -> None:
    assert {c.kind for c in _COMMANDS} == set(ALLOWED_FROM)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_COMMANDS), max_size=25))
def test_replaying_the_log_rebuilds_the_live_ticket(commands: list[Command]) -> None:
    ticket, first = create(spec("T1"), actor="desk", at=at("07:00"))
    log = [first]
    for i, command in enumerate(commands):
        try:
            ticket, event = apply(
                ticket, command, actor="desk", at=at("08:00") + timedelta(minutes=i)
            )
        except IllegalTransition:
            continue  # refused commands leave no trace
        log.append(event)
    assert replay(log) == ticket
    assert ticket.version == len(log)
    assert all(a.to_state == b.from_state for a, b in zip(log, log[1:], strict=False))
    # the log survives a trip through JSON (what a store does to it)
    assert replay(TicketEvent.model_validate_json(e.model_dump_json()) for e in log) == ticket

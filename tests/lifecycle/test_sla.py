"""SLA hooks: the clock starts at creation, pauses while waiting on parts or the customer,
and stops at resolution."""

from __future__ import annotations

from datetime import datetime

import pytest

from dispatchopt.errors import DispatchoptError
from dispatchopt.lifecycle import (
    Arrive,
    AwaitParts,
    Cancel,
    Command,
    CustomerAvailable,
    CustomerUnavailable,
    Depart,
    Dispatch,
    PartsArrived,
    Resolve,
    Schedule,
    TicketEvent,
    TicketState,
    Triage,
    apply,
    create,
    sla_intervals,
)

from .conftest import at, spec


def log_of(steps: list[tuple[datetime, Command]]) -> list[TicketEvent]:
    ticket, first = create(spec("T1"), actor="desk", at=at("07:00"))
    log = [first]
    for moment, command in steps:
        ticket, event = apply(ticket, command, actor="desk", at=moment)
        log.append(event)
    return log


def test_a_part_wait_and_a_customer_absence_pause_the_clock() -> None:
    log = log_of(
        [
            (at("07:10"), Triage()),
            (at("07:20"), AwaitParts(sku="PUMP-7")),
            (at("09:00"), PartsArrived()),
            (at("09:05"), CustomerUnavailable(note="not home")),
            (at("10:00"), CustomerAvailable()),
            (at("10:30"), Schedule(engineer_id="e1", start=at("12:00"))),
            (at("11:00"), Dispatch()),
            (at("11:30"), Depart()),
            (at("12:00"), Arrive()),
            (at("13:00"), Resolve(first_time_fix=True)),
        ]
    )
    sla = sla_intervals(log)
    assert sla.started == at("07:00")
    assert [(p.start, p.end, p.reason) for p in sla.paused] == [
        (at("07:20"), at("09:00"), TicketState.AWAITING_PARTS),
        (at("09:05"), at("10:00"), TicketState.AWAITING_CUSTOMER),
    ]
    assert (sla.stopped, sla.stopped_by) == (at("13:00"), TicketState.RESOLVED)
    # 6 h from 07:00 to 13:00, less 1 h 40 min and 55 min of pauses
    assert sla.running_seconds(at("18:00")) == pytest.approx((360 - 100 - 55) * 60)


def test_a_ticket_still_waiting_has_an_open_pause() -> None:
    log = log_of([(at("07:30"), Triage()), (at("08:00"), AwaitParts(sku="PUMP-7"))])
    sla = sla_intervals(log)
    assert [(p.start, p.end) for p in sla.paused] == [(at("08:00"), None)]
    assert sla.stopped is None
    assert sla.running_seconds(at("12:00")) == pytest.approx(3600)


def test_cancelling_while_waiting_closes_the_pause_and_stops_the_clock() -> None:
    log = log_of(
        [
            (at("08:00"), Triage()),
            (at("08:30"), AwaitParts(sku="X")),
            (at("09:00"), Cancel(reason="dup")),
        ]
    )
    sla = sla_intervals(log)
    assert [(p.start, p.end) for p in sla.paused] == [(at("08:30"), at("09:00"))]
    assert (sla.stopped, sla.stopped_by) == (at("09:00"), TicketState.CANCELLED)


def test_a_log_without_its_create_event_is_refused() -> None:
    log = log_of([(at("08:00"), Triage())])
    with pytest.raises(DispatchoptError, match="create"):
        sla_intervals(log[1:])

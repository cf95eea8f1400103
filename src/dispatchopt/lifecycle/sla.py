"""SLA hooks: when a ticket's clock started, when it was paused, and when it stopped, read
from the event log alone (SLA policies, issue 4, turn these into deadlines and breaches)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from dispatchopt.lifecycle.errors import ReplayError
from dispatchopt.lifecycle.events import TicketEvent
from dispatchopt.lifecycle.ticket import TicketState

PAUSING_STATES = frozenset({TicketState.AWAITING_PARTS, TicketState.AWAITING_CUSTOMER})
"""While a ticket is in one of these the SLA clock does not run (the delay is not ours)."""

STOPPING_STATES = frozenset({TicketState.RESOLVED, TicketState.CANCELLED})
"""Entering one of these stops the clock for good (a reopen opens a new ticket, a new clock)."""


class PausedInterval(BaseModel):
    """``[start, end)`` during which the clock stood still; ``end`` is None while still paused."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    start: datetime
    end: datetime | None
    reason: TicketState


class SlaIntervals(BaseModel):
    """The raw SLA timeline of one ticket."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    ticket_id: str
    started: datetime
    paused: list[PausedInterval]
    stopped: datetime | None
    stopped_by: TicketState | None

    def running_seconds(self, now: datetime) -> float:
        """Seconds the clock ran from ``started`` to ``now`` (or the stop), pauses removed."""
        end = min(now, self.stopped) if self.stopped is not None else now
        total = max(0.0, (end - self.started).total_seconds())
        for pause in self.paused:
            p_end = min(end, pause.end) if pause.end is not None else end
            total -= max(0.0, (p_end - pause.start).total_seconds())
        return total


def sla_intervals(events: Iterable[TicketEvent]) -> SlaIntervals:
    """The clock start (the ``create`` event), the paused intervals and the stop of one ticket."""
    log = list(events)
    if not log or log[0].command != "create":
        raise ReplayError("an SLA timeline needs the ticket's log, starting with its create event")
    paused: list[PausedInterval] = []
    open_pause: tuple[datetime, TicketState] | None = None
    stopped: datetime | None = None
    stopped_by: TicketState | None = None
    for event in log:
        if stopped is not None:
            break
        if open_pause is not None and event.to_state not in PAUSING_STATES:
            paused.append(PausedInterval(start=open_pause[0], end=event.at, reason=open_pause[1]))
            open_pause = None
        if event.to_state in PAUSING_STATES and open_pause is None:
            open_pause = (event.at, event.to_state)
        if event.to_state in STOPPING_STATES:
            stopped, stopped_by = event.at, event.to_state
    if open_pause is not None:
        paused.append(PausedInterval(start=open_pause[0], end=None, reason=open_pause[1]))
    return SlaIntervals(
        ticket_id=log[0].ticket_id,
        started=log[0].at,
        paused=paused,
        stopped=stopped,
        stopped_by=stopped_by,
    )

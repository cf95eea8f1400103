"""The immutable event a ticket's every transition appends to its log."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.lifecycle.ticket import TicketState
from dispatchopt.models._time import AwareDatetime


class TicketEvent(BaseModel):
    """One transition: who did what to which ticket, when, and from which state to which.

    ``sequence`` counts from 1 per ticket and equals the ticket's ``version`` after the event;
    ``from_state`` is ``None`` only for the ``create`` event. ``payload`` holds the command's
    arguments, enough to replay it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    ticket_id: str = Field(min_length=1)
    sequence: int = Field(ge=1)
    actor: str
    at: AwareDatetime
    from_state: TicketState | None
    to_state: TicketState
    command: str
    payload: dict[str, Any] = Field(default_factory=dict)

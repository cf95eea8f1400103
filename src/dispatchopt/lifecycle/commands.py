"""The typed commands that move a ticket from one state to the next (one class per move)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from dispatchopt.errors import InputError
from dispatchopt.lifecycle.ticket import TicketSpec
from dispatchopt.models import TimeWindow
from dispatchopt.models._bounds import Id, Text
from dispatchopt.models._errors import input_errors
from dispatchopt.models._time import AwareDatetime


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def payload(self) -> dict[str, Any]:
        """The command's arguments as JSON-ready data, as the event log records them."""
        return self.model_dump(mode="json", exclude={"kind"})


class Create(_Command):
    """Open a ticket from what the service platform sent."""

    kind: Literal["create"] = "create"
    spec: TicketSpec


class Triage(_Command):
    """A dispatcher has looked at the ticket and knows what it needs."""

    kind: Literal["triage"] = "triage"


class MarkReady(_Command):
    """Triaged and needing nothing more: the planner may schedule it."""

    kind: Literal["mark_ready"] = "mark_ready"


class AwaitParts(_Command):
    """The visit cannot happen before part ``sku`` arrives (expected at ``eta``)."""

    kind: Literal["await_parts"] = "await_parts"
    sku: Id
    eta: AwareDatetime | None = None


class PartsArrived(_Command):
    """The awaited part is in stock: back to ready."""

    kind: Literal["parts_arrived"] = "parts_arrived"


class CustomerUnavailable(_Command):
    """The customer cannot be visited for now (not home, asked to wait): pauses the SLA clock."""

    kind: Literal["customer_unavailable"] = "customer_unavailable"
    note: Text = ""


class CustomerAvailable(_Command):
    """The customer can be visited again: back to ready."""

    kind: Literal["customer_available"] = "customer_available"


class Schedule(_Command):
    """Plan the visit: ``engineer_id`` starts service at ``start`` (re-plans a scheduled one);
    ``appointment``, when given, becomes the window promised to the customer (a booking)."""

    kind: Literal["schedule"] = "schedule"
    engineer_id: Id
    start: AwareDatetime
    appointment: TimeWindow | None = None

    def payload(self) -> dict[str, Any]:
        """As every command's, without ``appointment`` when none is booked (the log of a
        plain re-plan stays as it was)."""
        out = super().payload()
        if self.appointment is None:
            del out["appointment"]
        return out


class Unschedule(_Command):
    """Take a scheduled visit off the plan: back to ready."""

    kind: Literal["unschedule"] = "unschedule"


class Dispatch(_Command):
    """Send the scheduled visit to the engineer's device: from now on the planner must keep it."""

    kind: Literal["dispatch"] = "dispatch"


class Depart(_Command):
    """The engineer is driving to the customer."""

    kind: Literal["depart"] = "depart"


class Arrive(_Command):
    """The engineer is on site."""

    kind: Literal["arrive"] = "arrive"


class Resolve(_Command):
    """The work is done; ``first_time_fix`` says whether this visit fixed it without a return."""

    kind: Literal["resolve"] = "resolve"
    first_time_fix: bool


class Close(_Command):
    """The customer signed off (or the ticket aged out): nothing more happens to it."""

    kind: Literal["close"] = "close"


class Cancel(_Command):
    """The work is no longer wanted."""

    kind: Literal["cancel"] = "cancel"
    reason: Text = Field(min_length=1)


class Reopen(_Command):
    """The fault came back: this ticket ends as ``reopened`` and a repeat visit
    ``new_ticket_id`` (default ``<id>-R1``) is opened, linked to it by ``repeat_of``."""

    kind: Literal["reopen"] = "reopen"
    reason: Text = Field(min_length=1)
    new_ticket_id: Id | None = None


Command = Annotated[
    Create
    | Triage
    | MarkReady
    | AwaitParts
    | PartsArrived
    | CustomerUnavailable
    | CustomerAvailable
    | Schedule
    | Unschedule
    | Dispatch
    | Depart
    | Arrive
    | Resolve
    | Close
    | Cancel
    | Reopen,
    Field(discriminator="kind"),
]
"""Any one lifecycle command, told apart by its ``kind``."""

_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)


def parse_command(kind: str, payload: dict[str, Any]) -> Command:
    """Rebuild a command from its ``kind`` and payload (an event, a CLI call, an API request)."""
    try:
        return _ADAPTER.validate_python({**payload, "kind": kind})
    except ValidationError as exc:
        raise InputError(input_errors(exc)) from None

"""The ticket: one customer work order moving through the after-sales states."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.models import Job, Location, Lock, SkillRequirement, TimeWindow
from dispatchopt.models._time import AwareDatetime


class TicketState(StrEnum):
    """Where a ticket stands. ``awaiting_parts`` and ``awaiting_customer`` pause SLA clocks."""

    CREATED = "created"
    TRIAGED = "triaged"
    AWAITING_PARTS = "awaiting_parts"
    AWAITING_CUSTOMER = "awaiting_customer"
    READY = "ready"
    SCHEDULED = "scheduled"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    REOPENED = "reopened"


MOVABLE_STATES = frozenset({TicketState.READY, TicketState.SCHEDULED})
"""The solver may (re)assign these freely."""

PINNED_STATES = frozenset({TicketState.DISPATCHED, TicketState.EN_ROUTE, TicketState.ON_SITE})
"""Committed to an engineer and a start: the solver must keep them where they are."""

FINAL_STATES = frozenset({TicketState.CLOSED, TicketState.CANCELLED, TicketState.REOPENED})
"""No command moves a ticket out of these (a reopened ticket's work goes on in its repeat visit)."""


class TicketSpec(BaseModel):
    """What a service platform sends to open a ticket: what the planner needs to build a job."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id: str = Field(min_length=1)
    customer: str = ""
    location: Location
    duration_minutes: float = Field(ge=0)
    time_windows: list[TimeWindow] = Field(default_factory=list)
    skills: list[SkillRequirement] = Field(default_factory=list)
    priority: int = Field(default=0, ge=0, le=10)
    repeat_of: str | None = None


class Ticket(TicketSpec):
    """A ticket as it stands now. Built only by the lifecycle's commands (or by replaying them).

    ``version`` equals the sequence number of the last event applied, so a store can detect
    a write based on a stale read.
    """

    state: TicketState = TicketState.CREATED
    version: int = Field(default=0, ge=0)
    engineer_id: str | None = None
    start: AwareDatetime | None = None
    awaiting_sku: str | None = None
    parts_eta: AwareDatetime | None = None
    first_time_fix: bool | None = None
    cancel_reason: str | None = None
    repeat_visit_id: str | None = None

    @property
    def spec(self) -> TicketSpec:
        """The planning data alone, as it was given at creation."""
        return TicketSpec.model_validate(
            {name: getattr(self, name) for name in TicketSpec.model_fields}
        )

    def to_job(self, *, pinned: bool = False) -> Job:
        """The planner's view of this ticket; ``pinned`` locks it to its engineer and start."""
        lock = None
        if pinned:
            if self.engineer_id is None or self.start is None:
                raise ValueError(f"ticket {self.id!r} has no engineer and start to pin to")
            lock = Lock(engineer_id=self.engineer_id, start=self.start)
        return Job(
            id=self.id,
            location=self.location,
            duration_minutes=self.duration_minutes,
            time_windows=list(self.time_windows),
            skills=list(self.skills),
            priority=self.priority,
            lock=lock,
        )

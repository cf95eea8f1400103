"""The ticket: one customer work order moving through the after-sales states."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dispatchopt.errors import InputError
from dispatchopt.models import (
    Job,
    Location,
    Lock,
    PartRequirement,
    SkillRequirement,
    SlaState,
    SoftWindow,
    TimeWindow,
)
from dispatchopt.models._bounds import Amount, Id, Minutes, Quantity, Text
from dispatchopt.models._errors import input_errors
from dispatchopt.models._time import AwareDatetime
from dispatchopt.models.job import ADDRESS_MAX_CHARS


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
    """What a service platform sends to open a ticket: every field of the
    :class:`~dispatchopt.models.Job` it becomes (all but ``lock``, which the ticket's state
    decides), plus the customer and the ticket it repeats.

    A spec is checked as a job when it is built, so a ticket the planner could not plan never
    gets into a store; the same ticket then plans exactly as the same job in a problem file.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id: Id
    customer: Text = ""
    location: Location
    duration_minutes: Minutes
    duration_by_level: dict[int, Minutes] = Field(default_factory=dict)
    time_windows: list[TimeWindow] = Field(default_factory=list)
    soft_window: SoftWindow | None = None
    earliest_start: AwareDatetime | None = None
    priority: int = Field(default=0, ge=0, le=10)
    skills: list[SkillRequirement] = Field(default_factory=list)
    required_engineers: list[Id] = Field(default_factory=list)
    preferred_engineers: list[Id] = Field(default_factory=list)
    excluded_engineers: list[Id] = Field(default_factory=list)
    optional: bool = False
    penalty: Amount | None = None
    demand: Quantity = 0
    after: list[Id] = Field(default_factory=list)
    parts: list[PartRequirement] = Field(default_factory=list)
    tools: list[Id] = Field(default_factory=list)
    sla: SlaState | None = None
    sla_tier: str | None = Field(default=None, min_length=1)
    address: str | None = Field(default=None, max_length=ADDRESS_MAX_CHARS)
    appointment: TimeWindow | None = None
    crew_size: int = Field(default=1, ge=1, le=20)
    helper_skills: list[SkillRequirement] = Field(default_factory=list)
    outsourcing_allowed: bool = True
    zone: Id | None = None
    last_engineer_id: Id | None = None
    repeat_of: Id | None = None

    @model_validator(mode="after")
    def _plannable(self) -> TicketSpec:
        # Job's own rules (an optional job needs a penalty, ...), said in the spec's words.
        try:
            Job.model_validate(self.job_fields())
        except ValidationError as exc:
            raise ValueError("; ".join(f"{f}: {m}" for f, _, m in input_errors(exc))) from None
        return self

    def job_fields(self) -> dict[str, Any]:
        """The fields the spec shares with :class:`Job`, as they are."""
        fields = {name: getattr(self, name) for name in Job.model_fields if name in _SPEC_FIELDS}
        fields["customer"] = self.customer or None  # a ticket says "" for no customer
        return fields


_SPEC_FIELDS = frozenset(TicketSpec.model_fields)


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
        """The planner's view of this ticket: every job field as given at creation;
        ``pinned`` locks it to its engineer and start (an :class:`InputError` when it has none).
        """
        lock = None
        if pinned:
            if self.engineer_id is None or self.start is None:
                raise InputError(
                    [(f"tickets[{self.id}]", self.state.value, "no engineer and start to pin to")]
                )
            lock = Lock(engineer_id=self.engineer_id, start=self.start)
        try:
            return Job.model_validate({**self.job_fields(), "lock": lock})
        except ValidationError as exc:
            raise InputError(
                [(f"tickets[{self.id}].{f}", v, m) for f, v, m in input_errors(exc)]
            ) from None

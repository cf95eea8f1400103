"""The JSON the service reads and writes, as pydantic models (``/openapi.json`` is built from
them). Requests are parsed with these models after the body checks, so a bad field gets the
CLI's own message naming it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.lifecycle.events import TicketEvent
from dispatchopt.lifecycle.importing import ImportBatch
from dispatchopt.lifecycle.sla import SlaIntervals
from dispatchopt.lifecycle.store.repository import ServicePlanStatus
from dispatchopt.lifecycle.ticket import Ticket
from dispatchopt.live.events import Event
from dispatchopt.live.replan import Disruption
from dispatchopt.live.slots import SlotOffer
from dispatchopt.models import Job, Plan, Problem, TimeWindow, Violation


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class PlanRequest(_Request):
    """Plan ``problem`` in ``time_limit`` seconds (default and cap: the server's settings)."""

    problem: Problem
    time_limit: float | None = Field(default=None, gt=0)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class ValidateRequest(_Request):
    """Check ``plan`` against every hard rule of ``problem``."""

    problem: Problem
    plan: Plan


class InsertRequest(_Request):
    """Add ``job`` to the plan's day at ``now`` (every other appointment kept)."""

    job: Job
    now: datetime
    time_limit: float = Field(default=0.3, gt=0)
    frozen_minutes: float = Field(default=30.0, ge=0)
    engineers: list[str] | None = None


class SlotsRequest(_Request):
    """Offer the appointment slots ``job`` could be booked in, cheapest first."""

    job: Job
    now: datetime
    slots: list[TimeWindow] | None = None
    days: int = Field(default=1, ge=1, le=14)
    limit: int = Field(default=8, ge=1, le=100)
    time_limit: float = Field(default=1.0, gt=0)


class AcceptRequest(_Request):
    """Book ``job`` in ``offer`` (one of the offers ``/slots`` gave)."""

    job: Job
    offer: SlotOffer
    now: datetime
    time_limit: float = Field(default=0.3, gt=0)


class EventsRequest(_Request):
    """Apply ``events`` (in order, at ``now``) to the plan's day and re-plan it, keeping what
    was promised unless ``disruption`` prices a change as worth it."""

    events: list[Event] = Field(min_length=1)
    now: datetime
    time_limit: float | None = Field(default=None, gt=0)
    disruption: Disruption | None = None
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class CommandRequest(_Request):
    """Run one lifecycle command (``triage``, ``schedule``, ``dispatch``, ``resolve``, ...) with
    its arguments; ``expected_version`` refuses it when the ticket has moved on."""

    command: str = Field(min_length=1, max_length=40)
    args: dict[str, Any] = Field(default_factory=dict)
    actor: str = Field(default="api", min_length=1, max_length=200)
    expected_version: int | None = Field(default=None, ge=0)


class Progress(BaseModel):
    """How far a solve is: seconds spent of its limit and, when the engine reports them, the
    solutions found and the best objective."""

    elapsed_s: float | None = None
    time_limit_s: float | None = None
    fraction: float | None = None
    solutions: int | None = None
    objective: float | None = None


class PlanStatus(BaseModel):
    """A plan request: ``status`` queued, running, done (with ``plan``) or failed (with
    ``error``); ``parent_id`` is the plan an insert or re-plan started from."""

    id: str
    kind: str
    status: ServicePlanStatus
    parent_id: str | None = None
    created_at: datetime
    updated_at: datetime
    progress: Progress | None = None
    plan: Plan | None = None
    error: str | None = None
    links: dict[str, str] = Field(default_factory=dict)


class Accepted(BaseModel):
    """A request taken into the solve queue: poll ``location`` for its status."""

    id: str
    status: ServicePlanStatus
    location: str


class Violations(BaseModel):
    """The validator's answer: every broken hard rule (none: the plan is valid)."""

    valid: bool
    violations: list[Violation]


class Offers(BaseModel):
    """Slots to offer, cheapest first."""

    offers: list[SlotOffer]


class ExplanationOut(BaseModel):
    """The plan's objective term by term and per engineer, and the plan with each unassigned
    job's counterfactuals filled in."""

    total: float
    by_term: dict[str, float]
    by_engineer: dict[str, dict[str, float]]
    by_job: dict[str, dict[str, float]]
    plan: Plan


class Imported(BaseModel):
    """What an import stored (all of it, in one transaction)."""

    tickets: list[str]
    engineers: int
    stock_lines: int


class TicketView(BaseModel):
    """A ticket with its event log and its SLA timeline."""

    ticket: Ticket
    events: list[TicketEvent]
    sla: SlaIntervals


class Health(BaseModel):
    """The service is up: its version, and how many solves it holds of how many."""

    status: str
    version: str
    in_flight: int
    capacity: int


__all__ = [
    "AcceptRequest",
    "Accepted",
    "CommandRequest",
    "EventsRequest",
    "ExplanationOut",
    "Health",
    "ImportBatch",
    "Imported",
    "InsertRequest",
    "Offers",
    "PlanRequest",
    "PlanStatus",
    "Progress",
    "SlotsRequest",
    "TicketView",
    "ValidateRequest",
    "Violations",
]

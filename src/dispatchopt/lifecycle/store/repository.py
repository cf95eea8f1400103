"""The repository interface the lifecycle and the planner need from a ticket store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.lifecycle.commands import Command
from dispatchopt.lifecycle.events import TicketEvent
from dispatchopt.lifecycle.settings import PlanningSettings
from dispatchopt.lifecycle.ticket import Ticket, TicketSpec, TicketState
from dispatchopt.models import Engineer, Plan

DEFAULT_DB = "dispatchopt.db"
"""The database a CLI command uses when given none: a SQLite file in the working directory."""


class SavedPlan(BaseModel):
    """What writing a plan back did: the plan's row id and each command applied, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plan_id: int
    day: date
    commands: list[tuple[str, str]]  # (ticket id, command kind)
    tickets: list[Ticket]  # every ticket the plan was built from, as it stands after the write


ServicePlanStatus = Literal["queued", "running", "done", "failed"]
"""Where a plan request of the HTTP service stands."""

UNFINISHED: tuple[ServicePlanStatus, ...] = ("queued", "running")
"""Statuses of a request whose solve has not ended."""


class ServicePlan(BaseModel):
    """One plan request of the HTTP service as stored: the ``problem`` JSON it is for, how it is
    solved (``kind`` and ``params``), its ``status`` and, once done, the ``plan`` JSON (or, once
    failed, the ``error`` sentence). ``parent_id`` is the plan an insert or re-plan started from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    kind: str
    status: ServicePlanStatus
    parent_id: str | None = None
    problem: str
    params: dict[str, Any] = Field(default_factory=dict)
    progress: dict[str, Any] | None = None
    plan: str | None = None
    error: str | None = None
    created_at: datetime
    updated_at: datetime


class TicketRepository(Protocol):
    """Tickets with their event logs, engineers, parts stock and plans, behind one interface.

    Every method is one transaction. Writes to a ticket check its version: a write based on
    a stale read raises :class:`~dispatchopt.lifecycle.errors.VersionConflict` and changes
    nothing.
    """

    def create_ticket(
        self,
        spec: TicketSpec,
        *,
        actor: str,
        at: datetime | None = None,
        then: Sequence[Command] = (),
    ) -> Ticket: ...

    def get(self, ticket_id: str) -> Ticket: ...

    def events(self, ticket_id: str) -> list[TicketEvent]: ...

    def tickets(
        self,
        states: Iterable[TicketState] | None = None,
        *,
        unreadable: dict[str, str] | None = None,
    ) -> list[Ticket]: ...

    def execute(
        self,
        ticket_id: str,
        command: Command,
        *,
        actor: str,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Ticket: ...

    def import_batch(
        self,
        items: Sequence[tuple[TicketSpec, Sequence[Command]]],
        *,
        engineers: Iterable[Engineer] = (),
        stock: dict[str, int] | None = None,
        planning: PlanningSettings | None = None,
        actor: str,
        at: datetime | None = None,
    ) -> list[Ticket]: ...

    def put_engineers(self, engineers: Iterable[Engineer]) -> None: ...

    def put_settings(self, planning: PlanningSettings) -> None: ...

    def settings(self) -> PlanningSettings: ...

    def all_stock(self) -> dict[str, int]: ...

    def engineers(self) -> list[Engineer]: ...

    def set_stock(self, sku: str, quantity: int) -> None: ...

    def adjust_stock(self, sku: str, delta: int) -> int: ...

    def stock(self, sku: str) -> int: ...

    def save_plan(
        self,
        plan: Plan,
        tickets: Sequence[Ticket],
        *,
        day: date,
        actor: str,
        at: datetime | None = None,
    ) -> SavedPlan: ...

    def plans(self, day: date) -> list[tuple[int, Plan]]: ...

    def close(self) -> None: ...

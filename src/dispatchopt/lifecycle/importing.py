"""Reading a service platform's JSON export (tickets, engineers, parts stock, planning
settings) into a store, all or nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.errors import FormatError
from dispatchopt.io.json_files import read_json_file
from dispatchopt.lifecycle.commands import Command, MarkReady, Triage
from dispatchopt.lifecycle.settings import PlanningSettings
from dispatchopt.lifecycle.store.repository import TicketRepository
from dispatchopt.lifecycle.ticket import Ticket, TicketSpec
from dispatchopt.models import Engineer
from dispatchopt.models._bounds import Id, Shelf
from dispatchopt.models._errors import validate_or_raise

_STEPS: dict[str, list[Command]] = {
    "created": [],
    "triaged": [Triage()],
    "ready": [Triage(), MarkReady()],
}


class TicketImport(TicketSpec):
    """A ticket to open, and how far along the intake it already is (its log records each step)."""

    state: Literal["created", "triaged", "ready"] = "created"


class ImportBatch(BaseModel):
    """One import file: ``{"tickets": [...], "engineers": [...], "stock": {"sku": qty},
    "planning": {...}}``; a bare JSON list is read as tickets alone. ``planning`` (parts,
    depots, SLA policies, calendar, objective) replaces the store's when given."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    tickets: list[TicketImport] = Field(default_factory=list)
    engineers: list[Engineer] = Field(default_factory=list)
    stock: dict[Id, Shelf] = Field(default_factory=dict)
    planning: PlanningSettings | None = None


def read_import(path: str | Path) -> ImportBatch:
    """Parse an import file, raising :class:`FormatError`/``InputError`` that name bad fields."""
    data: Any = read_json_file(Path(path))
    if isinstance(data, list):
        data = {"tickets": data}
    if not isinstance(data, dict):
        raise FormatError([(str(path), type(data).__name__, "expected a JSON object or list")])
    return validate_or_raise(ImportBatch, data)


def import_batch(
    store: TicketRepository, batch: ImportBatch, *, actor: str, at: datetime | None = None
) -> list[Ticket]:
    """Store the batch's planning settings, stock and engineers, then open each ticket (in
    file order), in one transaction: all of it lands, or (on any error) none of it."""
    items = [
        (TicketSpec.model_validate(item.model_dump(exclude={"state"})), _STEPS[item.state])
        for item in batch.tickets
    ]
    return store.import_batch(
        items,
        engineers=batch.engineers,
        stock=dict(batch.stock),
        planning=batch.planning,
        actor=actor,
        at=at,
    )

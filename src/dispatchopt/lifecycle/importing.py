"""Reading a service platform's JSON export (tickets, engineers, parts stock) into a store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.errors import FormatError
from dispatchopt.lifecycle.commands import Command, MarkReady, Triage
from dispatchopt.lifecycle.store.repository import TicketRepository
from dispatchopt.lifecycle.ticket import Ticket, TicketSpec
from dispatchopt.models import Engineer
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
    """One import file: ``{"tickets": [...], "engineers": [...], "stock": {"sku": qty}}``;
    a bare JSON list is read as tickets alone."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    tickets: list[TicketImport] = Field(default_factory=list)
    engineers: list[Engineer] = Field(default_factory=list)
    stock: dict[str, int] = Field(default_factory=dict)


def read_import(path: str | Path) -> ImportBatch:
    """Parse an import file, raising :class:`FormatError`/``InputError`` that name bad fields."""
    try:
        data: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FormatError([("file", str(path), f"cannot read JSON: {exc}")]) from None
    if isinstance(data, list):
        data = {"tickets": data}
    return validate_or_raise(ImportBatch, data)


def import_batch(
    store: TicketRepository, batch: ImportBatch, *, actor: str, at: datetime | None = None
) -> list[Ticket]:
    """Store the batch's engineers and stock, then open each ticket (in file order)."""
    store.put_engineers(batch.engineers)
    for sku, quantity in sorted(batch.stock.items()):
        store.set_stock(sku, quantity)
    opened = []
    for item in batch.tickets:
        spec = TicketSpec.model_validate(item.model_dump(exclude={"state"}))
        opened.append(store.create_ticket(spec, actor=actor, at=at, then=_STEPS[item.state]))
    return opened

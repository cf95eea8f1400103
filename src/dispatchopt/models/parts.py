"""Spare parts: the catalogue, where stock sits (vans, depots), what is on its way, and when a
job's parts can be ready. Shared by the solver (pickups, stock) and the validator (its checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatchopt.models._bounds import MAX_QUANTITY, Id, Minutes, Shelf
from dispatchopt.models._time import AwareDatetime
from dispatchopt.models.location import Location
from dispatchopt.models.time_window import TimeWindow


class Part(BaseModel):
    """A spare part in the catalogue, identified by its stock-keeping unit."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    sku: Id
    name: str = ""


class PartRequirement(BaseModel):
    """A job needs ``quantity`` units of ``sku`` on site to be fixed at the first visit."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    sku: Id
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)


Stock = dict[Id, Shelf]
"""Units on hand per SKU (a van's or a depot's shelf); quantities are never negative."""


class Depot(BaseModel):
    """A parts depot engineers can drive to and pick up from.

    ``opening_hours`` are the absolute windows in which a pickup may *start and end*; an empty
    list means the depot is open whenever an engineer works. A pickup is a stop of
    ``pickup_minutes`` on the route, whatever the number of parts taken.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id: Id
    location: Location
    opening_hours: list[TimeWindow] = Field(default_factory=list)
    stock: Stock = Field(default_factory=dict)
    pickup_minutes: Minutes = 10.0
    unlimited: bool = False
    """A main warehouse: any quantity of every part (``stock`` is then ignored)."""
    tools: list[str] = Field(default_factory=list)
    """Tools an engineer can collect here (any number of times)."""

    @model_validator(mode="after")
    def _valid(self) -> Depot:
        for sku, qty in sorted(self.stock.items()):
            if qty < 0:
                raise ValueError(f"stock.{sku}: negative stock ({qty})")
        hours = sorted(self.opening_hours, key=lambda w: w.start)
        for a, b in zip(hours, hours[1:], strict=False):
            if b.start < a.end:
                raise ValueError(
                    f"opening_hours: windows {a.start.isoformat()}-{a.end.isoformat()} and "
                    f"{b.start.isoformat()}-{b.end.isoformat()} overlap"
                )
        return self

    @property
    def pickup(self) -> timedelta:
        """The pickup stop's duration."""
        return timedelta(minutes=self.pickup_minutes)

    def can_pick_up(self, start: datetime) -> bool:
        """True when a pickup starting at ``start`` starts and ends inside one opening window."""
        if not self.opening_hours:
            return True
        end = start + self.pickup
        return any(w.start <= start and end <= w.end for w in self.opening_hours)

    def next_pickup_start(self, moment: datetime) -> datetime | None:
        """The earliest pickup start at or after ``moment`` that fits the opening hours, or
        ``None`` when no window leaves room for it."""
        if not self.opening_hours:
            return moment
        for w in sorted(self.opening_hours, key=lambda w: w.start):
            start = max(moment, w.start)
            if start + self.pickup <= w.end:
                return start
        return None


class PartArrival(BaseModel):
    """``quantity`` units of ``sku`` are expected at depot ``depot_id`` at ``expected_at``."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    sku: Id
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    depot_id: Id
    expected_at: AwareDatetime


class StockHolder(NamedTuple):
    """Where units sit: an engineer's van or a depot (``kind``, and the engineer or depot id)."""

    kind: Literal["van", "depot"]
    id: str


class SkuReadiness(BaseModel):
    """When ``quantity`` units of ``sku`` can be ready at one source.

    ``source`` is where the whole quantity can come from (``None`` when nowhere); ``ready_at`` is
    ``None`` when it is in stock from the start, else the moment the arrival lands and the depot
    is open for a pickup.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    sku: str
    quantity: int
    source: StockHolder | None
    ready_at: datetime | None = None

    @property
    def available(self) -> bool:
        """False when no van or depot ever holds the quantity (as far as the data knows)."""
        return self.source is not None


class PartsReadiness(BaseModel):
    """A job's parts, SKU by SKU, as :func:`parts_readiness` finds them."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    skus: list[SkuReadiness] = Field(default_factory=list)

    @property
    def unavailable(self) -> list[str]:
        """SKUs that no van or depot holds in the needed quantity, now or after any arrival."""
        return [s.sku for s in self.skus if not s.available]

    @property
    def ready_at(self) -> datetime | None:
        """When the last awaited SKU can be picked up, ``None`` when nothing has to arrive.

        Meaningless while :attr:`unavailable` is not empty.
        """
        times = [s.ready_at for s in self.skus if s.ready_at is not None]
        return max(times) if times else None


def required_quantities(requirements: Iterable[PartRequirement]) -> dict[str, int]:
    """Units needed per SKU, repeated SKUs summed, keys sorted."""
    total: dict[str, int] = {}
    for req in requirements:
        total[req.sku] = total.get(req.sku, 0) + req.quantity
    return dict(sorted(total.items()))


def parts_readiness(
    requirements: Iterable[PartRequirement],
    vans: Mapping[str, Stock],
    depots: Iterable[Depot],
    arrivals: Iterable[PartArrival],
) -> PartsReadiness:
    """Where and when each required SKU can be had, for one job on its own.

    Each SKU's whole quantity comes from one source: some engineer's van (``vans``: engineer
    id -> stock) or one depot. In stock now beats anything that arrives; otherwise the earliest
    moment a depot's stock plus arrivals so far covers the quantity and a pickup fits its opening
    hours. Ties go to the source first in id order. Other jobs' claims on the same units are the
    solver's business, not this lower bound's.
    """
    depot_list = sorted(depots, key=lambda d: d.id)
    by_depot: dict[str, list[PartArrival]] = {}
    for arr in sorted(arrivals, key=lambda a: (a.expected_at, a.depot_id, a.sku)):
        by_depot.setdefault(arr.depot_id, []).append(arr)
    out = []
    for sku, qty in required_quantities(requirements).items():
        out.append(_sku_readiness(sku, qty, vans, depot_list, by_depot))
    return PartsReadiness(skus=out)


def _sku_readiness(
    sku: str,
    qty: int,
    vans: Mapping[str, Stock],
    depots: list[Depot],
    arrivals: Mapping[str, list[PartArrival]],
) -> SkuReadiness:
    for eng_id in sorted(vans):
        if vans[eng_id].get(sku, 0) >= qty:
            return SkuReadiness(sku=sku, quantity=qty, source=StockHolder("van", eng_id))
    for depot in depots:
        if depot.unlimited or depot.stock.get(sku, 0) >= qty:
            return SkuReadiness(sku=sku, quantity=qty, source=StockHolder("depot", depot.id))
    best: tuple[datetime, str] | None = None
    for depot in depots:
        level = depot.stock.get(sku, 0)
        for arr in arrivals.get(depot.id, []):
            if arr.sku != sku:
                continue
            level += arr.quantity
            if level >= qty:
                ready = depot.next_pickup_start(arr.expected_at)
                if ready is not None and (best is None or ready < best[0]):
                    best = (ready, depot.id)
                break
    if best is None:
        return SkuReadiness(sku=sku, quantity=qty, source=None)
    return SkuReadiness(
        sku=sku, quantity=qty, source=StockHolder("depot", best[1]), ready_at=best[0]
    )


class Withdrawal(BaseModel):
    """Units a plan takes from a holder at a moment: a pickup at a depot, or parts used from a
    van at the job's start."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    holder: StockHolder
    sku: str
    quantity: int = Field(ge=1)
    at: datetime
    job_id: str | None = None


class Shortfall(BaseModel):
    """A withdrawal that found too few units on the shelf (``missing`` of them)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    withdrawal: Withdrawal
    on_hand: int
    missing: int


def stock_shortfalls(
    vans: Mapping[str, Stock],
    depots: Iterable[Depot],
    arrivals: Iterable[PartArrival],
    withdrawals: Iterable[Withdrawal],
) -> list[Shortfall]:
    """Every withdrawal that would take stock below zero, replaying events in time order.

    Arrivals land before withdrawals at the same instant; withdrawals at the same instant go in
    ``(holder, sku, job_id)`` order. An empty list means no two jobs were promised the same unit.
    """
    depots = list(depots)
    unlimited = {d.id for d in depots if d.unlimited}
    level: dict[tuple[StockHolder, str], int] = {}
    for eng_id, stock in vans.items():
        for sku, qty in stock.items():
            level[(StockHolder("van", eng_id), sku)] = qty
    for depot in depots:
        for sku, qty in depot.stock.items():
            level[(StockHolder("depot", depot.id), sku)] = qty
    events: list[tuple[datetime, int, tuple[str, ...], PartArrival | Withdrawal]] = []
    for arr in arrivals:
        events.append((arr.expected_at, 0, (arr.depot_id, arr.sku), arr))
    for w in withdrawals:
        events.append((w.at, 1, (*w.holder, w.sku, w.job_id or ""), w))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    out = []
    for _, _, _, event in events:
        if isinstance(event, PartArrival):
            key = (StockHolder("depot", event.depot_id), event.sku)
            level[key] = level.get(key, 0) + event.quantity
            continue
        if event.holder.kind == "depot" and event.holder.id in unlimited:
            continue
        key = (event.holder, event.sku)
        on_hand = level.get(key, 0)
        if on_hand < event.quantity:
            out.append(
                Shortfall(withdrawal=event, on_hand=on_hand, missing=event.quantity - on_hand)
            )
            level[key] = 0
        else:
            level[key] = on_hand - event.quantity
    return out

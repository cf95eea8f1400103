"""What a day's problem needs beyond tickets and engineers, kept in the store between imports:
the parts catalogue and depots, SLA policies, the business calendar and the objective."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.models import (
    BusinessCalendar,
    Depot,
    Objective,
    Part,
    PartArrival,
    SlaMode,
    SlaPolicy,
)
from dispatchopt.models._bounds import Id


class PlanningSettings(BaseModel):
    """The planning data a store holds once for every day (an import replaces it whole).

    The store's parts stock (``tickets import``'s ``stock``, ``adjust_stock``) is the shelf of
    the depot ``stock_depot`` (default: the first of ``depots``); without any depot that stock
    cannot be picked up, and the planner says so. The SKUs the store knows are ``parts`` plus
    those on that shelf: an engineer's van or a ticket naming any other SKU is refused.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    parts: list[Part] = Field(default_factory=list)
    depots: list[Depot] = Field(default_factory=list)
    part_arrivals: list[PartArrival] = Field(default_factory=list)
    stock_depot: Id | None = None
    sla_policies: list[SlaPolicy] = Field(default_factory=list)
    sla_tiers: dict[str, str] = Field(default_factory=dict)
    sla_mode: SlaMode = Field(default_factory=SlaMode)
    calendar: BusinessCalendar | None = None
    objective: Objective = Field(default_factory=Objective)

    def shelf_depot(self) -> Depot | None:
        """The depot whose shelf the store's stock is (``None`` when there is none)."""
        if self.stock_depot is not None:
            return next((d for d in self.depots if d.id == self.stock_depot), None)
        return self.depots[0] if self.depots else None

    def skus(self, stock: dict[str, int]) -> set[str]:
        """Every SKU the store knows: the catalogue, the depots' shelves and ``stock``."""
        known = {p.sku for p in self.parts} | set(stock)
        for depot in self.depots:
            known |= set(depot.stock)
        return known

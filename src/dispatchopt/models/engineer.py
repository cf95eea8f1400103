"""An engineer: who works when, from where, with which skills, at what cost."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatchopt.models._bounds import Amount, Id, Level, Minutes, Quantity, Shelf
from dispatchopt.models._time import AwareDatetime
from dispatchopt.models.location import Location
from dispatchopt.models.territory import Territory
from dispatchopt.models.time_window import TimeWindow


class Break(BaseModel):
    """A break of ``duration_minutes`` taken inside ``window`` (lunch 11:30-14:00, 30 min)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    window: TimeWindow
    duration_minutes: Minutes = Field(gt=0)

    @model_validator(mode="after")
    def _fits(self) -> Break:
        room = (self.window.end - self.window.start).total_seconds() / 60
        if self.duration_minutes > room:
            raise ValueError(
                f"break of {self.duration_minutes} min does not fit its {room:g}-min window"
            )
        return self


class Shift(BaseModel):
    """One working period: the route leaves the start location at or after ``start`` and is back
    at the end location by ``end`` (plus the engineer's overtime allowance)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    start: AwareDatetime
    end: AwareDatetime
    breaks: list[Break] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        if self.end <= self.start:
            raise ValueError(
                f"shift end {self.end.isoformat()} is not after its start {self.start.isoformat()}"
            )
        for i, brk in enumerate(self.breaks):
            if brk.window.start < self.start or brk.window.end > self.end:
                raise ValueError(f"breaks[{i}] window lies outside the shift")
        return self


class Engineer(BaseModel):
    """A field engineer (or a third-party provider's crew, with its own costs).

    ``van_stock`` is the spare parts carried at the start of the day (SKU -> units) and
    ``tools`` the tools in the van (never used up; more can be collected at a depot).
    ``territory`` (a GeoJSON area or zone ids, see :mod:`~dispatchopt.models.territory`) is
    where the engineer works: with ``territory_mode="hard"`` (default) never outside it, with
    ``"soft"`` each job outside costs ``Objective.out_of_territory_cost``; no territory means
    anywhere. ``max_jobs`` caps the jobs of the day (a crew stop counts for each member).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id: Id
    start_location: Location
    end_location: Location | None = None
    shifts: list[Shift] = Field(min_length=1)
    skills: dict[str, Level] = Field(default_factory=dict)
    capacity: Quantity | None = None
    max_working_minutes: Minutes | None = Field(default=None, gt=0)
    cost_per_hour: Amount = 0.0
    cost_per_km: Amount = 0.0
    fixed_cost: Amount = 0.0
    overtime_minutes: Minutes = 0.0
    overtime_cost_per_hour: Amount = 0.0
    van_stock: dict[Id, Shelf] = Field(default_factory=dict)
    tools: list[str] = Field(default_factory=list)
    vehicle_profile: str | None = None
    """One of ``travel.vehicle_profiles`` (an e-bike, a van); None drives the base matrix."""
    territory: Territory | None = None
    territory_mode: Literal["hard", "soft"] = "hard"
    max_jobs: int | None = Field(default=None, ge=0, le=10_000)

    @model_validator(mode="after")
    def _shifts_apart(self) -> Engineer:
        ordered = sorted(self.shifts, key=lambda s: s.start)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b.start < a.end:
                raise ValueError(
                    f"shifts overlap: {a.start.isoformat()}-{a.end.isoformat()} and "
                    f"{b.start.isoformat()}-{b.end.isoformat()}"
                )
        for skill, level in self.skills.items():
            if level < 0:
                raise ValueError(f"skill {skill!r} has a negative level ({level})")
        return self

    @property
    def home(self) -> Location:
        """Where the day ends (the start location when no end is given)."""
        return self.end_location or self.start_location

    def span(self) -> TimeWindow:
        """From the first shift's start to the last shift's end."""
        return TimeWindow(
            start=min(s.start for s in self.shifts), end=max(s.end for s in self.shifts)
        )

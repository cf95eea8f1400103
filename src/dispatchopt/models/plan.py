"""A plan: routes of stops per engineer, the jobs left out with reasons, and a summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.models.appointment import BrokenAppointment
from dispatchopt.models.rules import UnassignedReason
from dispatchopt.models.time_window import TimeWindow


class PartUse(BaseModel):
    """Units of one SKU: used at a job, or picked up at a depot."""

    model_config = ConfigDict(extra="forbid")

    sku: str
    quantity: int


class SlaStageOutcome(BaseModel):
    """How a visit stands against one SLA stage: due ``due``; the visit meets it ``at`` the
    start or end of service (``None`` for a stage a visit does not meet, such as ``respond``);
    ``slack_s`` before the due time (negative: late); ``chance`` that the visit meets it (for
    ``resolve``, the first-time-fix estimate when on time; 0 when late)."""

    stage: str
    due: datetime
    at: datetime | None = None
    slack_s: int | None = None
    met: bool | None = None
    chance: float | None = None


class Stop(BaseModel):
    """One visit on a route: when the engineer arrives, starts and finishes.

    ``kind="job"`` serves the job ``job_id``; ``kind="pickup"`` is a stop at the depot whose id
    is in ``job_id`` to collect ``parts`` (a restock). ``travel_s`` and ``distance_m`` are for
    the leg that leads to this stop; ``wait_s`` is the time between arrival and start.
    For jobs with an SLA, ``sla_due`` is the on-site due time and ``sla_slack_s`` how long
    before it the visit starts (negative: breached); ``sla_stages`` says the same for every
    stage of the job's policy (respond, on site, resolve, ...). ``first_time_fix`` is the estimated
    probability that this engineer fixes it at this visit. ``customer`` and ``address`` are
    copied from the job (``None`` at pickups and for jobs without them) so a plan read on its
    own still says whom to visit and where. ``crew`` lists the engineers on site together at
    a crew job (``Job.crew_size`` > 1), lead first, on every member's stop; it is empty for a
    one-person job.
    """

    model_config = ConfigDict(extra="forbid")

    job_id: str
    kind: Literal["job", "pickup"] = "job"
    arrival: datetime
    start: datetime
    end: datetime
    travel_s: int = 0
    distance_m: int = 0
    wait_s: int = 0
    parts: list[PartUse] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    """At a pickup: tools collected there."""
    sla_due: datetime | None = None
    sla_slack_s: int | None = None
    sla_stages: list[SlaStageOutcome] = Field(default_factory=list)
    first_time_fix: float | None = None
    customer: str | None = None
    address: str | None = None
    crew: list[str] = Field(default_factory=list)


class Outsourced(BaseModel):
    """A job given to a provider: who does it, for what fee, and the start window they must
    keep (``None``: any time of the day)."""

    model_config = ConfigDict(extra="forbid")

    job_id: str
    provider_id: str
    fee: float
    window: TimeWindow | None = None


class BreakTaken(BaseModel):
    """A break on a route, as planned."""

    model_config = ConfigDict(extra="forbid")

    start: datetime
    end: datetime


class Route(BaseModel):
    """One engineer's shift: leaves ``start_location`` at ``departure``, returns at ``arrival``."""

    model_config = ConfigDict(extra="forbid")

    engineer_id: str
    shift_index: int = 0
    departure: datetime
    arrival: datetime
    stops: list[Stop] = Field(default_factory=list)
    breaks: list[BreakTaken] = Field(default_factory=list)
    return_travel_s: int = 0
    return_distance_m: int = 0

    @property
    def jobs(self) -> list[Stop]:
        """The stops that serve jobs (pickups left out)."""
        return [s for s in self.stops if s.kind == "job"]

    @property
    def travel_s(self) -> int:
        """Total driving seconds, home leg included."""
        return sum(s.travel_s for s in self.stops) + self.return_travel_s

    @property
    def distance_m(self) -> int:
        """Total distance in metres, home leg included."""
        return sum(s.distance_m for s in self.stops) + self.return_distance_m


class Counterfactual(BaseModel):
    """One change that would let an unassigned job in, found by making it, inserting the job
    and validating the plan: ``kind`` (``extend_shift``, ``widen_window``, ``accept_level``,
    ``displace``, ``part_available``), its ``params`` (``engineer_id``, ``minutes`` and
    ``shift_index``; ``minutes`` and ``side``; ``skill`` and ``level``; ``job_id``; ``sku``,
    ``depot_id``, ``by`` (ISO 8601) and ``quantity``), what serving it that way adds to the
    objective (``added_cost``, a displaced job's penalty included) and a sentence for a
    person."""

    kind: Literal["extend_shift", "widen_window", "accept_level", "displace", "part_available"]
    params: dict[str, str | int | float] = Field(default_factory=dict)
    added_cost: float
    description: str


class Unassigned(BaseModel):
    """A job no route serves, with a machine-readable reason and a sentence for a person."""

    model_config = ConfigDict(extra="forbid")

    job_id: str
    reason: UnassignedReason
    detail: str
    counterfactuals: list[Counterfactual] = Field(default_factory=list)
    """The few cheapest single changes that would let it in (filled by ``dispatchopt
    explain``; empty otherwise)."""


class Summary(BaseModel):
    """Plan-wide figures a dispatcher and a manager look at first."""

    model_config = ConfigDict(extra="forbid")

    jobs_total: int
    jobs_served: int
    jobs_unassigned: int
    engineers_used: int
    travel_s: int
    distance_km: float
    working_s: int
    overtime_s: int
    waiting_s: int
    cost: float
    pickups: int = 0
    jobs_outsourced: int = 0
    """Jobs given to providers (``plan.outsourced``); not counted in ``jobs_served``."""
    working_spread_s: int = 0
    """Longest minus shortest working time (travel + on site + waiting, a route with no job
    counting zero) over every engineer with a shift, so an idle engineer is a zero-hour day."""
    working_std_s: float = 0.0
    """Standard deviation (population) of the same working times."""
    sla_compliance: dict[str, float] = Field(default_factory=dict)
    sla_stage_compliance: dict[str, float] = Field(default_factory=dict)
    """% of planned visits meeting each SLA stage a visit can meet (``on_site``, ``resolve``:
    the end of service by its due time, fixed or not)."""
    """Per SLA tier, % of jobs with a deadline that start in time (unplanned ones due within
    the planned day count as missed)."""
    first_time_fix: float | None = None
    """Mean estimated first-time-fix probability over served jobs."""
    objective: float | None = None
    cost_breakdown: dict[str, float] = Field(default_factory=dict)
    """``objective`` term by term (travel, distance, working time, overtime, fixed cost, SLA
    lateness per tier, soft windows, non-preferred engineers, first-time fix, unassigned
    penalties), in its unit; the terms add up to ``objective``."""
    engine_objective: float | None = None
    """What the engine itself reported as its objective (its own rounding and model)."""
    solver: str = ""
    solver_notes: list[str] = Field(default_factory=list)
    """Which engine and strategy planned the day and why (e.g. ``"engine ortools: the day has
    breaks"``), in the order the choices were made."""
    fallback: Literal["given", "greedy"] | None = None
    """Set when the search gave nothing better and the plan returned is one it did not search
    from: the plan it was handed (``initial_plan``, ``"given"``) or the greedy baseline
    (``"greedy"``); ``solver_notes`` says why."""
    solve_seconds: float = 0.0


class Plan(BaseModel):
    """The answer to a :class:`~dispatchopt.models.problem.Problem`."""

    model_config = ConfigDict(extra="forbid")

    routes: list[Route] = Field(default_factory=list)
    unassigned: list[Unassigned] = Field(default_factory=list)
    summary: Summary | None = None
    broken_appointments: list[BrokenAppointment] = Field(default_factory=list)
    """Jobs served outside the window promised to their customer, each with the reason."""
    outsourced: list[Outsourced] = Field(default_factory=list)
    """Jobs given to providers instead of routed (``Problem.providers``)."""

    def to_json(self, indent: int | None = 2) -> str:
        """The plan JSON other systems read (ISO-8601 datetimes)."""
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> Plan:
        """Read a plan JSON, raising :class:`~dispatchopt.errors.InputError` on bad fields."""
        import json

        from dispatchopt.errors import FormatError
        from dispatchopt.models._errors import validate_or_raise

        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormatError([("plan", None, f"not JSON: {exc}")]) from None
        return validate_or_raise(cls, data)

    def route_of(self, job_id: str) -> Route | None:
        """The route that serves ``job_id``, if any."""
        for route in self.routes:
            if any(s.job_id == job_id and s.kind == "job" for s in route.stops):
                return route
        return None

"""A job: one visit to a customer's home that some engineer should make."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatchopt.models._bounds import Amount, Id, Minutes, Quantity
from dispatchopt.models._time import AwareDatetime
from dispatchopt.models.location import Location
from dispatchopt.models.parts import PartRequirement
from dispatchopt.models.skills import SkillRequirement
from dispatchopt.models.sla import SlaState
from dispatchopt.models.time_window import SoftWindow, TimeWindow

CUSTOMER_MAX_CHARS = 200
"""Longest customer name or reference a job may carry (a schedule line, not a CRM record)."""
ADDRESS_MAX_CHARS = 500
"""Longest address a job may carry (several lines of a postal address fit)."""


class Lock(BaseModel):
    """Pins a job to an engineer (and optionally to an exact start): the solver may not move it."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    engineer_id: Id
    start: AwareDatetime | None = None


class Job(BaseModel):
    """A service visit.

    ``duration_minutes`` is the time on site for an engineer at exactly the required level.
    ``duration_by_level`` maps an engineer's level in the job's *first* required skill to a
    different duration (a senior installer is faster); the entry with the highest level not
    above the engineer's level applies.
    Hard ``time_windows`` bound the start of service (any one of them); an empty list means
    "any time in the engineer's shift". A job is mandatory unless ``optional`` is set, in which
    case ``penalty`` is what leaving it unplanned costs. Mandatory jobs the plan cannot fit
    still come back, in ``Plan.unassigned`` with a reason.
    ``parts`` must be on hand at the start of service (from the engineer's van or picked up at a
    depot earlier on the route); ``tools`` must be in the van (carried from the start or
    collected at a depot that keeps them). ``sla`` is the ticket's SLA clock and ``sla_tier``
    names the problem's tier whose policy sets its due times (see ``docs/parts_and_sla.md``).
    ``crew_size`` people must be on site together (a two-person install): the lead holds
    ``skills``, every other member ``helper_skills``, and all start at the same moment.
    ``outsourcing_allowed`` lets a provider (``Problem.providers``) take the job instead.
    ``zone`` (a district, a postcode) is matched against zone-list territories, and
    ``last_engineer_id`` names who did the previous visit (a repeat visit): sending someone else
    forgoes ``Objective.continuity_bonus``.
    ``customer`` (a name or reference, up to 200 characters) and ``address`` (up to 500) are
    for people only: the solver never reads them, the plan's stops carry them so the printed
    day and the engineers' schedules say whom to visit and where.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id: Id
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
    lock: Lock | None = None
    parts: list[PartRequirement] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    sla: SlaState | None = None
    sla_tier: str | None = Field(default=None, min_length=1)
    customer: str | None = Field(default=None, max_length=CUSTOMER_MAX_CHARS)
    address: str | None = Field(default=None, max_length=ADDRESS_MAX_CHARS)
    crew_size: int = Field(default=1, ge=1, le=20)
    helper_skills: list[SkillRequirement] = Field(default_factory=list)
    outsourcing_allowed: bool = True
    zone: Id | None = None
    last_engineer_id: Id | None = None
    appointment: TimeWindow | None = None
    """The window promised to the customer (``time_windows`` are when the job may be done at
    all): the solver keeps service start inside it, and a plan that does not lists the job in
    ``Plan.broken_appointments``."""

    @model_validator(mode="after")
    def _consistent(self) -> Job:
        for level, minutes in self.duration_by_level.items():
            if minutes < 0:
                raise ValueError(f"duration_by_level[{level}] is negative ({minutes})")
        if self.duration_by_level and not self.skills:
            raise ValueError("duration_by_level needs at least one required skill to key on")
        if self.optional and self.penalty is None:
            raise ValueError("an optional job needs a penalty (the cost of leaving it unplanned)")
        clash = set(self.required_engineers) & set(self.excluded_engineers)
        if clash:
            raise ValueError(f"engineers both required and excluded: {sorted(clash)}")
        if self.duration_by_level and self.crew_size > 1:
            raise ValueError("duration_by_level is for one-person jobs (a crew works together)")
        if self.helper_skills and self.crew_size < 2:
            raise ValueError("helper_skills needs crew_size of 2 or more (who would hold them?)")
        if self.crew_size > 1 and len(self.required_engineers) == 1:
            raise ValueError(
                f"a crew of {self.crew_size} cannot be limited to one required engineer"
            )
        if self.id in self.after:
            raise ValueError(f"job {self.id!r} cannot come after itself")
        return self

    def duration_for_level(self, level: int | None) -> float:
        """On-site minutes for an engineer whose level in the lead skill is ``level``."""
        best = self.duration_minutes
        best_key = -1
        for key, minutes in self.duration_by_level.items():
            if level is not None and best_key < key <= level:
                best, best_key = minutes, key
        return best

"""SLA clocks: policies of timed stages, a ticket's clock state, and when each stage falls due.

The solver reads the on-site due time as a hard or soft deadline (:class:`SlaMode`); the plan
and validator report due time, planned start and slack per job and compliance per tier.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatchopt.errors import InputError
from dispatchopt.models._time import AwareDatetime
from dispatchopt.models.calendar import BusinessCalendar, add_business_time, business_time_between

RESPOND = "respond"
ON_SITE = "on_site"
RESOLVE = "resolve"
"""Conventional stage names; a policy may use any names it likes."""
VISIT_EVENTS: dict[str, Literal["start", "end", "none"]] = {
    ON_SITE: "start",
    RESOLVE: "end",
    RESPOND: "none",
}
"""What in a visit meets a stage of a conventional name (see :attr:`SlaStage.met_by`)."""


class SlaClock(StrEnum):
    """How a stage's target is measured."""

    BUSINESS = "business"
    """Only time the problem's :class:`BusinessCalendar` is open counts."""
    WALL_CLOCK = "wall_clock"
    """Real elapsed time, around the clock (24 h across a DST change is still 24 real hours)."""


class SlaStage(BaseModel):
    """One promise of a policy: ``name`` is reached within ``target_minutes`` of the clock start
    (pauses excluded), measured on ``clock``."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1)
    target_minutes: float = Field(gt=0)
    clock: SlaClock = SlaClock.BUSINESS
    met_by: Literal["start", "end", "none"] | None = None
    """What in a visit meets the stage: the start of service (``on_site``), its end
    (``resolve``: fixed, if the first visit fixes it), or nothing a visit does (``respond`` is
    met by a call). Left out, it follows the stage name, and other names are met by nothing."""

    @property
    def target(self) -> timedelta:
        """The target as a timedelta."""
        return timedelta(minutes=self.target_minutes)

    @property
    def visit_event(self) -> Literal["start", "end"] | None:
        """``"start"`` or ``"end"`` of service when a visit can meet this stage, else ``None``."""
        event = self.met_by or VISIT_EVENTS.get(self.name, "none")
        return None if event == "none" else event


class SlaPolicy(BaseModel):
    """A named set of stages, e.g. "urgent": respond 1 h, on site 4 h, resolved 24 h.

    ``deadline_stage`` names the stage the solver plans against (the engineer's arrival on site
    must start service by its due time); when left out, the stage named ``"on_site"`` is used if
    there is one, otherwise the policy gives the solver no deadline.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1)
    stages: list[SlaStage] = Field(min_length=1)
    deadline_stage: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SlaPolicy:
        names = [s.name for s in self.stages]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"stages: duplicate stage names {dupes}")
        if self.deadline_stage is not None and self.deadline_stage not in names:
            raise ValueError(f"deadline_stage: {self.deadline_stage!r} is not one of {names}")
        return self

    def stage(self, name: str) -> SlaStage:
        """The stage called ``name``; :class:`InputError` when the policy has none."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise InputError([("stage", name, f"policy {self.name!r} has no such stage")])

    def visit_stages(self) -> list[SlaStage]:
        """The stages a visit can meet (at its start or its end), in policy order."""
        return [s for s in self.stages if s.visit_event is not None]

    def solver_stage(self) -> SlaStage | None:
        """The stage whose due time the solver treats as the job's deadline, if any."""
        name = self.deadline_stage or ON_SITE
        return next((s for s in self.stages if s.name == name), None)


class PauseReason(StrEnum):
    """Why an SLA clock stopped."""

    AWAITING_PARTS = "awaiting_parts"
    AWAITING_CUSTOMER = "awaiting_customer"
    """The customer cannot be visited for now (same value as the lifecycle's ticket state)."""
    OTHER = "other"


class SlaPause(BaseModel):
    """The clock stood still from ``start`` to ``end``; ``end=None`` means it is still stopped."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    reason: PauseReason = PauseReason.OTHER
    start: AwareDatetime
    end: AwareDatetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SlaPause:
        if self.end is not None and self.end < self.start:
            raise ValueError(
                f"pause end {self.end.isoformat()} is before its start {self.start.isoformat()}"
            )
        return self


class SlaState(BaseModel):
    """A ticket's SLA clock as the ticketing system knows it.

    ``started_at`` is when the clock started (usually when the ticket was opened). ``pauses``
    are the intervals it stood still, with reasons. ``prior_paused_minutes`` is paused time
    accumulated before the listed pauses that the ticketing system only knows as a total; it is
    added to every stage's target in that stage's own clock (business minutes for a business
    stage).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    started_at: AwareDatetime
    pauses: list[SlaPause] = Field(default_factory=list)
    prior_paused_minutes: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _one_open_pause(self) -> SlaState:
        if sum(p.end is None for p in self.pauses) > 1:
            raise ValueError("pauses: at most one pause can still be open (end missing)")
        return self

    def paused_time(self, until: datetime | None = None) -> timedelta:
        """Wall-clock paused time from ``started_at`` to ``until`` (or to the last pause end),
        overlapping pauses counted once, plus ``prior_paused_minutes``."""
        total = timedelta(minutes=self.prior_paused_minutes)
        stop = until.astimezone(UTC) if until is not None else None
        for s, e in _merged_pauses(self, stop):
            total += e - s
        return total


def _merged_pauses(state: SlaState, open_end: datetime | None) -> list[tuple[datetime, datetime]]:
    """Pauses after the clock start as sorted, disjoint UTC intervals (open ones end at
    ``open_end``, or are dropped when it is ``None``)."""
    start = state.started_at.astimezone(UTC)
    raw = []
    for p in state.pauses:
        end = p.end.astimezone(UTC) if p.end is not None else open_end
        if end is None:
            continue
        s, e = max(p.start.astimezone(UTC), start), end
        if open_end is not None:
            e = min(e, open_end)
        if e > s:
            raw.append((s, e))
    raw.sort()
    merged: list[tuple[datetime, datetime]] = []
    for s, e in raw:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _add(
    stage: SlaStage, calendar: BusinessCalendar | None, start: datetime, amount: timedelta
) -> datetime:
    if stage.clock is SlaClock.WALL_CLOCK:
        return start + amount
    if calendar is None:
        raise InputError(
            [
                (
                    "calendar",
                    None,
                    f"SLA stage {stage.name!r} counts business time "
                    "but no business calendar was given",
                )
            ]
        )
    return add_business_time(calendar, start, amount).astimezone(UTC)


def _measure(
    stage: SlaStage, calendar: BusinessCalendar | None, a: datetime, b: datetime
) -> timedelta:
    if stage.clock is SlaClock.WALL_CLOCK:
        return b - a
    assert calendar is not None  # _add has already rejected a missing calendar
    return business_time_between(calendar, a, b)


def sla_due(
    policy: SlaPolicy, state: SlaState, calendar: BusinessCalendar | None, stage: str
) -> datetime | None:
    """When stage ``stage`` of ``policy`` falls due for a clock in ``state``.

    The due time is the first moment at which the clock has run (outside pauses, on the stage's
    clock) for the stage target plus ``prior_paused_minutes``. A pause over closed business
    hours therefore moves a business-time due date only by the open hours it covers. Returns
    ``None`` while the clock is stopped by an open pause that starts before the due time (no
    due time exists until the pause ends). The result is in the calendar's zone for business
    stages and in ``started_at``'s zone for wall-clock ones.
    """
    st = policy.stage(stage)
    remaining = st.target + timedelta(minutes=state.prior_paused_minutes)
    cursor = state.started_at.astimezone(UTC)
    open_pause = next((p for p in state.pauses if p.end is None), None)
    for p_start, p_end in _merged_pauses(state, None):
        if p_end <= cursor:
            continue
        due = _add(st, calendar, cursor, remaining)
        if due <= p_start:
            return _finish(st, calendar, due, open_pause, state)
        if p_start > cursor:
            remaining -= _measure(st, calendar, cursor, p_start)
        cursor = max(cursor, p_end)
    due = _add(st, calendar, cursor, remaining)
    return _finish(st, calendar, due, open_pause, state)


def _finish(
    stage: SlaStage,
    calendar: BusinessCalendar | None,
    due: datetime,
    open_pause: SlaPause | None,
    state: SlaState,
) -> datetime | None:
    if open_pause is not None and open_pause.start < due:
        return None
    if stage.clock is SlaClock.BUSINESS and calendar is not None:
        return due.astimezone(calendar.zone)
    return due.astimezone(state.started_at.tzinfo)


class SlaMode(BaseModel):
    """How the solver treats each job's SLA deadline (the due time of its policy's
    :meth:`~SlaPolicy.solver_stage`).

    ``kind="soft"`` (default): starting service after the due time is allowed and costs
    ``late_cost_per_hour`` x the tier's weight x hours late, in the objective's money units; so
    an urgent job is worth a detour that a low-tier one is not. ``kind="hard"``: service must
    start by the due time; a job that cannot be served in time is unassigned.
    ``tier_weights`` scales the penalty per tier (unlisted tiers weigh 1). The defaults
    (200 per hour; urgent x4, high x2, standard x1, low x0.5) make an hour late on an urgent job
    cost about as much as a day of an engineer's time at typical rates.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    kind: Literal["soft", "hard"] = "soft"
    late_cost_per_hour: float = Field(default=200.0, ge=0)
    tier_weights: dict[str, float] = Field(
        default_factory=lambda: {"urgent": 4.0, "high": 2.0, "standard": 1.0, "low": 0.5}
    )

    @model_validator(mode="after")
    def _non_negative(self) -> SlaMode:
        for tier, weight in sorted(self.tier_weights.items()):
            if weight < 0:
                raise ValueError(f"tier_weights.{tier}: weight must not be negative ({weight})")
        return self

    def late_cost_per_hour_for(self, tier: str | None) -> float:
        """Money per hour late for a job of ``tier`` (weight 1 for an unlisted or missing tier)."""
        weight = self.tier_weights.get(tier, 1.0) if tier is not None else 1.0
        return self.late_cost_per_hour * weight

    def late_cost(self, tier: str | None, due: datetime, start: datetime) -> float:
        """The soft-mode penalty for starting service at ``start`` against ``due`` (0 on time)."""
        late_s = max(0.0, (start - due).total_seconds())
        return self.late_cost_per_hour_for(tier) * late_s / 3600.0


def sla_slack(due: datetime, planned_start: datetime) -> timedelta:
    """Slack of a planned start against its due time: positive when early, negative a breach."""
    return due.astimezone(UTC) - planned_start.astimezone(UTC)


def compliance_by_tier(outcomes: Iterable[tuple[str | None, bool]]) -> dict[str, float]:
    """Percentage of SLA jobs met per tier from ``(tier, met)`` pairs, keys sorted.

    Jobs without a tier count under ``"(none)"``. Which jobs enter the figure is defined in
    ``docs/parts_and_sla.md`` (served jobs, and unassigned ones due inside the horizon).
    """
    counts: dict[str, list[int]] = {}
    for tier, met in outcomes:
        pair = counts.setdefault(tier if tier is not None else "(none)", [0, 0])
        pair[0] += int(met)
        pair[1] += 1
    return {t: 100.0 * counts[t][0] / counts[t][1] for t in sorted(counts)}

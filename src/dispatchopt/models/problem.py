"""A planning problem: the jobs, the engineers, and how to travel and what to optimise."""

from __future__ import annotations

from datetime import UTC, datetime, timezone, tzinfo
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dispatchopt.models._bounds import MAX_JOB_ENGINEER_PAIRS
from dispatchopt.models.calendar import BusinessCalendar
from dispatchopt.models.engineer import Engineer
from dispatchopt.models.job import Job
from dispatchopt.models.objective import Objective
from dispatchopt.models.parts import Depot, Part, PartArrival, PartsReadiness, parts_readiness
from dispatchopt.models.providers import Provider
from dispatchopt.models.sla import SlaClock, SlaMode, SlaPolicy, SlaStage, sla_due
from dispatchopt.models.territory import point_of
from dispatchopt.models.travel import HaversineTravel, TravelSettings


class Problem(BaseModel):
    """Everything one planning run needs. Times are timezone-aware datetimes.

    Cross-references are checked when the problem is built: ids are unique, jobs name only
    known engineers and jobs, locations match the travel settings. A skill that a job needs and
    nobody holds is allowed (the job comes back unassigned with that reason) and listed by
    :meth:`warnings`.

    Spare parts and SLA clocks (all optional): ``parts`` is the SKU catalogue, ``depots`` hold
    stock and ``part_arrivals`` are units on their way to a depot. ``sla_policies`` are named
    sets of SLA stages, ``sla_tiers`` maps a job's ``sla_tier`` to a policy name, ``sla_mode``
    says whether the on-site due time is a hard or a soft deadline, and ``calendar`` is the
    business calendar business-time stages count on. Semantics: ``docs/parts_and_sla.md``.

    ``providers`` are contractors that take jobs for a fee up to a daily quota (see
    :class:`~dispatchopt.models.providers.Provider`); their ids must differ from engineers'.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str = "dispatch day"
    jobs: list[Job] = Field(default_factory=list)
    engineers: list[Engineer] = Field(default_factory=list)
    travel: TravelSettings = Field(default_factory=HaversineTravel)
    objective: Objective = Field(default_factory=Objective)
    parts: list[Part] = Field(default_factory=list)
    depots: list[Depot] = Field(default_factory=list)
    part_arrivals: list[PartArrival] = Field(default_factory=list)
    sla_policies: list[SlaPolicy] = Field(default_factory=list)
    sla_tiers: dict[str, str] = Field(default_factory=dict)
    sla_mode: SlaMode = Field(default_factory=SlaMode)
    calendar: BusinessCalendar | None = None
    providers: list[Provider] = Field(default_factory=list)
    time_zone: str | None = None
    """The IANA zone the day is planned in (``"Europe/Paris"``): plan times are written and
    printed in it, daylight saving included. Default: the calendar's zone, else the fixed UTC
    offset the input's first shift is given in."""

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown IANA time zone {value!r} (e.g. 'Europe/Paris')"
                ) from None
        return value

    @cached_property
    def zone(self) -> tzinfo:
        """The zone plan times are given in (see :attr:`time_zone`)."""
        if self.time_zone is not None:
            return ZoneInfo(self.time_zone)
        if self.calendar is not None:
            return self.calendar.zone
        return self.epoch().tzinfo or UTC

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the problem's zone (the same instant), with that instant's offset as a
        fixed offset (so arithmetic on it is in real seconds across a DST change)."""
        local = moment.astimezone(self.zone)
        offset = local.utcoffset()
        return local if offset is None else local.replace(tzinfo=timezone(offset))

    @model_validator(mode="after")
    def _cross_references(self) -> Problem:
        pairs = len(self.jobs) * max(1, len(self.engineers))
        if pairs > MAX_JOB_ENGINEER_PAIRS:
            raise ValueError(
                f"jobs: {len(self.jobs)} jobs x {len(self.engineers)} engineers is more than "
                f"{MAX_JOB_ENGINEER_PAIRS} job-engineer pairs (split the day by region)"
            )
        errors: list[str] = []
        seen = _first_index([j.id for j in self.jobs], "jobs", "id", "job id", errors)
        eng_seen = _first_index(
            [e.id for e in self.engineers], "engineers", "id", "engineer id", errors
        )
        for i, job in enumerate(self.jobs):
            for field in ("required_engineers", "preferred_engineers", "excluded_engineers"):
                for eid in getattr(job, field):
                    if eid not in eng_seen:
                        errors.append(f"jobs[{i}].{field}: unknown engineer id {eid!r}")
            if job.lock is not None and job.lock.engineer_id not in eng_seen:
                errors.append(
                    f"jobs[{i}].lock.engineer_id: unknown engineer id {job.lock.engineer_id!r}"
                )
            for pred in job.after:
                if pred not in seen:
                    errors.append(f"jobs[{i}].after: unknown job id {pred!r}")
        profiles = getattr(self.travel, "vehicle_profiles", {})
        for i, eng in enumerate(self.engineers):
            if eng.vehicle_profile is not None and eng.vehicle_profile not in profiles:
                errors.append(
                    f"engineers[{i}].vehicle_profile: unknown vehicle profile "
                    f"{eng.vehicle_profile!r} (travel.vehicle_profiles has {sorted(profiles)})"
                )
        errors.extend(self._location_errors())
        errors.extend(self._parts_errors())
        errors.extend(self._sla_errors())
        errors.extend(self._territory_errors())
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def _location_errors(self) -> list[str]:
        kind = self.travel.kind
        errors = []
        places = [(f"jobs[{i}].location", j.location) for i, j in enumerate(self.jobs)]
        for i, e in enumerate(self.engineers):
            places.append((f"engineers[{i}].start_location", e.start_location))
            if e.end_location is not None:
                places.append((f"engineers[{i}].end_location", e.end_location))
        places.extend((f"depots[{i}].location", d.location) for i, d in enumerate(self.depots))
        for field, loc in places:
            if kind == "haversine" and loc.lat is None:
                errors.append(f"{field}: haversine travel needs lat/lon")
            elif kind == "euclidean" and loc.x is None:
                errors.append(f"{field}: euclidean travel needs x/y")
            elif kind == "matrix":
                n = len(self.travel.durations_s)  # type: ignore[union-attr]
                if loc.matrix_index is None or loc.matrix_index >= n:
                    errors.append(f"{field}: matrix travel needs matrix_index in [0, {n})")
        return errors

    def _parts_errors(self) -> list[str]:
        errors: list[str] = []
        skus = _first_index([p.sku for p in self.parts], "parts", "sku", "sku", errors)
        depots = _first_index([d.id for d in self.depots], "depots", "id", "depot id", errors)
        for i, depot in enumerate(self.depots):
            for sku in sorted(depot.stock):
                if sku not in skus:
                    errors.append(f"depots[{i}].stock.{sku}: unknown sku {sku!r}")
        for i, eng in enumerate(self.engineers):
            for sku, qty in sorted(eng.van_stock.items()):
                if sku not in skus:
                    errors.append(f"engineers[{i}].van_stock.{sku}: unknown sku {sku!r}")
                if qty < 0:
                    errors.append(f"engineers[{i}].van_stock.{sku}: negative stock ({qty})")
        for i, job in enumerate(self.jobs):
            for k, req in enumerate(job.parts):
                if req.sku not in skus:
                    errors.append(f"jobs[{i}].parts[{k}].sku: unknown sku {req.sku!r}")
        for i, arr in enumerate(self.part_arrivals):
            if arr.sku not in skus:
                errors.append(f"part_arrivals[{i}].sku: unknown sku {arr.sku!r}")
            if arr.depot_id not in depots:
                errors.append(f"part_arrivals[{i}].depot_id: unknown depot id {arr.depot_id!r}")
        return errors

    def _sla_errors(self) -> list[str]:
        errors: list[str] = []
        names = _first_index(
            [p.name for p in self.sla_policies], "sla_policies", "name", "policy name", errors
        )
        for i, policy in enumerate(self.sla_policies):
            for k, stage in enumerate(policy.stages):
                if stage.clock is SlaClock.BUSINESS and self.calendar is None:
                    errors.append(
                        f"sla_policies[{i}].stages[{k}].clock: business time needs "
                        "the problem's calendar"
                    )
        for tier, name in sorted(self.sla_tiers.items()):
            if name not in names:
                errors.append(f"sla_tiers.{tier}: unknown policy name {name!r}")
        for i, job in enumerate(self.jobs):
            if job.sla_tier is not None and job.sla_tier not in self.sla_tiers:
                errors.append(f"jobs[{i}].sla_tier: unknown tier {job.sla_tier!r}")
            if job.sla is not None and job.sla_tier is None:
                errors.append(f"jobs[{i}].sla_tier: a job with an SLA clock needs a tier")
        return errors

    def _territory_errors(self) -> list[str]:
        """Provider ids are unique and not engineers'; tiers exist; areas can be judged."""
        errors: list[str] = []
        _first_index([p.id for p in self.providers], "providers", "id", "provider id", errors)
        engineer_ids = {e.id for e in self.engineers}
        for i, prov in enumerate(self.providers):
            if prov.id in engineer_ids:
                errors.append(f"providers[{i}].id: {prov.id!r} is also an engineer id")
            for tier in prov.sla_tiers or []:
                if tier not in self.sla_tiers:
                    errors.append(f"providers[{i}].sla_tiers: unknown tier {tier!r}")
        areas = [e.territory for e in self.engineers] + [p.territory for p in self.providers]
        if any(t is not None and not isinstance(t, list) for t in areas):
            for i, job in enumerate(self.jobs):
                if point_of(job.location) is None:
                    errors.append(
                        f"jobs[{i}].location: a territory given as an area needs jobs with "
                        "lat/lon or x/y, not only a matrix_index"
                    )
        return errors

    def fair_share(self) -> float:
        """The balance term's fair share per engineer (see
        :class:`~dispatchopt.models.objective.Balance`): seconds on site, or job visits, when
        the day's jobs (times their crew size) are split evenly among the engineers."""
        balance = self.objective.balance
        if balance is None or not self.engineers:
            return 0.0
        if balance.on == "jobs":
            total = float(sum(j.crew_size for j in self.jobs))
        else:
            total = sum(j.duration_minutes * 60 * j.crew_size for j in self.jobs)
        return total / len(self.engineers)

    @cached_property
    def provider_by_id(self) -> dict[str, Provider]:
        """Providers keyed by id."""
        return {p.id: p for p in self.providers}

    @cached_property
    def job_by_id(self) -> dict[str, Job]:
        """Jobs keyed by id."""
        return {j.id: j for j in self.jobs}

    @cached_property
    def engineer_by_id(self) -> dict[str, Engineer]:
        """Engineers keyed by id."""
        return {e.id: e for e in self.engineers}

    @cached_property
    def depot_by_id(self) -> dict[str, Depot]:
        """Depots keyed by id."""
        return {d.id: d for d in self.depots}

    @cached_property
    def part_by_sku(self) -> dict[str, Part]:
        """The parts catalogue keyed by SKU."""
        return {p.sku: p for p in self.parts}

    @cached_property
    def sla_policy_by_name(self) -> dict[str, SlaPolicy]:
        """SLA policies keyed by name."""
        return {p.name: p for p in self.sla_policies}

    def sla_policy_for(self, job: Job) -> SlaPolicy | None:
        """The policy of the job's tier, ``None`` when the job has no tier."""
        if job.sla_tier is None:
            return None
        return self.sla_policy_by_name[self.sla_tiers[job.sla_tier]]

    def sla_due(self, job: Job, stage: str) -> datetime | None:
        """When ``stage`` of the job's SLA falls due (``None``: no clock, or it is paused open)."""
        policy = self.sla_policy_for(job)
        if policy is None or job.sla is None:
            return None
        return sla_due(policy, job.sla, self.calendar, stage)

    def sla_stage_dues(self, job: Job) -> list[tuple[SlaStage, datetime]]:
        """Each stage of the job's SLA with its due time, in policy order; stages whose clock
        is paused open are left out."""
        policy = self.sla_policy_for(job)
        if policy is None or job.sla is None:
            return []
        out = []
        for stage in policy.stages:
            due = sla_due(policy, job.sla, self.calendar, stage.name)
            if due is not None:
                out.append((stage, due))
        return out

    def sla_visit_dues(self, job: Job) -> list[tuple[SlaStage, datetime]]:
        """The stages of :meth:`sla_stage_dues` a visit can meet (on site, resolve, ...)."""
        return [(stage, due) for stage, due in self.sla_stage_dues(job) if stage.visit_event]

    def sla_deadline(self, job: Job) -> datetime | None:
        """The due time service must start by: the job policy's solver stage (``on_site``).

        ``None`` when the job has no SLA clock, its policy has no such stage, or an open pause
        stops the clock. The solver applies :attr:`sla_mode` to it.
        """
        policy = self.sla_policy_for(job)
        if policy is None or job.sla is None:
            return None
        stage = policy.solver_stage()
        if stage is None:
            return None
        return sla_due(policy, job.sla, self.calendar, stage.name)

    def parts_readiness(self, job: Job) -> PartsReadiness:
        """Where and when each part the job needs can be had, ignoring other jobs' claims
        (see :func:`~dispatchopt.models.parts.parts_readiness`)."""
        vans = {e.id: e.van_stock for e in self.engineers}
        return parts_readiness(job.parts, vans, self.depots, self.part_arrivals)

    def earliest_parts_ready(self, job: Job) -> datetime | None:
        """When the job's last awaited part can be picked up at its depot (the solver adds the
        drive from there); ``None`` when every part is in stock now or the job needs none.

        A part that never becomes available also gives ``None`` here: check
        ``parts_readiness(job).unavailable`` first (reason ``parts_unavailable``).
        """
        return self.parts_readiness(job).ready_at

    def epoch(self) -> datetime:
        """The earliest moment any shift, window or lock mentions: time zero inside the engine."""
        return self._epoch

    @cached_property
    def _epoch(self) -> datetime:
        """:meth:`epoch`, found once (it scans every job)."""
        moments = [s.start for e in self.engineers for s in e.shifts]
        for job in self.jobs:
            moments.extend(w.start for w in job.time_windows)
            if job.earliest_start is not None:
                moments.append(job.earliest_start)
            if job.lock is not None and job.lock.start is not None:
                moments.append(job.lock.start)
        # Nothing timed at all (no engineers, no windows): any fixed instant will do.
        return min(moments) if moments else datetime(2000, 1, 1, tzinfo=UTC)

    def warnings(self) -> list[str]:
        """Things that are allowed but probably not meant (a skill nobody holds, ...)."""
        held = {s for e in self.engineers for s in e.skills}
        held |= {s for p in self.providers for s in p.skills}  # a provider may take the job
        engineer_ids = {e.id for e in self.engineers}
        tools_anywhere = {t for e in self.engineers for t in e.tools}
        tools_anywhere |= {t for d in self.depots for t in d.tools}
        out = []
        for i, job in enumerate(self.jobs):
            for req in job.skills:
                if req.skill not in held:
                    out.append(f"jobs[{i}] ({job.id}): skill {req.skill!r} is held by no engineer")
            if job.sla_tier is not None and job.sla is None:
                out.append(f"jobs[{i}] ({job.id}): tier {job.sla_tier!r} but no SLA clock (sla)")
            missing = self.parts_readiness(job).unavailable if job.parts else []
            for sku in missing:
                out.append(f"jobs[{i}] ({job.id}): part {sku!r} is nowhere in stock or expected")
            if job.last_engineer_id is not None and job.last_engineer_id not in engineer_ids:
                out.append(
                    f"jobs[{i}] ({job.id}): last engineer {job.last_engineer_id!r} is not "
                    "working today (continuity cannot be kept)"
                )
            if job.crew_size > len(self.engineers):
                out.append(
                    f"jobs[{i}] ({job.id}): a crew of {job.crew_size} but only "
                    f"{len(self.engineers)} engineers"
                )
            for tool in sorted(set(job.tools) - tools_anywhere):
                out.append(f"jobs[{i}] ({job.id}): tool {tool!r} is in no van and no depot")
        return out

    @classmethod
    def from_data(cls, data: Any) -> Problem:
        """Build from parsed JSON, turning validation failures into :class:`InputError`."""
        from dispatchopt.models._errors import validate_or_raise

        return validate_or_raise(cls, data)


def _first_index(
    keys: list[str], collection: str, field: str, what: str, errors: list[str]
) -> dict[str, int]:
    """Where each key first appears; every repeat is reported in ``errors`` by its path."""
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            errors.append(
                f"{collection}[{i}].{field}: duplicate {what} {key!r} "
                f"(also {collection}[{first[key]}])"
            )
        first.setdefault(key, i)
    return first

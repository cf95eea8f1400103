"""What rules a problem actually uses, computed once, so that engines and strategies decide from
one description what may run, and the plan can say why.

A rule counts only when it can change a plan: an unused parts catalogue, an SLA tier without a
clock or a skill everybody holds is not a reason to refuse an engine or a strategy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dispatchopt.models import Location, Problem
from dispatchopt.models.eligibility import may_do


class Feature(StrEnum):
    """A rule or cost a day uses that not every engine or strategy models."""

    BREAKS = "breaks"
    RESTRICTED_ENGINEERS = "jobs that only some engineers may do (skills, restrictions)"
    MULTIPLE_WINDOWS = "jobs with more than one time window"
    SOFT_WINDOWS = "priced soft time windows"
    PRECEDENCE = "precedence between jobs (after)"
    LOCKS = "locked jobs"
    PARTS = "jobs that need spare parts"
    TOOLS = "jobs that need tools"
    DEPOTS = "depots where parts or tools are picked up"
    SHARED_STOCK = "limited depot stock or expected part arrivals shared between engineers"
    SLA_CLOCKS = "SLA deadlines"
    PREFERRED_ENGINEERS = "preferred engineers"
    DURATION_BY_LEVEL = "on-site time that depends on the engineer (duration_by_level)"
    TIME_DEPENDENT_TRAVEL = "travel times that depend on the time of day"
    VEHICLE_PROFILES = "vehicle profiles"
    OVERTIME = "overtime allowances"
    PAID_OVERTIME = "paid overtime"
    MAX_WORKING_TIME = "a maximum working time"
    CAPACITY = "load capacities"
    FIRST_TIME_FIX = "first-time-fix weighting"
    MULTIPLE_SHIFTS = "engineers with several shifts"
    NO_COORDINATES = "locations without coordinates"
    CREWS = "jobs that need several engineers on site together (crew_size)"
    PROVIDERS = "third-party providers with quotas and fees"
    TERRITORIES = "engineer territories"
    MAX_JOBS = "a maximum number of jobs per engineer"
    BALANCE = "a balance term (days away from their fair share are priced)"
    CONTINUITY = "a continuity bonus for the last engineer"


@dataclass(frozen=True)
class Capabilities:
    """The features a problem uses, its size and objective: what engines and strategies read."""

    features: frozenset[Feature]
    jobs: int
    engineers: int
    objective: str

    @classmethod
    def of(cls, problem: Problem) -> Capabilities:
        """Describe ``problem`` (one pass over its jobs and engineers)."""
        return cls(
            frozenset(_features(problem)),
            len(problem.jobs),
            len(problem.engineers),
            problem.objective.kind,
        )

    def uses(self, feature: Feature) -> bool:
        """True when the problem uses ``feature``."""
        return feature in self.features

    def beyond(self, modelled: Iterable[Feature]) -> list[Feature]:
        """The features this problem uses that are not in ``modelled``, in a fixed order."""
        have = set(modelled)
        return [f for f in Feature if f in self.features and f not in have]

    def reason(self, modelled: Iterable[Feature]) -> str | None:
        """A short sentence on what ``modelled`` lacks for this problem, or ``None``."""
        missing = self.beyond(modelled)
        if not missing:
            return None
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        return f"the day has {missing[0].value}{more}"


def _has_xy(location: Location) -> bool:
    return (location.x is not None and location.y is not None) or (
        location.lat is not None and location.lon is not None
    )


def _features(problem: Problem) -> set[Feature]:
    out: set[Feature] = set()
    jobs, engineers = problem.jobs, problem.engineers
    cost = problem.objective.kind == "cost"
    if any(shift.breaks for e in engineers for shift in e.shifts):
        out.add(Feature.BREAKS)
    if any(len(e.shifts) > 1 for e in engineers):
        out.add(Feature.MULTIPLE_SHIFTS)
    if any(e.overtime_minutes > 0 for e in engineers):
        out.add(Feature.OVERTIME)
        if cost and any(e.overtime_minutes > 0 and e.overtime_cost_per_hour > 0 for e in engineers):
            out.add(Feature.PAID_OVERTIME)
    if any(e.max_working_minutes is not None for e in engineers):
        out.add(Feature.MAX_WORKING_TIME)
    if any(e.capacity is not None for e in engineers) and any(j.demand for j in jobs):
        out.add(Feature.CAPACITY)
    if any(e.vehicle_profile is not None for e in engineers):
        out.add(Feature.VEHICLE_PROFILES)
    speed = getattr(problem.travel, "speed_profile", None)
    if speed is not None and any(f != 1.0 for f in speed.hourly_factors):
        out.add(Feature.TIME_DEPENDENT_TRAVEL)
    places = [j.location for j in jobs] + [e.start_location for e in engineers]
    places += [e.end_location for e in engineers if e.end_location is not None]
    places += [d.location for d in problem.depots]
    if not all(_has_xy(p) for p in places):
        out.add(Feature.NO_COORDINATES)
    if any(len(j.time_windows) > 1 for j in jobs):
        out.add(Feature.MULTIPLE_WINDOWS)
    if cost and any(j.soft_window is not None for j in jobs):
        out.add(Feature.SOFT_WINDOWS)
    if any(j.after for j in jobs):
        out.add(Feature.PRECEDENCE)
    if any(j.lock is not None for j in jobs):
        out.add(Feature.LOCKS)
    if any(j.preferred_engineers for j in jobs):
        out.add(Feature.PREFERRED_ENGINEERS)
    if any(j.duration_by_level for j in jobs):
        out.add(Feature.DURATION_BY_LEVEL)
    if any(problem.sla_visit_dues(j) for j in jobs if j.sla is not None):
        out.add(Feature.SLA_CLOCKS)
    if problem.objective.first_time_fix_weight and any(j.skills for j in jobs):
        out.add(Feature.FIRST_TIME_FIX)
    needs_parts = any(j.parts for j in jobs)
    needs_tools = any(j.tools for j in jobs)
    if needs_parts:
        out.add(Feature.PARTS)
    if needs_tools:
        out.add(Feature.TOOLS)
    if (needs_parts or needs_tools) and problem.depots:
        out.add(Feature.DEPOTS)
        limited = any(not d.unlimited and d.stock for d in problem.depots)
        if needs_parts and (limited or problem.part_arrivals):
            out.add(Feature.SHARED_STOCK)
    if _restricted(problem):
        out.add(Feature.RESTRICTED_ENGINEERS)
    if any(j.crew_size > 1 for j in jobs):
        out.add(Feature.CREWS)
    if problem.providers and jobs:
        out.add(Feature.PROVIDERS)
    if any(e.territory is not None for e in engineers):
        out.add(Feature.TERRITORIES)
    if any(e.max_jobs is not None for e in engineers):
        out.add(Feature.MAX_JOBS)
    if problem.objective.balance is not None:
        out.add(Feature.BALANCE)
    if problem.objective.continuity_bonus and any(j.last_engineer_id for j in jobs):
        out.add(Feature.CONTINUITY)
    return out


def _restricted(problem: Problem) -> bool:
    """True when some job may go to some but not all engineers (a job nobody may do is
    rejected for every engineer alike, so it restricts nothing)."""
    seen: dict[tuple[object, ...], bool] = {}
    for job in problem.jobs:
        key = (
            tuple(sorted((r.skill, r.level) for r in job.skills)),
            tuple(job.required_engineers),
            tuple(job.excluded_engineers),
            None if job.lock is None else job.lock.engineer_id,
        )
        if key not in seen:
            allowed = sum(1 for e in problem.engineers if may_do(job, e))
            seen[key] = 0 < allowed < len(problem.engineers)
        if seen[key]:
            return True
    return False


__all__ = ["Capabilities", "Feature"]

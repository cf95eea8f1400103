"""A planning problem: the jobs, the engineers, and how to travel and what to optimise."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatchopt.models.engineer import Engineer
from dispatchopt.models.job import Job
from dispatchopt.models.objective import Objective
from dispatchopt.models.travel import HaversineTravel, TravelSettings


class Problem(BaseModel):
    """Everything one planning run needs. Times are timezone-aware datetimes.

    Cross-references are checked when the problem is built: ids are unique, jobs name only
    known engineers and jobs, locations match the travel settings. A skill that a job needs and
    nobody holds is allowed (the job comes back unassigned with that reason) and listed by
    :meth:`warnings`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "dispatch day"
    jobs: list[Job] = Field(default_factory=list)
    engineers: list[Engineer] = Field(default_factory=list)
    travel: TravelSettings = Field(default_factory=HaversineTravel)
    objective: Objective = Field(default_factory=Objective)

    @model_validator(mode="after")
    def _cross_references(self) -> Problem:
        errors: list[str] = []
        seen: dict[str, int] = {}
        for i, job in enumerate(self.jobs):
            if job.id in seen:
                errors.append(f"jobs[{i}].id: duplicate job id {job.id!r} (also jobs[{seen[job.id]}])")
            seen.setdefault(job.id, i)
        eng_seen: dict[str, int] = {}
        for i, eng in enumerate(self.engineers):
            if eng.id in eng_seen:
                errors.append(
                    f"engineers[{i}].id: duplicate engineer id {eng.id!r} "
                    f"(also engineers[{eng_seen[eng.id]}])"
                )
            eng_seen.setdefault(eng.id, i)
        for i, job in enumerate(self.jobs):
            for field in ("required_engineers", "preferred_engineers", "excluded_engineers"):
                for eid in getattr(job, field):
                    if eid not in eng_seen:
                        errors.append(f"jobs[{i}].{field}: unknown engineer id {eid!r}")
            if job.lock is not None and job.lock.engineer_id not in eng_seen:
                errors.append(f"jobs[{i}].lock.engineer_id: unknown engineer id {job.lock.engineer_id!r}")
            for pred in job.after:
                if pred not in seen:
                    errors.append(f"jobs[{i}].after: unknown job id {pred!r}")
        errors.extend(self._location_errors())
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

    @cached_property
    def job_by_id(self) -> dict[str, Job]:
        """Jobs keyed by id."""
        return {j.id: j for j in self.jobs}

    @cached_property
    def engineer_by_id(self) -> dict[str, Engineer]:
        """Engineers keyed by id."""
        return {e.id: e for e in self.engineers}

    def epoch(self) -> datetime:
        """The earliest moment any shift, window or lock mentions: time zero inside the engine."""
        moments = [s.start for e in self.engineers for s in e.shifts]
        for job in self.jobs:
            moments.extend(w.start for w in job.time_windows)
            if job.earliest_start is not None:
                moments.append(job.earliest_start)
            if job.lock is not None and job.lock.start is not None:
                moments.append(job.lock.start)
        if not moments:
            raise ValueError("a problem needs at least one engineer shift to define time zero")
        return min(moments)

    def warnings(self) -> list[str]:
        """Things that are allowed but probably not meant (a skill nobody holds, ...)."""
        held = {s for e in self.engineers for s in e.skills}
        out = []
        for i, job in enumerate(self.jobs):
            for req in job.skills:
                if req.skill not in held:
                    out.append(f"jobs[{i}] ({job.id}): skill {req.skill!r} is held by no engineer")
        return out

    @classmethod
    def from_data(cls, data: Any) -> Problem:
        """Build from parsed JSON, turning validation failures into :class:`InputError`."""
        from dispatchopt.models._errors import validate_or_raise

        return validate_or_raise(cls, data)

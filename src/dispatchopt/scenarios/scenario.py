"""A scenario: a dispatch day (the `Problem`) plus what happens during it, for the simulator."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatchopt.errors import FormatError
from dispatchopt.models import Problem
from dispatchopt.models._time import AwareDatetime


class JobArrives(BaseModel):
    """A customer calls: the job becomes known to the dispatcher at ``at``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["job_arrives"] = "job_arrives"
    at: AwareDatetime
    job_id: str


class JobCancelled(BaseModel):
    """The customer cancels at ``at``; a visit not yet started is dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["cancellation"] = "cancellation"
    at: AwareDatetime
    job_id: str


class PartArrives(BaseModel):
    """The part a job waits for is delivered at ``at``; before that the job is on hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["part_arrives"] = "part_arrives"
    at: AwareDatetime
    job_id: str


class EngineerOff(BaseModel):
    """An engineer drops out at ``at`` (calls in sick): no new visits, a started one is finished."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["engineer_off"] = "engineer_off"
    at: AwareDatetime
    engineer_id: str


Event = Annotated[
    JobArrives | JobCancelled | PartArrives | EngineerOff, Field(discriminator="kind")
]
"""Something that happens at a moment of the day, outside the dispatcher's control."""


class Scenario(BaseModel):
    """A day to replay: the problem as it will have been, and when each piece becomes known.

    ``problem`` holds every job of the day. A job with a :class:`JobArrives` event is unknown
    before that moment (its ``earliest_start`` is the arrival time); the others are known when the
    overnight plan is made at ``planned_at``. ``actual_minutes`` is how long a visit really takes
    (the engineer finishes early or late; absent = as planned). ``on_site_part`` names a part that
    turns out to be needed when the engineer is on site: the visit is a first-time fix only when
    the engineer's van (``Engineer.van_stock``, used up as the day goes) still holds a unit.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "scenario"
    description: str = ""
    seed: int | None = None
    planned_at: AwareDatetime | None = None
    problem: Problem
    events: list[Event] = Field(default_factory=list)
    actual_minutes: dict[str, float] = Field(default_factory=dict)
    on_site_part: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        jobs = self.problem.job_by_id
        engineers = self.problem.engineer_by_id
        errors = []
        for i, event in enumerate(self.events):
            if isinstance(event, EngineerOff):
                if event.engineer_id not in engineers:
                    errors.append(
                        f"events[{i}].engineer_id: unknown engineer {event.engineer_id!r}"
                    )
            elif event.job_id not in jobs:
                errors.append(f"events[{i}].job_id: unknown job {event.job_id!r}")
        for field in ("actual_minutes", "on_site_part"):
            for job_id in getattr(self, field):
                if job_id not in jobs:
                    errors.append(f"{field}: unknown job {job_id!r}")
        for job_id, minutes in self.actual_minutes.items():
            if minutes < 0:
                errors.append(f"actual_minutes[{job_id}]: negative duration {minutes}")
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def plan_time(self) -> datetime:
        """When the overnight plan is made: ``planned_at``, else the problem's epoch."""
        return self.planned_at if self.planned_at is not None else self.problem.epoch()

    def to_json(self, indent: int | None = 1) -> str:
        """The scenario file (ISO-8601 datetimes with offsets)."""
        return self.model_dump_json(indent=indent, exclude_none=True)

    @classmethod
    def from_data(cls, data: Any) -> Scenario:
        """Build from parsed JSON, raising :class:`~dispatchopt.errors.InputError` on bad fields."""
        from dispatchopt.models._errors import validate_or_raise

        return validate_or_raise(cls, data)

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """Read a scenario JSON file; a bare problem JSON becomes a scenario with no events."""
        import json

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise FormatError([("scenario", str(path), f"not JSON: {exc}")]) from None
        if isinstance(data, dict) and "problem" not in data and "jobs" in data:
            data = {"name": Path(path).stem, "problem": data}
        return cls.from_data(data)

    def save(self, path: str | Path) -> None:
        """Write the scenario JSON to ``path``."""
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

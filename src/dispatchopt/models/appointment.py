"""A broken appointment: a job a plan serves outside the window promised to its customer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class BrokenAppointment(BaseModel):
    """``job_id`` is served outside its ``Job.appointment`` on purpose, for ``reason`` (a
    sentence for the dispatcher who has to call the customer)."""

    model_config = ConfigDict(extra="forbid")

    job_id: str = Field(min_length=1)
    reason: str

"""A broken hard rule, as the validator reports it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from dispatchopt.models.rules import Rule


class Violation(BaseModel):
    """One broken rule at one place: which rule, which job and engineer, and by how much."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    rule: Rule
    message: str
    job_id: str | None = None
    engineer_id: str | None = None
    amount: float | None = None
    unit: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                f"job {self.job_id}" if self.job_id else "",
                f"engineer {self.engineer_id}" if self.engineer_id else "",
            )
            if p
        )
        return f"[{self.rule}] {where + ': ' if where else ''}{self.message}"

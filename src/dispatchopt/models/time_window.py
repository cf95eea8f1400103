"""Time windows: hard intervals in which a service may start."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, model_validator

from dispatchopt.models._bounds import Amount
from dispatchopt.models._time import AwareDatetime


class TimeWindow(BaseModel):
    """A closed interval ``[start, end]`` of timezone-aware datetimes."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if self.end < self.start:
            raise ValueError(
                f"window end {self.end.isoformat()} is before its start {self.start.isoformat()}"
            )
        return self

    def contains(self, moment: datetime) -> bool:
        """True when ``moment`` lies inside the window, bounds included."""
        return self.start <= moment <= self.end


class SoftWindow(TimeWindow):
    """A preferred window: starting outside it is allowed but costs money per hour."""

    late_cost_per_hour: Amount = 0.0
    early_cost_per_hour: Amount = 0.0

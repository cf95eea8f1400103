"""Shared time annotations: every datetime at the edge must carry a time zone."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator


def _require_tz(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"datetime {value.isoformat()} has no time zone; add e.g. 'Z' or '+01:00'")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_require_tz)]
"""A datetime that must carry a UTC offset (naive datetimes are rejected)."""

"""Engine time: integer seconds from the problem's epoch, and the one place they meet datetimes.

Every engine, decoder and baseline converts through a :class:`Timebase`; nothing else in
``solvers/`` does datetime arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

OPEN_END = 10**9
"""The end of a window that does not close (about 31 years of seconds: after any shift)."""


@dataclass(frozen=True)
class Timebase:
    """Seconds from ``epoch`` (the problem's earliest moment) <-> timezone-aware datetimes,
    given back in ``zone`` (the problem's, daylight saving included)."""

    epoch: datetime
    zone: tzinfo | None = None

    def seconds(self, moment: datetime) -> int:
        """Whole seconds from the epoch to ``moment`` (rounded; absolute time, so a daylight
        saving change in between counts as the hour it really is)."""
        return round((moment.astimezone(UTC) - self.epoch.astimezone(UTC)).total_seconds())

    def at(self, seconds: int) -> datetime:
        """The moment ``seconds`` after the epoch, in the problem's zone."""
        moment = self.epoch.astimezone(UTC) + timedelta(seconds=seconds)
        return fixed_offset(moment.astimezone(self.zone or self.epoch.tzinfo))

    def minutes(self, minutes: float) -> int:
        """A length given in minutes, as whole seconds."""
        return round(minutes * 60)


def fixed_offset(moment: datetime) -> datetime:
    """``moment`` with its zone's offset at that instant as a fixed offset: the same wall time
    and instant, and arithmetic between two such datetimes is always in real seconds (Python
    subtracts datetimes of one ``ZoneInfo`` as wall times, which is wrong across a DST change)."""
    offset = moment.utcoffset()
    return moment if offset is None else moment.replace(tzinfo=timezone(offset))


__all__ = ["OPEN_END", "Timebase", "fixed_offset"]

"""Engine time: integer seconds from the problem's epoch, and the one place they meet datetimes.

Every engine, decoder and baseline converts through a :class:`Timebase`; nothing else in
``solvers/`` does datetime arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

OPEN_END = 10**9
"""The end of a window that does not close (about 31 years of seconds: after any shift)."""


@dataclass(frozen=True)
class Timebase:
    """Seconds from ``epoch`` (the problem's earliest moment) <-> timezone-aware datetimes."""

    epoch: datetime

    def seconds(self, moment: datetime) -> int:
        """Whole seconds from the epoch to ``moment`` (rounded)."""
        return round((moment - self.epoch).total_seconds())

    def at(self, seconds: int) -> datetime:
        """The moment ``seconds`` after the epoch."""
        return self.epoch + timedelta(seconds=seconds)

    def minutes(self, minutes: float) -> int:
        """A length given in minutes, as whole seconds."""
        return round(minutes * 60)


__all__ = ["OPEN_END", "Timebase"]

"""When a solve stops: one deadline object that every stage of a strategy shares.

A strategy hands each stage a part of what is left (:meth:`Deadline.share`) or a capped slice
(:meth:`Deadline.within`), never a fraction of the original limit computed by hand, so stages
that finish early leave their time to the next and the whole never runs past the user's limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from dispatchopt.errors import InputError


@dataclass(frozen=True)
class Deadline:
    """A wall-clock end shared by every stage of one solve, plus an optional solution count.

    ``max_solutions`` makes a search repeatable on any machine: the OR-Tools engine stops after
    that many solutions, PyVRP after that many iterations, and every other stage runs as if it
    had all the time it needs (the wall clock still caps the whole).
    """

    end: float
    """``time.perf_counter()`` value at which the solve must be done."""
    max_solutions: int | None = None

    @classmethod
    def after(cls, seconds: float, *, max_solutions: int | None = None) -> Deadline:
        """A deadline ``seconds`` from now."""
        if not seconds > 0 or seconds != seconds or seconds == float("inf"):
            raise InputError([("time_limit", seconds, "must be a positive number of seconds")])
        if max_solutions is not None and max_solutions < 1:
            raise InputError([("max_solutions", max_solutions, "must be at least 1")])
        return cls(time.perf_counter() + seconds, max_solutions)

    def remaining(self) -> float:
        """Seconds left (0 once the deadline has passed)."""
        return max(0.0, self.end - time.perf_counter())

    @property
    def expired(self) -> bool:
        """True once no time is left."""
        return self.remaining() <= 0.0

    @property
    def repeatable(self) -> bool:
        """True when a solution count, not the clock, is meant to end the search."""
        return self.max_solutions is not None

    def share(self, fraction: float) -> Deadline:
        """A stage that may use ``fraction`` (0-1] of the time left now."""
        if not 0 < fraction <= 1:
            raise InputError([("fraction", fraction, "must lie in (0, 1]")])
        return replace(self, end=time.perf_counter() + fraction * self.remaining())

    def within(self, seconds: float) -> Deadline:
        """A stage that may use at most ``seconds`` from now (and never runs past this one)."""
        return replace(self, end=min(self.end, time.perf_counter() + max(0.0, seconds)))

    def reserve(self, seconds: float) -> Deadline:
        """A stage that ends ``seconds`` before this deadline (leaving them to a closing stage)."""
        return replace(self, end=max(time.perf_counter(), self.end - max(0.0, seconds)))


__all__ = ["Deadline"]

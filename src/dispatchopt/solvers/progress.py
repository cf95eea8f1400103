"""What a progress display is told while a search runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SolveProgress:
    """What a progress display shows while the search runs."""

    elapsed_s: float
    time_limit_s: float
    objective: float
    solutions: int


ProgressCallback = Callable[[SolveProgress], None]
"""Called with the best objective so far each time a search finds a solution."""

__all__ = ["ProgressCallback", "SolveProgress"]

"""How objective amounts become the engine's integers (money, metres, seconds)."""

from __future__ import annotations

from dispatchopt.models import Problem

MONEY_SCALE = 100_000
"""Objective units per currency unit in ``cost`` mode (fine enough for per-second rates)."""
UNITS_PER_KM = 1_000
"""Objective units per km in ``distance`` mode (one unit per metre)."""
UNITS_PER_HOUR = 3_600
"""Objective units per hour in ``travel_time`` mode (one unit per second)."""
OBJECTIVE_UNITS = {
    "cost": MONEY_SCALE,
    "distance": UNITS_PER_KM,
    "travel_time": UNITS_PER_HOUR,
    "working_time": UNITS_PER_HOUR,
}
"""Engine objective units per reported unit (currency, km, hours, hours) for each objective kind."""
LOCK_PENALTY_FACTOR = 10
"""A locked job is ten times as costly to drop as an ordinary mandatory job."""


def objective_scale(problem: Problem) -> int:
    """Engine objective units per reported objective unit (currency, km or hours)."""
    return OBJECTIVE_UNITS[problem.objective.kind]


def penalty_units(problem: Problem, amount: float) -> int:
    """An amount in the objective's reported unit, as engine units."""
    return round(amount * OBJECTIVE_UNITS[problem.objective.kind])


def money_rate_per_s(per_hour: float) -> int:
    """A currency rate per hour as engine money units per second."""
    return round(per_hour * MONEY_SCALE / 3600)


__all__ = [
    "LOCK_PENALTY_FACTOR",
    "MONEY_SCALE",
    "OBJECTIVE_UNITS",
    "UNITS_PER_HOUR",
    "UNITS_PER_KM",
    "money_rate_per_s",
    "objective_scale",
    "penalty_units",
]

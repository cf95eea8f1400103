"""A problem compiled once into plain integer data that every engine reads."""

from dispatchopt.solvers.compiled.compile import compile_problem
from dispatchopt.solvers.compiled.data import (
    CompiledJob,
    CompiledProblem,
    CompiledProvider,
    CompiledVisit,
    Pool,
    Rejection,
    Vehicle,
)
from dispatchopt.solvers.compiled.timebase import OPEN_END, Timebase
from dispatchopt.solvers.compiled.units import (
    LOCK_PENALTY_FACTOR,
    MONEY_SCALE,
    OBJECTIVE_UNITS,
    UNITS_PER_HOUR,
    UNITS_PER_KM,
    objective_scale,
)

__all__ = [
    "LOCK_PENALTY_FACTOR",
    "MONEY_SCALE",
    "OBJECTIVE_UNITS",
    "OPEN_END",
    "UNITS_PER_HOUR",
    "UNITS_PER_KM",
    "CompiledJob",
    "CompiledProblem",
    "CompiledProvider",
    "CompiledVisit",
    "Pool",
    "Rejection",
    "Timebase",
    "Vehicle",
    "compile_problem",
    "objective_scale",
]

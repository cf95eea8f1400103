"""dispatchopt: plans which field engineer visits which customer, when, and explains what it could not plan.

The public API is what this module exports; everything else is an implementation detail.
"""

from dispatchopt.errors import DispatchoptError, FormatError, InputError, SolverError
from dispatchopt.models import (
    Break,
    Engineer,
    EuclideanTravel,
    HaversineTravel,
    Job,
    Location,
    Lock,
    MatrixTravel,
    Objective,
    Plan,
    Problem,
    Route,
    Rule,
    Shift,
    SkillRequirement,
    SoftWindow,
    Stop,
    Summary,
    TimeWindow,
    Unassigned,
    UnassignedReason,
    Violation,
)
from dispatchopt.solvers.greedy import solve_greedy
from dispatchopt.solvers.ortools_solver import SolveProgress, solve

__version__ = "0.1.0"

__all__ = [
    "Break",
    "DispatchoptError",
    "Engineer",
    "EuclideanTravel",
    "FormatError",
    "HaversineTravel",
    "InputError",
    "Job",
    "Location",
    "Lock",
    "MatrixTravel",
    "Objective",
    "Plan",
    "Problem",
    "Route",
    "Rule",
    "Shift",
    "SkillRequirement",
    "SoftWindow",
    "SolveProgress",
    "SolverError",
    "Stop",
    "Summary",
    "TimeWindow",
    "Unassigned",
    "UnassignedReason",
    "Violation",
    "solve",
    "solve_greedy",
]

"""dispatchopt: which engineer visits which customer, when, and why a job could not be planned.

The public API is what this module exports; everything else is an implementation detail. The
solvers load on first use, so ``import dispatchopt.models`` does not load OR-Tools.
"""

from typing import TYPE_CHECKING

from dispatchopt._lazy import lazy_getattr
from dispatchopt.errors import DispatchoptError, FormatError, InputError, SolverError
from dispatchopt.io import (
    load_problem,
    read_plan,
    read_solomon,
    read_trsp,
    read_vrplib,
    write_plan,
)
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
    Outsourced,
    Plan,
    Problem,
    Provider,
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
from dispatchopt.validate import is_valid, recompute_sla_compliance, validate

if TYPE_CHECKING:
    from dispatchopt.board import render_board, write_board
    from dispatchopt.solvers import (
        Deadline,
        SearchConfig,
        SolveProgress,
        improve,
        solve,
        solve_greedy,
        solve_portfolio,
        solve_regions,
    )

__version__ = "0.1.0"

# The solvers (OR-Tools, PyVRP, VROOM) load when one of their names is first asked for.
__getattr__ = lazy_getattr(
    "dispatchopt",
    {
        "Deadline": "dispatchopt.solvers",
        "SearchConfig": "dispatchopt.solvers",
        "SolveProgress": "dispatchopt.solvers",
        "improve": "dispatchopt.solvers",
        "solve": "dispatchopt.solvers",
        "solve_greedy": "dispatchopt.solvers",
        "solve_portfolio": "dispatchopt.solvers",
        "solve_regions": "dispatchopt.solvers",
        "render_board": "dispatchopt.board",
        "write_board": "dispatchopt.board",
    },
)


__all__ = [
    "Break",
    "Deadline",
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
    "Outsourced",
    "Plan",
    "Problem",
    "Provider",
    "Route",
    "Rule",
    "SearchConfig",
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
    "improve",
    "is_valid",
    "load_problem",
    "read_plan",
    "read_solomon",
    "read_trsp",
    "read_vrplib",
    "recompute_sla_compliance",
    "render_board",
    "solve",
    "solve_greedy",
    "solve_portfolio",
    "solve_regions",
    "validate",
    "write_board",
    "write_plan",
]

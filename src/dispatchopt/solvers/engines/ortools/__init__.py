"""The OR-Tools engine: the one that models every rule."""

from dispatchopt.solvers.engines.ortools.engine import (
    MODELS,
    NAME,
    OrTools,
    Start,
    improve,
    routes_from_plan,
    search,
    solve_ortools,
    start_from_plan,
)
from dispatchopt.solvers.engines.ortools.params import SearchConfig, search_parameters

__all__ = [
    "MODELS",
    "NAME",
    "OrTools",
    "SearchConfig",
    "Start",
    "improve",
    "routes_from_plan",
    "search",
    "search_parameters",
    "solve_ortools",
    "start_from_plan",
]

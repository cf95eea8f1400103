"""Strategies: ways to compose engines into a plan of a whole day (whole day at once,
decomposed into groups, two passes for rush hours, a portfolio of members, a national day by
regions)."""

from dispatchopt.solvers.strategies.decomposed import (
    DECOMPOSE_FROM_JOBS,
    can_decompose,
    decomposed,
    sub_problem,
    why_not_decompose,
)
from dispatchopt.solvers.strategies.departure_pass import departure_pass, depends_on_time_of_day
from dispatchopt.solvers.strategies.groups import improve_by_groups
from dispatchopt.solvers.strategies.hybrid import hybrid, why_not_hybrid
from dispatchopt.solvers.strategies.portfolio import (
    DEFAULT_MEMBERS,
    Member,
    plan_rank,
    portfolio,
)
from dispatchopt.solvers.strategies.regional import regional
from dispatchopt.solvers.strategies.regions import Region, split_regions
from dispatchopt.solvers.strategies.whole_day import whole_day

__all__ = [
    "DECOMPOSE_FROM_JOBS",
    "DEFAULT_MEMBERS",
    "Member",
    "Region",
    "can_decompose",
    "decomposed",
    "departure_pass",
    "depends_on_time_of_day",
    "hybrid",
    "improve_by_groups",
    "plan_rank",
    "portfolio",
    "regional",
    "split_regions",
    "sub_problem",
    "whole_day",
    "why_not_decompose",
    "why_not_hybrid",
]

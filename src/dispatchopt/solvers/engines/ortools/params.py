"""How the OR-Tools engine searches: construction, metaheuristic, neighbourhoods, its own stops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from google.protobuf import text_format
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from dispatchopt.errors import InputError
from dispatchopt.solvers.stop import Deadline

Construction = Literal["auto", "ortools", "sweep", "restock"]

BANDIT_BELOW_JOBS = 200
"""Bandit-ordered operators pay off on small days only (see ``SearchConfig.bandit_operators``)."""
RUIN_SHARE = 0.95
"""Default share of the time for ruin-and-recreate on days with restock visits (TRSP runs); the
OR-Tools search after it did not improve its plans on C101, R101 or R105 at 30 s
(`benchmarks/results/trsp_30s_20261204.md`), so it mostly loads and times them."""


@dataclass(frozen=True)
class SearchConfig:
    """Settings of the OR-Tools engine (strategy choices such as decomposition are arguments of
    :func:`dispatchopt.solve`, not settings of one engine).

    ``None`` fields are chosen from the problem size. ``overrides`` is OR-Tools
    ``RoutingSearchParameters`` text format merged last (for experiments), e.g.
    ``"guided_local_search_lambda_coefficient: 0.2"``.
    """

    first_solution: str | None = None
    """A ``FirstSolutionStrategy`` name, e.g. ``"PARALLEL_CHEAPEST_INSERTION"`` or ``"SAVINGS"``."""
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    """A ``LocalSearchMetaheuristic`` name, e.g. ``"GUIDED_LOCAL_SEARCH"``."""
    neighbors_ratio: float | None = None
    """Share of the nearest nodes local-search operators look at (1.0 = all)."""
    stagnation_stop: bool = False
    """Stop early once the improvement rate flattens (OR-Tools' improvement limit) instead of
    always running to the deadline; off by default because it trades quality for time."""
    construction: Construction = "auto"
    """The first routes: ``"ortools"`` (``first_solution``), ``"sweep"``
    (:func:`~dispatchopt.solvers.engines.sweep.sweep_routes`), ``"restock"``
    (:func:`~dispatchopt.solvers.engines.restock.restock_routes`, visit-plus-job insertions);
    ``"auto"``: ``"restock"`` on days with depot visits, where single-node insertions leave jobs
    out (``benchmarks/results/trsp_experiments.md``), else ``"ortools"``. Our own routes fall
    back to ``"ortools"`` when the engine rejects them."""
    bandit_operators: bool | None = None
    """Order local-search operators by a multi-armed bandit on their recent gains (OR-Tools
    ``use_multi_armed_bandit_concatenate_operators``); ``None``: on below ``BANDIT_BELOW_JOBS``
    jobs, where it helped on Solomon (E3, E5), off above, where it cost 14 points on GH1000 (E8)."""
    ruin_share: float | None = None
    """Share of the time spent in :func:`~dispatchopt.solvers.engines.restock.ruin_and_recreate`
    before the OR-Tools search, on days with depot visits whose rules it models; ``None``:
    ``RUIN_SHARE``, 0 turns it off."""
    overrides: str = ""

    def __post_init__(self) -> None:
        if self.first_solution is not None and not hasattr(
            routing_enums_pb2.FirstSolutionStrategy, self.first_solution
        ):
            raise InputError([("first_solution", self.first_solution, "not an OR-Tools strategy")])
        if not hasattr(routing_enums_pb2.LocalSearchMetaheuristic, self.metaheuristic):
            raise InputError(
                [("metaheuristic", self.metaheuristic, "not an OR-Tools metaheuristic")]
            )
        if self.construction not in ("auto", "ortools", "sweep", "restock"):
            raise InputError(
                [
                    (
                        "construction",
                        self.construction,
                        "must be 'auto', 'ortools', 'sweep' or 'restock'",
                    )
                ]
            )
        if self.ruin_share is not None and not 0 <= self.ruin_share < 1:
            raise InputError([("ruin_share", self.ruin_share, "must lie in [0, 1)")])
        if self.neighbors_ratio is not None and not 0 < self.neighbors_ratio <= 1:
            raise InputError([("neighbors_ratio", self.neighbors_ratio, "must lie in (0, 1]")])


def search_parameters(
    deadline: Deadline, num_jobs: int, config: SearchConfig | None = None
) -> pywrapcp.DefaultRoutingSearchParameters:
    """OR-Tools parameters for ``num_jobs`` jobs searched until ``deadline``."""
    config = config or SearchConfig()
    params = pywrapcp.DefaultRoutingSearchParameters()
    first = config.first_solution or "PARALLEL_CHEAPEST_INSERTION"
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first)
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, config.metaheuristic
    )
    bandit = config.bandit_operators
    params.use_multi_armed_bandit_concatenate_operators = (
        num_jobs < BANDIT_BELOW_JOBS if bandit is None else bandit
    )
    ratio = config.neighbors_ratio
    if ratio is not None and ratio < 1:
        params.ls_operator_neighbors_ratio = ratio
        params.ls_operator_min_neighbors = 10
    if config.stagnation_stop:
        params.improvement_limit_parameters.improvement_rate_coefficient = 1e-4
        params.improvement_limit_parameters.improvement_rate_solutions_distance = 100
    if deadline.max_solutions is not None:
        params.solution_limit = deadline.max_solutions
    params.lns_time_limit.FromMilliseconds(lns_milliseconds(num_jobs))
    if config.overrides:
        text_format.Merge(config.overrides, params)
    set_time_limit(params, deadline)
    return params


LNS_MS_PER_JOB = 2
"""Milliseconds of OR-Tools' ``lns_time_limit`` per job (between 100 ms and 2 s)."""


def lns_milliseconds(num_jobs: int) -> int:
    """OR-Tools' ``lns_time_limit`` for a day of ``num_jobs`` jobs.

    That limit (100 ms by default) also bounds the finalizer that completes a solution the
    search is handed: restoring a 500-job plan with every time fixed takes about 0.1 s on a
    quiet machine and more on a busy one, and past the limit the restore fails at once
    (status 3), leaving the search to look for a schedule of the given routes, which can take
    its whole time limit. The limit grows with the day so a warm start holds under load.
    """
    return max(100, min(2000, LNS_MS_PER_JOB * num_jobs))


def set_time_limit(params: pywrapcp.DefaultRoutingSearchParameters, deadline: Deadline) -> None:
    """Let the search run until ``deadline`` (at least a moment, so it can read its start)."""
    params.time_limit.FromMilliseconds(max(50, round(deadline.remaining() * 1000)))


__all__ = [
    "BANDIT_BELOW_JOBS",
    "LNS_MS_PER_JOB",
    "RUIN_SHARE",
    "Construction",
    "SearchConfig",
    "lns_milliseconds",
    "search_parameters",
    "set_time_limit",
]

"""Runs several search configurations or seeds side by side and keeps the best plan.

Members go to any ``concurrent.futures.Executor``-like object with ``submit`` (a process pool, a
thread pool, a Dask ``distributed.Client``); each is a picklable call of :func:`solve_member`.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from dispatchopt.errors import InputError
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.ortools_solver import SearchConfig, solve


class Submitter(Protocol):
    """What the portfolio needs from an executor: ``submit(fn, *args)`` returning a future."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Member:
    """One portfolio entry: a seed and a search configuration (``None`` = by problem size)."""

    seed: int = 0
    config: SearchConfig | None = None


DEFAULT_MEMBERS: tuple[Member, ...] = (
    Member(seed=0),
    Member(seed=0, config=SearchConfig(first_solution="SAVINGS")),
)
"""One per core of a two-core machine: GLS from parallel cheapest insertion and from savings,
whose search paths differ (see benchmarks/results/quality_experiments.md)."""


def solve_member(problem: Problem, time_limit: float, member: Member) -> Plan:
    """Solve ``problem`` as ``member`` says (top-level so that process pools can pickle it)."""
    return solve(problem, time_limit=time_limit, seed=member.seed, config=member.config)


def plan_rank(plan: Plan) -> tuple[int, float]:
    """Sort key of a plan: fewer unassigned jobs first, then the lower engine objective."""
    objective = (
        plan.summary.objective if plan.summary and plan.summary.objective is not None else 0.0
    )
    return len(plan.unassigned), objective


def solve_portfolio(
    problem: Problem,
    *,
    time_limit: float,
    members: Sequence[Member] = DEFAULT_MEMBERS,
    executor: Executor | Submitter | None = None,
) -> Plan:
    """Run every member for ``time_limit`` seconds and return the best plan (see :func:`plan_rank`).

    Without ``executor`` a two-process pool is created (and shut down) for the call. Ties go to
    the earlier member, so the result does not depend on which member finishes first.
    """
    if not members:
        raise InputError([("members", list(members), "needs at least one member")])
    if time_limit <= 0:
        raise InputError([("time_limit", time_limit, "must be a positive number of seconds")])
    own = executor is None
    pool: Executor | Submitter = (
        ProcessPoolExecutor(max_workers=min(2, len(members))) if executor is None else executor
    )
    try:
        futures: list[Future[Plan]] = [
            pool.submit(solve_member, problem, time_limit, member) for member in members
        ]
        plans = [future.result() for future in futures]
    finally:
        if own and isinstance(pool, Executor):
            pool.shutdown()
    best = min(range(len(plans)), key=lambda i: (plan_rank(plans[i]), i))
    return plans[best]


__all__ = ["DEFAULT_MEMBERS", "Member", "plan_rank", "solve_member", "solve_portfolio"]

"""Runs several search configurations or seeds side by side and keeps the best plan.

Members go to any ``concurrent.futures.Executor``-like object with ``submit`` (a process pool, a
thread pool, a Dask ``distributed.Client``); each is a picklable call of the ``run`` function the
caller passes (the front door passes its own ``solve``, so each member chooses its engine and
strategy the way a plain solve would).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from dispatchopt.errors import InputError
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.engines.ortools import SearchConfig


class Submitter(Protocol):
    """What the portfolio needs from an executor: ``submit(fn, *args)`` returning a future."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Member:
    """One portfolio entry: a seed, an engine name as :func:`dispatchopt.solve` takes it
    (``"auto"``: its own choice) and OR-Tools settings (``None`` = by problem size)."""

    seed: int = 0
    config: SearchConfig | None = None
    engine: str = "auto"


DEFAULT_MEMBERS: tuple[Member, ...] = (
    Member(seed=0),
    Member(seed=0, config=SearchConfig(first_solution="SAVINGS"), engine="ortools"),
)
"""One per core of a two-core machine: the front door's own choice, and OR-Tools' guided local
search from savings, whose search path differs (benchmarks/results/quality_experiments.md)."""


MemberRun = Callable[[Problem, float, Member], Plan]
"""Plans a problem in the given seconds as one member says; must be picklable (top-level)."""


def plan_rank(plan: Plan, *, by_objective: bool = True, kind: str = "cost") -> tuple[int, float]:
    """Sort key of a plan: fewer unassigned jobs first, then the lower engine objective; with
    ``by_objective=False`` the summary figure of objective ``kind`` (km, hours or cost)."""
    summary = plan.summary
    if summary is None:
        return len(plan.unassigned), 0.0
    if by_objective and summary.objective is not None:
        return len(plan.unassigned), summary.objective
    figures = {
        "distance": summary.distance_km,
        "travel_time": summary.travel_s / 3600,
        "working_time": summary.working_s / 3600,
    }
    return len(plan.unassigned), figures.get(kind, summary.cost)


def portfolio(
    problem: Problem,
    *,
    time_limit: float,
    run: MemberRun,
    members: Sequence[Member] = DEFAULT_MEMBERS,
    executor: Executor | Submitter | None = None,
) -> Plan:
    """Run every member for ``time_limit`` seconds; return the best plan (see :func:`plan_rank`).

    Without ``executor`` a two-process pool is created (and shut down) for the call. Ties go to
    the earlier member, so the result does not depend on which member finishes first.
    """
    if not members:
        raise InputError([("members", list(members), "needs at least one member")])
    if not time_limit > 0:
        raise InputError([("time_limit", time_limit, "must be a positive number of seconds")])
    own = executor is None
    pool: Executor | Submitter = (
        ProcessPoolExecutor(max_workers=min(2, len(members))) if executor is None else executor
    )
    try:
        futures: list[Future[Plan]] = [
            pool.submit(run, problem, time_limit, member) for member in members
        ]
        plans = [future.result() for future in futures]
    finally:
        if own and isinstance(pool, Executor):
            pool.shutdown()
    # Decomposed plans carry no engine objective; then every member is ranked by summary cost.
    by_objective = all(p.summary is not None and p.summary.objective is not None for p in plans)
    kind = problem.objective.kind
    best = min(
        range(len(plans)),
        key=lambda i: (plan_rank(plans[i], by_objective=by_objective, kind=kind), i),
    )
    return plans[best]


__all__ = ["DEFAULT_MEMBERS", "Member", "MemberRun", "Submitter", "plan_rank", "portfolio"]

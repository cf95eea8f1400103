"""Large days by decomposition: a greedy plan, then neighbouring groups re-planned one by one.

Groups are parts of the compiled day (:mod:`~dispatchopt.solvers.strategies.groups`), so they
share its travel matrices and keep every rule local to a route; rules that tie routes
together (precedence across routes, shelf stock several engineers draw on) keep a day whole.
:func:`sub_problem` cuts a domain problem the same way for callers that want one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import replace

from dispatchopt.matrices import problem_matrices, share_matrices
from dispatchopt.models import Engineer, Job, Plan, Problem
from dispatchopt.solvers.capabilities import Capabilities, Feature
from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.engines import Engine
from dispatchopt.solvers.engines.greedy import plan_greedy
from dispatchopt.solvers.engines.ortools import OrTools
from dispatchopt.solvers.objective import plan_score
from dispatchopt.solvers.progress import ProgressCallback, SolveProgress
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies.groups import improve_by_groups
from dispatchopt.solvers.summary import summarize

DECOMPOSE_FROM_JOBS = 300
"""From this many jobs on, one search over the whole day improves too slowly (issue 8)."""
TIED_ACROSS_ROUTES = frozenset(
    {
        Feature.PRECEDENCE,
        Feature.SHARED_STOCK,
        Feature.NO_COORDINATES,
        Feature.CREWS,
        Feature.PROVIDERS,
        Feature.BALANCE,
    }
)
"""What a group cannot plan on its own: a job that must follow one in another group's route,
shelf stock other groups draw on too, (for the grouping by angle) missing coordinates, a crew
whose members' routes may fall in different groups, providers' quotas that every group draws
on, and a balance term that compares every route with every other."""


def why_not_decompose(caps: Capabilities) -> str | None:
    """``None`` when every rule of the day is local to one route, else what ties routes."""
    tied = [f for f in Feature if f in caps.features and f in TIED_ACROSS_ROUTES]
    return None if not tied else f"the day has {tied[0].value}"


def can_decompose(problem: Problem) -> bool:
    """True when every rule is local to one route and locations have coordinates."""
    return why_not_decompose(Capabilities.of(problem)) is None


def decomposed(
    problem: Problem,
    engine: Engine,
    *,
    deadline: Deadline,
    seed: int = 0,
    group_jobs: int = 250,
    group_seconds: float = 5.0,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
) -> Plan:
    """Plan ``problem`` until ``deadline``: the greedy plan first, then groups of about
    ``group_jobs`` jobs (neighbouring routes and the unplanned jobs near them) re-planned by
    ``engine`` for up to ``group_seconds`` each, borders moving every round; groups of one
    round go to ``executor`` side by side when one is given."""
    started = time.perf_counter()
    cp = compile_problem(problem, seed=seed)
    plan = plan_greedy(cp)
    if progress is not None:
        first = plan_score(problem, plan).total
        progress(SolveProgress(time.perf_counter() - started, deadline.remaining(), first, 1))
    if isinstance(engine, OrTools):
        engine = replace(engine, cold_start=False)
    plan = improve_by_groups(
        cp,
        plan,
        engine,
        deadline=deadline,
        group_jobs=group_jobs,
        group_seconds=group_seconds,
        executor=executor,
    )
    plan.summary = summarize(
        problem,
        plan,
        solver=f"{engine.name}+decompose",
        objective=plan_score(problem, plan).total,
        solve_seconds=time.perf_counter() - started,
    )
    return plan


def sub_problem(
    problem: Problem,
    job_ids: Sequence[str],
    engineer_ids: set[str],
    *,
    share_travel: bool = True,
) -> Problem:
    """``problem`` cut down to these jobs and engineers, using ``problem``'s travel matrices
    (``share_travel=False``: its own, computed when first used, for a part of a day too large
    to build matrices for whole); references to absent engineers are dropped (none of them can
    serve the job inside the sub-problem, so a preference for one is missed by every engineer
    alike)."""
    engineers: list[Engineer] = [e for e in problem.engineers if e.id in engineer_ids]
    jobs: list[Job] = []
    for job_id in job_ids:
        job = problem.job_by_id[job_id]
        if job.required_engineers or job.excluded_engineers or job.preferred_engineers:
            job = job.model_copy(
                update={
                    field: [e for e in getattr(job, field) if e in engineer_ids]
                    for field in ("required_engineers", "excluded_engineers", "preferred_engineers")
                }
            )
        jobs.append(job)
    fields = {name: getattr(problem, name) for name in type(problem).model_fields}
    fields.update(jobs=jobs, engineers=engineers, name=f"{problem.name} (part)")
    sub = type(problem)(**fields)
    if share_travel:
        share_matrices(problem_matrices(problem), sub)
    return sub


__all__ = [
    "DECOMPOSE_FROM_JOBS",
    "can_decompose",
    "decomposed",
    "sub_problem",
    "why_not_decompose",
]

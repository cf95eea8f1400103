"""Large days by decomposition: plan whole, then re-optimise neighbouring groups of routes.

Each group (engineers whose routes lie next to each other around the centre, plus a few idle
engineers) becomes a sub-problem searched from its current routes; the group's routes are swapped
in only when the sub-search keeps every job. A sub-problem reuses the day's travel matrices.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from dispatchopt.matrices import problem_matrices, share_matrices
from dispatchopt.models import Engineer, Job, Location, Plan, Problem, Route
from dispatchopt.solvers.capabilities import Capabilities, Feature
from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.engines import Engine
from dispatchopt.solvers.engines.ortools import SearchConfig, routes_from_plan, search
from dispatchopt.solvers.progress import ProgressCallback
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies.whole_day import whole_day
from dispatchopt.solvers.summary import summarize

DECOMPOSE_FROM_JOBS = 300
"""From this many jobs on, one search over the whole day improves too slowly (issue 8)."""
TIED_ACROSS_ROUTES = frozenset({Feature.PRECEDENCE, Feature.SHARED_STOCK, Feature.NO_COORDINATES})
"""What a group cannot plan on its own: a job that must follow one in another group's route,
shelf stock other groups draw on too, and (for the grouping by angle) missing coordinates."""


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
    config: SearchConfig | None = None,
    group_jobs: int = 300,
    group_seconds: float = 6.0,
    first_share: float = 0.1,
    progress: ProgressCallback | None = None,
) -> Plan:
    """Plan ``problem`` until ``deadline``: the whole day with ``engine`` for ``first_share``
    of the time, then groups of about ``group_jobs`` jobs for ``group_seconds`` each (group
    borders shift every round). ``progress`` follows the first phase only.
    """
    started = time.perf_counter()
    plan = whole_day(
        problem, engine, deadline=deadline.share(first_share), seed=seed, progress=progress
    )
    round_no = 0
    while deadline.remaining() > 0.5:
        for engineers in route_groups(problem, plan, group_jobs, shift=round_no):
            if deadline.remaining() < 0.5:
                break
            plan = _reoptimise_group(
                problem, plan, engineers, deadline.within(group_seconds), seed, config
            )
        round_no += 1
    # The first phase's summary describes other routes; the engine objective of the joined
    # plan is unknown without a whole-day pass, so it is left out.
    plan.summary = summarize(
        problem,
        plan,
        solver=f"{engine.name}+decompose",
        objective=None,
        solve_seconds=time.perf_counter() - started,
    )
    return plan


def route_groups(
    problem: Problem, plan: Plan, group_jobs: int, *, shift: int = 0
) -> list[list[str]]:
    """Engineer ids in groups of neighbouring routes (by angle of their stops around the centre),
    each group serving about ``group_jobs`` jobs; idle engineers are dealt out round-robin.

    ``shift`` rotates where the groups start by half a group, so borders move between rounds.
    """
    engineers_order = {e.id: i for i, e in enumerate(problem.engineers)}
    stops: dict[str, list[tuple[float, float]]] = {}
    for route in plan.routes:
        for stop in route.jobs:
            at = _xy(problem.job_by_id[stop.job_id].location)
            assert at is not None
            stops.setdefault(route.engineer_id, []).append(at)
    homes = [_xy(e.start_location) for e in problem.engineers]
    cx = sum(h[0] for h in homes if h) / len(homes)
    cy = sum(h[1] for h in homes if h) / len(homes)
    busy = sorted(
        stops,
        key=lambda e: (
            math.atan2(
                sum(p[1] for p in stops[e]) / len(stops[e]) - cy,
                sum(p[0] for p in stops[e]) / len(stops[e]) - cx,
            ),
            engineers_order[e],
        ),
    )
    if not busy:
        return []
    total = sum(len(v) for v in stops.values())
    n_groups = max(1, round(total / group_jobs))
    per_group = total / n_groups
    offset = round(shift * per_group / 2) % total if n_groups > 1 else 0
    groups: list[list[str]] = [[] for _ in range(n_groups)]
    seen = 0
    for e in busy:
        # The engineer joins the group holding the middle of its stops in the rotated order.
        middle = (seen + len(stops[e]) / 2 + offset) % total
        groups[min(n_groups - 1, int(middle // per_group))].append(e)
        seen += len(stops[e])
    idle = [e.id for e in problem.engineers if e.id not in stops]
    for k, e in enumerate(idle[: 2 * n_groups]):
        groups[k % n_groups].append(e)
    return [g for g in groups if any(e in stops for e in g)]


def _reoptimise_group(
    problem: Problem,
    plan: Plan,
    engineer_ids: Sequence[str],
    deadline: Deadline,
    seed: int,
    config: SearchConfig | None,
) -> Plan:
    ids = set(engineer_ids)
    routes = [r for r in plan.routes if r.engineer_id in ids]
    job_ids = [s.job_id for r in routes for s in r.jobs]
    sub = sub_problem(problem, job_ids, ids)
    cp = compile_problem(sub, seed=seed)
    start = routes_from_plan(cp, Plan(routes=routes))
    better = search(cp, deadline=deadline, config=config, routes=start, cold=False)
    if better is None or better.unassigned:
        return plan
    kept: list[Route] = [r for r in plan.routes if r.engineer_id not in ids] + better.routes
    order = {e.id: i for i, e in enumerate(problem.engineers)}
    kept.sort(key=lambda r: (order[r.engineer_id], r.shift_index))
    return Plan(routes=kept, unassigned=plan.unassigned, summary=plan.summary)


def sub_problem(problem: Problem, job_ids: Sequence[str], engineer_ids: set[str]) -> Problem:
    """``problem`` cut down to these jobs and engineers, using ``problem``'s travel matrices;
    references to absent engineers are dropped (none of them can serve the job inside the
    sub-problem, so a preference for one is missed by every engineer alike)."""
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
    share_matrices(problem_matrices(problem), sub)
    return sub


def _xy(location: Location) -> tuple[float, float] | None:
    if location.x is not None and location.y is not None:
        return location.x, location.y
    if location.lon is not None and location.lat is not None:
        return location.lon, location.lat
    return None


__all__ = [
    "DECOMPOSE_FROM_JOBS",
    "can_decompose",
    "decomposed",
    "route_groups",
    "sub_problem",
    "why_not_decompose",
]

"""Large days by decomposition: solve whole, then re-optimise neighbouring groups of routes.

Each group (engineers whose routes lie next to each other around the centre, plus a few idle
engineers) becomes a sub-problem searched from its current routes; the group's routes are swapped
in only when the sub-search keeps every job. A short pass over the whole day closes.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Callable, Sequence
from dataclasses import replace

from dispatchopt.models import Engineer, Job, Location, Plan, Problem, Route
from dispatchopt.solvers.ortools_solver import (
    DECOMPOSE_FROM_JOBS,
    SearchConfig,
    SolveProgress,
    improve,
    solve,
)
from dispatchopt.solvers.summary import summarize


def can_decompose(problem: Problem) -> bool:
    """True when every rule is local to one route and locations have coordinates.

    Precedences, spare parts, SLA clocks and engineer preferences tie routes together (or tie
    jobs to engineers outside a group), so such days are solved whole.
    """
    for attr in ("parts", "depots", "part_arrivals", "sla_policies"):
        if getattr(problem, attr, None):
            return False
    for job in problem.jobs:
        if job.after or job.parts or job.sla is not None or job.sla_tier or job.preferred_engineers:
            return False
        if _xy(job.location) is None:
            return False
    return all(_xy(e.start_location) is not None for e in problem.engineers)


def solve_decomposed(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    config: SearchConfig | None = None,
    group_jobs: int = 300,
    sub_time_limit: float = 6.0,
    first_share: float = 0.1,
    final_share: float = 0.0,
    min_jobs: int = DECOMPOSE_FROM_JOBS,
    progress: Callable[[SolveProgress], None] | None = None,
) -> Plan:
    """Plan ``problem`` in ``time_limit`` seconds: whole-day search for ``first_share`` of the
    time, then groups of about ``group_jobs`` jobs for ``sub_time_limit`` seconds each (group
    borders shift every round), then a whole-day pass for ``final_share`` of the time (off by
    default: on 1000 jobs, restarting the whole-day engine from a plan costs ~13 s of set-up).

    Days that :func:`can_decompose` refuses, or with fewer than ``min_jobs`` jobs,
    go to :func:`solve` unchanged. ``progress`` follows the first phase only.
    """
    config = replace(config or SearchConfig(), decompose=False)
    if len(problem.jobs) < min_jobs or not can_decompose(problem):
        return solve(problem, time_limit=time_limit, seed=seed, config=config, progress=progress)
    started = _time.perf_counter()
    deadline = started + time_limit
    plan = solve(
        problem, time_limit=first_share * time_limit, seed=seed, config=config, progress=progress
    )
    # Compile, build and decode of the whole day cost this much beyond the search itself; the
    # closing whole-day pass pays it again, so it is held back from that pass's search time.
    overhead = _time.perf_counter() - started - first_share * time_limit
    final_at = deadline - final_share * time_limit
    round_no = 0
    while _time.perf_counter() + 0.5 < final_at:
        for engineers in route_groups(problem, plan, group_jobs, shift=round_no):
            left = final_at - _time.perf_counter()
            if left < 0.5:
                break
            plan = _reoptimise_group(
                problem, plan, engineers, min(sub_time_limit, left), seed, config
            )
        round_no += 1
    left = deadline - _time.perf_counter() - overhead
    improved = None
    if final_share > 0 and left > 0.2:
        improved = improve(problem, plan, time_limit=left, seed=seed, config=config)
    plan = improved or plan
    if not improved:
        # The first phase's summary describes other routes; the engine objective of the joined
        # plan is unknown without a whole-day pass, so it is left out.
        plan.summary = summarize(problem, plan, solver="ortools+decompose", objective=None)
    if plan.summary is not None:
        plan.summary.solver = "ortools+decompose"
        plan.summary.solve_seconds = _time.perf_counter() - started
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
        for stop in route.stops:
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
    time_limit: float,
    seed: int,
    config: SearchConfig | None,
) -> Plan:
    ids = set(engineer_ids)
    routes = [r for r in plan.routes if r.engineer_id in ids]
    job_ids = [s.job_id for r in routes for s in r.stops]
    sub = sub_problem(problem, job_ids, ids)
    better = improve(sub, Plan(routes=routes), time_limit=time_limit, seed=seed, config=config)
    if better is None or better.unassigned:
        return plan
    kept: list[Route] = [r for r in plan.routes if r.engineer_id not in ids] + better.routes
    order = {e.id: i for i, e in enumerate(problem.engineers)}
    kept.sort(key=lambda r: (order[r.engineer_id], r.shift_index))
    return Plan(routes=kept, unassigned=plan.unassigned, summary=plan.summary)


def sub_problem(problem: Problem, job_ids: Sequence[str], engineer_ids: set[str]) -> Problem:
    """``problem`` cut down to these jobs and engineers; references to absent engineers are
    dropped (they could not serve the job inside the sub-problem anyway)."""
    engineers: list[Engineer] = [e for e in problem.engineers if e.id in engineer_ids]
    jobs: list[Job] = []
    for job_id in job_ids:
        job = problem.job_by_id[job_id]
        if job.required_engineers or job.excluded_engineers:
            job = job.model_copy(
                update={
                    "required_engineers": [e for e in job.required_engineers if e in engineer_ids],
                    "excluded_engineers": [e for e in job.excluded_engineers if e in engineer_ids],
                }
            )
        jobs.append(job)
    fields = {name: getattr(problem, name) for name in type(problem).model_fields}
    fields.update(jobs=jobs, engineers=engineers, name=f"{problem.name} (part)")
    return type(problem)(**fields)


def _xy(location: Location) -> tuple[float, float] | None:
    if location.x is not None and location.y is not None:
        return location.x, location.y
    if location.lon is not None and location.lat is not None:
        return location.lon, location.lat
    return None


__all__ = [
    "can_decompose",
    "route_groups",
    "solve_decomposed",
    "sub_problem",
]

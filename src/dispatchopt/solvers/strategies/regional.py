"""A national day by regions: each region planned on its own (anywhere an executor runs it),
then the jobs a region left out offered to its neighbour, then one plan of the whole day.

Any ``concurrent.futures.Executor`` runs the regions (a thread or process pool, or a Dask
client's ``get_executor()``); ``scatter`` (Dask's ``client.scatter``) sends each region's day
to the cluster once, ahead of the tasks that read it. Time is told to each task as a budget
and a wall-clock end (:class:`RegionBudget`), since tasks wait in a queue when regions
outnumber workers and a deadline's ``perf_counter`` means nothing on another machine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np

from dispatchopt.errors import SolverError
from dispatchopt.models import Plan, Problem, Route, Unassigned
from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies.regions import (
    REGION_JOBS,
    Region,
    planar_km,
    region_problem,
    split_regions,
    tied_to_engineers,
    why_not_split,
)
from dispatchopt.solvers.summary import summarize

FIRST_ROUND_SHARE = 0.75
"""Of the time left after the split, the regions' own plans get this share, the offers the
rest (less :data:`MERGE_RESERVE_S`); a day with no job near a border gives them all of it."""
OFFER_KM = 60.0
"""A job is offered across the border only to a region with an engineer starting this close
(straight line): about an hour's drive, a detour a field engineer's day can take."""
MERGE_RESERVE_S = 0.5
"""Seconds kept for merging the regions' plans and summarising the day, plus..."""
MERGE_RESERVE_S_PER_JOB = 0.0001
"""...this per job of the day (a 10 000-job day ran 0.3 s over with the fixed half second)."""
GREEDY_S_PER_JOB = 0.0004
"""Seconds per job the greedy rule takes to plan a region here (measured: 6.6 s for 20 000
jobs, split included), kept back for the regions whose solves are not back in time."""
MIN_OFFER_ROUND_S = 3.0
"""Offers are made only with this much time left (building, sending and a short re-plan)."""
MIN_TASK_S = 1.0
"""No region is given less: a solve needs a moment for its first plan whatever the clock says."""
OFFER_ENGINEERS_PER_JOB = 6
"""A job offered to a neighbour region is offered to this many of its nearest engineers..."""
OFFER_ENGINEERS_MAX = 40
"""...and the neighbour's re-plan takes at most this many of its engineers (a short solve)."""


@dataclass(frozen=True)
class RegionBudget:
    """How long one region's solve may take, wherever and whenever it starts."""

    seconds: float
    """Its fair share of the round (by job count and the executor's slots)."""
    until: float
    """``time.time()`` by which the round ends (one clock for every machine of a cluster)."""
    max_solutions: int | None = None
    seed: int = 0

    def deadline(self) -> Deadline:
        """The solve's deadline, made where it runs: the share, cut to the round's end."""
        left = min(self.seconds, self.until - time.time())
        return Deadline.after(max(MIN_TASK_S, left), max_solutions=self.max_solutions)


RegionRun = Callable[[Problem, RegionBudget, Plan | None], Plan]
"""Plans one region's day within its budget, from a plan of it when one is given; must be
picklable (top-level) for a process pool or a cluster."""
Scatter = Callable[[list[Problem]], list[Any]]
"""Sends problems to where the tasks run and returns what to submit in their place."""


def regional(
    problem: Problem,
    run: RegionRun,
    *,
    deadline: Deadline,
    seed: int = 0,
    regions: int | None = None,
    region_jobs: int = REGION_JOBS,
    executor: Executor | None = None,
    scatter: Scatter | None = None,
    slots: int = 1,
    offer_km: float = OFFER_KM,
) -> Plan:
    """Plan ``problem`` region by region until ``deadline``; every job of the day is in a route
    or in ``unassigned`` with the reason its region gave.

    ``slots``: how many regions ``executor`` runs at once (Dask: the cluster's threads), so
    each region's share of the time is fair when they queue. Without ``executor`` regions run
    here one after the other. A job left out is offered to the region of the nearest engineer
    outside its own, when that engineer starts within ``offer_km``.
    """
    started = time.perf_counter()
    parts = [
        r
        for r in split_regions(problem, regions=regions, region_jobs=region_jobs, seed=seed)
        if r.job_ids or r.engineer_ids
    ]
    planned = [i for i, r in enumerate(parts) if r.job_ids]
    days = [
        region_problem(problem, parts[i].job_ids, parts[i].engineer_ids, parts[i].name)
        for i in planned
    ]
    border = _border(problem, parts, offer_km)
    first = _run_round(
        run,
        days,
        [None] * len(planned),
        deadline=deadline.share(FIRST_ROUND_SHARE if border else 1.0),
        deadline_of_all=deadline,
        seed=seed,
        executor=executor,
        scatter=scatter,
        slots=slots,
        merged_jobs=len(problem.jobs),
        fallback_s_per_job=GREEDY_S_PER_JOB,
    )
    plans = [Plan() for _ in parts]
    late: list[str] = []
    for i, day, plan in zip(planned, days, first, strict=True):
        if plan is None:
            late.append(parts[i].name)
            plan = solve_greedy(day, seed=seed)
        plans[i] = plan
    offers = _offers(problem, plans, border)
    offered = sum(len(o) for o in offers.values())
    notes = [f"{len(planned)} regions planned, {offered} jobs offered to a neighbour"]
    whole = why_not_split(problem)
    if whole is not None and len(problem.engineers) > 1:
        notes.append(f"not split into regions: {whole}")
    if late:
        notes.append(f"not back in time, planned by greedy: {', '.join(late)}")
    merging = MERGE_RESERVE_S + MERGE_RESERVE_S_PER_JOB * len(problem.jobs)
    if offers and deadline.remaining() < merging + MIN_OFFER_ROUND_S:
        notes.append("no time left to plan them there")
    elif offers:
        plans, taken = _second_round(
            problem,
            parts,
            plans,
            offers,
            run,
            deadline=deadline,
            seed=seed,
            executor=executor,
            scatter=scatter,
            slots=slots,
        )
        notes.append(f"{taken} of them planned there")
    merged = _merge(problem, plans)
    solvers = sorted({p.summary.solver for p in first if p is not None and p.summary is not None})
    merged.summary = summarize(
        problem,
        merged,
        solver=f"regions({'/'.join(solvers) or 'none'})",
        solve_seconds=time.perf_counter() - started,
    )
    merged.summary.solver_notes = notes
    return merged


def _run_round(
    run: RegionRun,
    days: Sequence[Problem],
    starts: Sequence[Plan | None],
    *,
    deadline: Deadline,
    deadline_of_all: Deadline,
    seed: int,
    executor: Executor | None,
    scatter: Scatter | None,
    slots: int,
    merged_jobs: int,
    fallback_s_per_job: float = 0.0,
) -> list[Plan | None]:
    """One plan per day, each task told its share of ``deadline`` (never past the whole's, less
    the time merging a day of ``merged_jobs`` jobs takes); ``None`` for a task on the executor
    that was not back by then, or by when planning the days still out another way
    (``fallback_s_per_job`` seconds per job) would run past it."""
    if not days:
        return []
    merging = MERGE_RESERVE_S + MERGE_RESERVE_S_PER_JOB * merged_jobs
    seconds = max(0.0, min(deadline.remaining(), deadline_of_all.remaining() - merging))
    until = time.time() + seconds
    # Tasks run in waves of ``slots``; each gets its wave's time in proportion to its size
    # against the mean (whole waves: 50 regions on 16 slots are 4 waves of a quarter each,
    # not 3.1 waves with the last two regions starved by the round's end).
    waves = math.ceil(len(days) / max(1, slots))
    mean = sum(max(1, len(d.jobs)) for d in days) / len(days)
    budgets = [
        RegionBudget(
            min(seconds, seconds / waves * max(1, len(d.jobs)) / mean),
            until,
            deadline.max_solutions,
            seed,
        )
        for d in days
    ]
    if executor is None:
        return [run(d, b, s) for d, b, s in zip(days, budgets, starts, strict=True)]
    sent: Sequence[Any] = scatter(list(days)) if scatter is not None else days
    # Largest regions first, so the last to start is a small one.
    order = sorted(range(len(days)), key=lambda i: -len(days[i].jobs))
    futures = {i: executor.submit(run, sent[i], budgets[i], starts[i]) for i in order}
    # A task that runs past the whole's end (a solve that cannot stop sooner, a worker too
    # slow) is not waited for: the caller plans its day another way or keeps what it had.
    size = {futures[i]: len(days[i].jobs) for i in futures}
    pending = set(futures.values())
    while pending:
        reserve = merging + fallback_s_per_job * sum(size[f] for f in pending)
        left = deadline_of_all.remaining() - reserve
        if left <= 0:
            break
        _, pending = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
    for future in futures.values():
        if not future.done():
            future.cancel()
    return [
        futures[i].result() if futures[i].done() and not futures[i].cancelled() else None
        for i in range(len(days))
    ]


def _border(problem: Problem, parts: Sequence[Region], reach_km: float) -> dict[str, int]:
    """Jobs near another region, each with the region of the nearest engineer outside its own
    (when that engineer starts within ``reach_km``); jobs tied to named engineers stay home."""
    if len(parts) < 2:
        return {}
    region_of = {e: k for k, r in enumerate(parts) for e in r.engineer_ids}
    ids = [e.id for e in problem.engineers]
    homes = planar_km([e.start_location for e in problem.engineers])
    jobs = [j for j in problem.jobs if not tied_to_engineers(j)]
    places = planar_km([j.location for j in jobs])
    if homes is None or places is None or not jobs:
        return {}
    labels = np.array([region_of[e] for e in ids])
    home_of = {j: k for k, r in enumerate(parts) for j in r.job_ids}
    own = np.array([home_of[j.id] for j in jobs])
    out: dict[str, int] = {}
    for a in range(0, len(jobs), BORDER_CHUNK):
        block = places[a : a + BORDER_CHUNK]
        d = np.sum((block[:, None, :] - homes[None, :, :]) ** 2, axis=2)
        d[labels[None, :] == own[a : a + BORDER_CHUNK, None]] = np.inf
        nearest = np.argmin(d, axis=1)
        for i, e in enumerate(nearest):
            if d[i, e] <= reach_km**2:
                out[jobs[a + i].id] = int(labels[e])
    return out


BORDER_CHUNK = 2048
"""Jobs measured against every engineer at once (a few MB of distances per chunk)."""


def _offers(
    problem: Problem, plans: Sequence[Plan], border: dict[str, int]
) -> dict[int, list[str]]:
    """The jobs the regions left out that lie near a border, by the region they are offered
    to, in job order."""
    offers: dict[int, list[str]] = {}
    for plan in plans:
        for u in plan.unassigned:
            if u.job_id in border:
                offers.setdefault(border[u.job_id], []).append(u.job_id)
    order = {j.id: i for i, j in enumerate(problem.jobs)}
    return {k: sorted(v, key=order.__getitem__) for k, v in sorted(offers.items())}


def _second_round(
    problem: Problem,
    parts: Sequence[Region],
    plans: Sequence[Plan],
    offers: dict[int, list[str]],
    run: RegionRun,
    *,
    deadline: Deadline,
    seed: int,
    executor: Executor | None,
    scatter: Scatter | None,
    slots: int,
) -> tuple[list[Plan], int]:
    """Each neighbour re-plans its engineers nearest to the jobs offered to it, from their
    routes, with those jobs added; a re-plan that serves more of its jobs replaces theirs."""
    targets = sorted(offers)
    days: list[Problem] = []
    starts: list[Plan | None] = []
    crews: list[set[str]] = []
    for k in targets:
        crew = _nearest_crew(problem, parts[k], offers[k])
        routes = [r for r in plans[k].routes if r.engineer_id in crew]
        routed = [s.job_id for r in routes for s in r.jobs]
        days.append(
            region_problem(problem, routed + offers[k], sorted(crew), f"{parts[k].name} offers")
        )
        starts.append(Plan(routes=routes) if routes else None)
        crews.append(crew)
    replans = _run_round(
        run,
        days,
        starts,
        deadline=deadline,
        deadline_of_all=deadline,
        seed=seed,
        executor=executor,
        scatter=scatter,
        slots=slots,
        merged_jobs=len(problem.jobs),
    )
    out = list(plans)
    served: set[str] = set()
    for k, crew, replan in zip(targets, crews, replans, strict=True):
        if replan is None or len(replan.unassigned) >= len(offers[k]):
            continue
        kept = [r for r in out[k].routes if r.engineer_id not in crew]
        offered = set(offers[k])
        dropped = [u for u in replan.unassigned if u.job_id not in offered]
        out[k] = Plan(routes=kept + replan.routes, unassigned=out[k].unassigned + dropped)
        served |= {s.job_id for r in replan.routes for s in r.jobs} & offered
    if served:
        out = [
            Plan(routes=p.routes, unassigned=[u for u in p.unassigned if u.job_id not in served])
            for p in out
        ]
    return out, len(served)


def _nearest_crew(problem: Problem, region: Region, job_ids: Sequence[str]) -> set[str]:
    """The region's engineers nearest to the offered jobs (a few per job, a short solve's worth)."""
    ids = list(region.engineer_ids)
    homes = planar_km([problem.engineer_by_id[e].start_location for e in ids])
    places = planar_km([problem.job_by_id[j].location for j in job_ids])
    if homes is None or places is None:
        return set(ids[:OFFER_ENGINEERS_MAX])
    near = OFFER_ENGINEERS_PER_JOB
    ranked = np.argsort(
        np.sum((places[:, None, :] - homes[None, :, :]) ** 2, axis=2), axis=1, kind="stable"
    )[:, :near]
    crew: list[str] = []
    for column in ranked.T:  # every job's nearest first, then every job's second, ...
        for e in column:
            if ids[e] not in crew:
                crew.append(ids[e])
    return set(crew[:OFFER_ENGINEERS_MAX])


def _merge(problem: Problem, plans: Sequence[Plan]) -> Plan:
    """One plan of the day: routes in the problem's engineer order, left-out jobs in job order;
    a job in no region's plan (a region's solve lost it) is a solver bug, raised."""
    routes: dict[str, Route] = {r.engineer_id: r for p in plans for r in p.routes}
    left: dict[str, Unassigned] = {u.job_id: u for p in plans for u in p.unassigned}
    outsourced = sorted((o for p in plans for o in p.outsourced), key=lambda o: o.job_id)
    served = {s.job_id for r in routes.values() for s in r.jobs} | {o.job_id for o in outsourced}
    lost = [j.id for j in problem.jobs if j.id not in served and j.id not in left]
    if lost:
        raise SolverError(f"the regions' plans lost {len(lost)} jobs (first: {lost[0]})")
    return Plan(
        routes=[routes[e.id] for e in problem.engineers if e.id in routes],
        unassigned=[left[j.id] for j in problem.jobs if j.id in left],
        outsourced=outsourced,
    )


__all__ = ["FIRST_ROUND_SHARE", "OFFER_KM", "RegionBudget", "RegionRun", "Scatter", "regional"]

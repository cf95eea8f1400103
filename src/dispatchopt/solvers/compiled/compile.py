"""Compiles a :class:`Problem` into the plain integer data every engine reads.

This is where datetimes become engine seconds (through :class:`Timebase`) and where it is
settled, before any search, which jobs no engineer could ever serve and why.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np

from dispatchopt.matrices import ProblemMatrices, problem_matrices
from dispatchopt.models import Job, Problem, UnassignedReason
from dispatchopt.models.parts import required_quantities
from dispatchopt.models.providers import provider_why_not
from dispatchopt.solvers.compiled.data import (
    CompiledJob,
    CompiledProblem,
    CompiledProvider,
    Rejection,
    Vehicle,
)
from dispatchopt.solvers.compiled.depots import depot_visits, parts_verdict, van_stock
from dispatchopt.solvers.compiled.eligibility import Fleet, allowed_vehicles, crew_helpers
from dispatchopt.solvers.compiled.timebase import OPEN_END, Timebase
from dispatchopt.solvers.compiled.units import (
    LOCK_PENALTY_FACTOR,
    MONEY_SCALE,
    money_rate_per_s,
    penalty_units,
)


def compile_problem(
    problem: Problem,
    *,
    seed: int = 0,
    departures: dict[str, tuple[datetime, datetime]] | None = None,
) -> CompiledProblem:
    """Turn ``problem`` into integer arrays; jobs no vehicle could serve become rejections.

    ``seed`` other than 0 shuffles the order in which jobs become nodes, which sends the
    (otherwise deterministic) search down a different path. ``departures`` (job id -> earliest
    and latest moment it is expected to be left) prices drives leaving those jobs for that span
    only, when travel depends on the time of day; the others keep the safe price.
    """
    clock = Timebase(problem.epoch(), problem.zone)
    mats = problem_matrices(problem)
    jobs_in_order = list(problem.jobs)
    if seed:
        order = np.random.default_rng(seed).permutation(len(jobs_in_order))
        jobs_in_order = [jobs_in_order[i] for i in order]

    mandatory_units = penalty_units(problem, problem.objective.unassigned_penalty)
    place_points = sorted(
        {mats.start_point[e.id] for e in problem.engineers}
        | {mats.end_point[e.id] for e in problem.engineers}
    )
    # Start/end nodes are known only once jobs and depot visits are numbered; until then the
    # vehicles carry matrix points in those fields, and are renumbered below.
    by_point = _vehicles(problem, clock, {p: p for p in place_points}, mats)
    vans = van_stock(problem, by_point)
    fleet = Fleet(problem, by_point, mats)

    providers = [
        CompiledProvider(
            p.id,
            0 if p.earliest_start is None else max(0, clock.seconds(p.earliest_start)),
            p.max_jobs,
        )
        for p in problem.providers
    ]
    compiled_jobs: list[CompiledJob] = []
    rejected: list[Rejection] = []
    helpers_of: dict[str, list[int]] = {}
    for job in jobs_in_order:
        service = fleet.service(job)
        job_windows = _windows(job, clock)
        verdict = allowed_vehicles(fleet, job, job_windows, service)
        if not isinstance(verdict, Rejection):
            verdict = parts_verdict(problem, job, verdict, vans, by_point, clock)
        if not isinstance(verdict, Rejection) and job.crew_size > 1:
            helpers = crew_helpers(fleet, job, verdict[0], verdict[1], service)
            if isinstance(helpers, Rejection):
                verdict = helpers
            else:
                helpers_of[job.id] = helpers
        takers = _takers(problem, job, job_windows, mandatory_units)
        if isinstance(verdict, Rejection):
            if not takers:
                rejected.append(verdict)
                continue
            verdict = ([], job_windows)  # only a provider can take it
        allowed, wins = verdict
        compiled = _compile_job(
            fleet, job, len(compiled_jobs), allowed, wins, clock, mandatory_units
        )
        compiled_jobs.append(
            replace(
                compiled,
                providers=tuple(k for k, _ in takers),
                fees=tuple(f for _, f in takers),
            )
        )

    rejected, compiled_jobs = _drop_orphaned_successors(problem, rejected, compiled_jobs)
    compiled_jobs = _with_crew_copies(problem, compiled_jobs, helpers_of)
    skus = sorted({sku for j in compiled_jobs for sku, _ in j.parts})
    tools = sorted({t for j in compiled_jobs for t in j.tools})
    pools, visits = depot_visits(problem, compiled_jobs, skus, tools, len(by_point), clock, mats)
    first_place = len(compiled_jobs) + len(visits)
    place_node = {p: first_place + i for i, p in enumerate(place_points)}
    node_point = np.array(
        [mats.job_point[j.job_id] for j in compiled_jobs]
        + [mats.depot_point[v.depot_id] for v in visits]
        + place_points,
        dtype=np.int64,
    )
    vehicles = [
        replace(v, start_node=place_node[v.start_node], end_node=place_node[v.end_node])
        for v in by_point
    ]
    node_of = {j.job_id: j.node for j in compiled_jobs if j.crew_lead is None}
    precedences = []
    for j in compiled_jobs:
        for pred in problem.job_by_id[j.job_id].after:
            pj = compiled_jobs[node_of[pred]]
            precedences.append((pj.node, j.node, max(pj.service)))
    horizon = max(
        [0]
        + [v.hard_end for v in vehicles]
        + [b for j in compiled_jobs for _, b in j.windows if b < OPEN_END]
    )
    return CompiledProblem(
        departures=_departure_spans(
            compiled_jobs,
            {
                jid: (max(0, clock.seconds(lo)), clock.seconds(hi))
                for jid, (lo, hi) in (departures or {}).items()
            },
        ),
        problem=problem,
        clock=clock,
        matrices=mats,
        node_point=node_point,
        jobs=compiled_jobs,
        vehicles=vehicles,
        rejected=rejected,
        precedences=precedences,
        horizon=horizon,
        visits=visits,
        pools=pools,
        skus=skus,
        van_stock=vans,
        tools=tools,
        van_tools=[frozenset(problem.engineer_by_id[v.engineer_id].tools) for v in vehicles],
        providers=providers,
        seed=seed,
    )


def _takers(
    problem: Problem, job: Job, wins: list[tuple[int, int]], mandatory_units: int
) -> list[tuple[int, int]]:
    """``(provider index, cost in objective units)`` for each provider that may take ``job``
    (none when its windows are empty). The cost is the fee plus, for a job with a last
    engineer, the continuity bonus forgone."""
    if not wins or not problem.providers:
        return []
    objective = problem.objective
    forgone = objective.continuity_bonus if job.last_engineer_id is not None else 0.0
    return [
        (k, penalty_units(problem, provider.fee_for(job) + forgone))
        for k, provider in enumerate(problem.providers)
        if provider_why_not(job, provider) is None
    ]


def _with_crew_copies(
    problem: Problem, jobs: list[CompiledJob], helpers_of: dict[str, list[int]]
) -> list[CompiledJob]:
    """``jobs`` followed by one copy node per crew member beyond the lead: same windows and
    time on site, the helpers' vehicles, and no cost, load, parts or tools of their own."""
    out = list(jobs)
    copies: list[CompiledJob] = []
    for i, lead in enumerate(jobs):
        helpers = helpers_of.get(lead.job_id)
        if helpers is None or not lead.allowed:
            continue
        nodes = []
        for _ in range(problem.job_by_id[lead.job_id].crew_size - 1):
            node = len(jobs) + len(copies)
            nodes.append(node)
            copies.append(
                replace(
                    lead,
                    node=node,
                    allowed=tuple(helpers),
                    demand=0,
                    penalty=0,
                    soft_window=None,
                    parts=(),
                    sla_due=None,
                    sla_late_cost_per_s=0,
                    tools=(),
                    crew_lead=lead.node,
                    providers=(),
                    fees=(),
                )
            )
        out[i] = replace(lead, crew=tuple(nodes))
    return out + copies


def _departure_spans(
    jobs: list[CompiledJob], hints: dict[str, tuple[int, int]]
) -> dict[int, tuple[int, int]]:
    """When each job's engineer can leave it: always within its windows plus its time on site
    (so pricing that span is safe), narrowed to a hinted span where one is given."""
    out: dict[int, tuple[int, int]] = {}
    for job in jobs:
        lo = job.windows[0][0] + min(job.service, default=0)
        hi = job.windows[-1][1] + max(job.service, default=0)
        if job.job_id in hints:
            h_lo, h_hi = hints[job.job_id]
            lo, hi = max(lo, h_lo), min(hi, h_hi) if hi < OPEN_END else h_hi
        if hi < OPEN_END and lo <= hi:
            out[job.node] = (lo, hi)
    return out


def _compile_job(
    fleet: Fleet,
    job: Job,
    node: int,
    allowed: list[int],
    wins: list[tuple[int, int]],
    clock: Timebase,
    mandatory_units: int,
) -> CompiledJob:
    problem = fleet.problem
    service = fleet.service(job)
    if job.optional:
        penalty = penalty_units(problem, job.penalty or 0.0)
    else:
        penalty = mandatory_units * (1 + job.priority)
        if job.lock is not None:
            penalty *= LOCK_PENALTY_FACTOR
    soft = None
    if job.soft_window is not None and problem.objective.kind == "cost":
        w = problem.objective.lateness_weight
        soft = (
            clock.seconds(job.soft_window.start),
            clock.seconds(job.soft_window.end),
            money_rate_per_s(job.soft_window.early_cost_per_hour * w),
            money_rate_per_s(job.soft_window.late_cost_per_hour * w),
        )
    deadline = problem.sla_deadline(job)
    sla_due = _priced_due(problem, job, clock, max(service[v] for v in allowed) if allowed else 0)
    late_cost = 0
    if sla_due is not None:
        per_hour = problem.sla_mode.late_cost_per_hour_for(job.sla_tier)
        late_cost = max(1, round(penalty_units(problem, per_hour) / 3600)) if per_hour else 0
    return CompiledJob(
        job_id=job.id,
        node=node,
        windows=tuple(wins),
        service=service,
        allowed=tuple(allowed),
        demand=job.demand,
        penalty=penalty,
        lock_start=None
        if job.lock is None or job.lock.start is None
        else clock.seconds(job.lock.start),
        soft_window=soft,
        parts=tuple(sorted(required_quantities(job.parts).items())),
        sla_due=sla_due,
        sla_late_cost_per_s=late_cost,
        sla_deadline=None if deadline is None else clock.seconds(deadline),
        sla_stages=tuple(
            (stage.name, clock.seconds(due), stage.visit_event)
            for stage, due in problem.sla_stage_dues(job)
        ),
        tools=tuple(sorted(set(job.tools))),
    )


def _priced_due(problem: Problem, job: Job, clock: Timebase, longest: int) -> int | None:
    """The engine second by which service should start to keep every SLA stage a visit can
    meet that is priced (all in soft mode; in hard mode those besides the hard deadline):
    an on-site stage's due time, a resolve stage's due time less the longest visit. The
    engines take one such bound a job; the plan's cost prices each stage on its own."""
    hard = problem.sla_deadline(job) if problem.sla_mode.kind == "hard" else None
    policy = problem.sla_policy_for(job)
    deadline = policy.solver_stage() if policy is not None and hard is not None else None
    bounds = [
        clock.seconds(due) - (longest if stage.visit_event == "end" else 0)
        for stage, due in problem.sla_visit_dues(job)
        if deadline is None or stage.name != deadline.name
    ]
    return min(bounds) if bounds else None


def _vehicles(
    problem: Problem, clock: Timebase, place_node: dict[int, int], mats: ProblemMatrices
) -> list[Vehicle]:
    cost_mode = problem.objective.kind == "cost"
    out = []
    for eng in problem.engineers:
        for k, shift in sorted(enumerate(eng.shifts), key=lambda ks: ks[1].start):
            start, end = clock.seconds(shift.start), clock.seconds(shift.end)
            breaks = tuple(
                (
                    clock.seconds(b.window.start),
                    clock.seconds(b.window.end) - clock.minutes(b.duration_minutes),
                    clock.minutes(b.duration_minutes),
                )
                for b in shift.breaks
            )
            out.append(
                Vehicle(
                    engineer_id=eng.id,
                    shift_index=k,
                    start_node=place_node[mats.start_point[eng.id]],
                    end_node=place_node[mats.end_point[eng.id]],
                    shift_start=start,
                    shift_end=end,
                    hard_end=end + clock.minutes(eng.overtime_minutes),
                    max_span=None
                    if eng.max_working_minutes is None
                    else clock.minutes(eng.max_working_minutes),
                    capacity=eng.capacity,
                    breaks=breaks,
                    fixed_cost=round(eng.fixed_cost * MONEY_SCALE) if cost_mode else 0,
                    span_cost_per_s=money_rate_per_s(eng.cost_per_hour) if cost_mode else 0,
                    overtime_cost_per_s=money_rate_per_s(eng.overtime_cost_per_hour)
                    if cost_mode
                    else 0,
                    cost_per_m=eng.cost_per_km * MONEY_SCALE / 1000 if cost_mode else 0.0,
                )
            )
    return out


def _windows(job: Job, clock: Timebase) -> list[tuple[int, int]]:
    if job.time_windows:
        wins = sorted((clock.seconds(w.start), clock.seconds(w.end)) for w in job.time_windows)
    else:
        wins = [(0, OPEN_END)]
    if job.appointment is not None:
        # The promise to the customer is as hard as a window (to relax it, solve a copy of
        # the job without it, as dispatchopt.live.replan does).
        lo, hi = clock.seconds(job.appointment.start), clock.seconds(job.appointment.end)
        wins = [(max(a, lo), min(b, hi)) for a, b in wins if a <= hi and b >= lo]
    if job.earliest_start is not None:
        release = clock.seconds(job.earliest_start)
        wins = [(max(a, release), b) for a, b in wins if b >= release]
    if job.lock is not None and job.lock.start is not None:
        at = clock.seconds(job.lock.start)
        wins = [(at, at)] if any(a <= at <= b for a, b in wins) else []
    return wins


def _drop_orphaned_successors(
    problem: Problem, rejected: list[Rejection], jobs: list[CompiledJob]
) -> tuple[list[Rejection], list[CompiledJob]]:
    """A job whose predecessor can never be served cannot be served either (transitively)."""
    out = set(r.job_id for r in rejected)
    changed = True
    while changed:
        changed = False
        for j in jobs:
            if j.job_id in out:
                continue
            lost = [p for p in problem.job_by_id[j.job_id].after if p in out]
            if lost:
                rejected.append(
                    Rejection(
                        j.job_id,
                        UnassignedReason.PREDECESSOR_UNASSIGNED,
                        f"it must follow {lost[0]}, which cannot be planned",
                    )
                )
                out.add(j.job_id)
                changed = True
    kept = [j for j in jobs if j.job_id not in out]
    renumbered = [replace(j, node=i) for i, j in enumerate(kept)]
    return rejected, renumbered


__all__ = ["compile_problem"]

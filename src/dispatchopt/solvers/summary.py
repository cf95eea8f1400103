"""Plan-wide figures (travel, working time, overtime, cost) recomputed from the routes."""

from __future__ import annotations

from dispatchopt.models import Plan, Problem, Summary
from dispatchopt.models.sla import compliance_by_tier
from dispatchopt.solvers.breakdown import cost_breakdown


def summarize(
    problem: Problem,
    plan: Plan,
    *,
    solver: str,
    objective: float | None = None,
    solve_seconds: float = 0.0,
) -> Summary:
    """The summary of ``plan``: every figure comes from the routes, so any solver gets the same.

    ``objective`` is what the engine reported (kept as ``engine_objective``); the summary's own
    ``objective`` is the plan's, recomputed term by term (``cost_breakdown``)."""
    breakdown = cost_breakdown(problem, plan)
    travel = distance = working = overtime = waiting = 0
    cost = sum(o.fee for o in plan.outsourced)
    # Every engineer counts, an idle one at zero: an unused engineer is the
    # shortest day there is (the balance term sees it the same way).
    per_engineer = {e.id: 0 for e in problem.engineers}
    for route in plan.routes:
        eng = problem.engineer_by_id[route.engineer_id]
        shift = eng.shifts[route.shift_index]
        work = int((route.arrival - route.departure).total_seconds())
        over = max(0, int((route.arrival - shift.end).total_seconds()))
        travel += route.travel_s
        distance += route.distance_m
        working += work
        if route.jobs:
            per_engineer[route.engineer_id] += work
        overtime += over
        waiting += sum(s.wait_s for s in route.stops)
        cost += (
            eng.fixed_cost
            + eng.cost_per_hour * work / 3600
            + eng.cost_per_km * route.distance_m / 1000
            + eng.overtime_cost_per_hour * over / 3600
        )
        for stop in route.jobs:
            soft = problem.job_by_id[stop.job_id].soft_window
            if soft is not None:
                late = max(0.0, (stop.start - soft.end).total_seconds())
                early = max(0.0, (soft.start - stop.start).total_seconds())
                cost += (soft.late_cost_per_hour * late + soft.early_cost_per_hour * early) / 3600
    served = len({s.job_id for r in plan.routes for s in r.jobs})
    days = list(per_engineer.values())
    mean = sum(days) / len(days) if days else 0.0
    ftf = [s.first_time_fix for r in plan.routes for s in r.jobs if s.first_time_fix is not None]
    return Summary(
        jobs_total=len(problem.jobs),
        jobs_served=served,
        jobs_unassigned=len(plan.unassigned),
        engineers_used=len({r.engineer_id for r in plan.routes}),
        travel_s=travel,
        distance_km=distance / 1000,
        working_s=working,
        overtime_s=overtime,
        waiting_s=waiting,
        cost=round(cost, 2),
        pickups=sum(1 for r in plan.routes for s in r.stops if s.kind == "pickup"),
        jobs_outsourced=len(plan.outsourced),
        working_spread_s=max(days) - min(days) if days else 0,
        working_std_s=round((sum((d - mean) ** 2 for d in days) / len(days)) ** 0.5, 1)
        if days
        else 0.0,
        sla_compliance=sla_compliance(problem, plan),
        sla_stage_compliance=sla_stage_compliance(plan),
        first_time_fix=round(sum(ftf) / len(ftf), 4) if ftf else None,
        objective=breakdown.total,
        cost_breakdown=breakdown.by_term,
        engine_objective=objective,
        solver=solver,
        solve_seconds=round(solve_seconds, 3),
    )


def sla_stage_compliance(plan: Plan) -> dict[str, float]:
    """% of planned visits that meet each SLA stage a visit can meet, keys sorted."""
    counts: dict[str, list[int]] = {}
    for route in plan.routes:
        for stop in route.jobs:
            for outcome in stop.sla_stages:
                if outcome.met is None:
                    continue
                pair = counts.setdefault(outcome.stage, [0, 0])
                pair[0] += int(outcome.met)
                pair[1] += 1
    return {k: round(100.0 * counts[k][0] / counts[k][1], 2) for k in sorted(counts)}


def sla_compliance(problem: Problem, plan: Plan) -> dict[str, float]:
    """% of SLA jobs per tier whose service starts by the due time.

    A served job counts as met when it starts by its deadline; an unplanned job counts as missed
    when its deadline falls before the end of the last shift (later ones are not yet at stake).
    """
    if not any(j.sla_tier for j in problem.jobs):
        return {}
    horizon_end = max(s.end for e in problem.engineers for s in e.shifts)
    start_of = {s.job_id: s.start for r in plan.routes for s in r.jobs}
    outcomes: list[tuple[str | None, bool]] = []
    for job in problem.jobs:
        due = problem.sla_deadline(job)
        if due is None:
            continue
        if job.id in start_of:
            outcomes.append((job.sla_tier, start_of[job.id] <= due))
        elif due <= horizon_end:
            outcomes.append((job.sla_tier, False))
    return compliance_by_tier(outcomes)

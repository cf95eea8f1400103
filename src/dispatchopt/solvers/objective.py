"""What a plan costs in its problem's objective, computed from the plan itself.

The same terms the engines price (route costs, overtime, soft-window and SLA lateness, a job
given to a non-preferred engineer, a job outside a soft territory, continuity forgone,
providers' fees, the balance term, and what each unplanned job costs), in the objective's own
unit (money, km or hours), so strategies can compare plans from different engines.

A crew job's costs are its lead's (the first engineer its stops' ``crew`` names); the other
members' stops add only their own route time and, outside a soft territory, that cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from dispatchopt.models import Job, Plan, Problem, Route
from dispatchopt.models.eligibility import in_territory
from dispatchopt.models.first_time_fix import first_time_fix
from dispatchopt.models.objective import CostTerm
from dispatchopt.models.sla import SlaStage

LOCKED_DROP_FACTOR = 10
"""A locked job is ten times as costly to drop as an ordinary mandatory job (as compiled)."""


@dataclass(frozen=True, order=True)
class Score:
    """A plan's objective: ``total`` = what dropped jobs cost + everything else."""

    total: float
    dropped: float
    """The penalties of the jobs left out."""

    @property
    def cost(self) -> float:
        """Everything but the penalties of jobs left out."""
        return self.total - self.dropped


def drop_penalty(problem: Problem, job_id: str) -> float:
    """What leaving ``job_id`` unplanned costs, in the objective's unit."""
    job = problem.job_by_id[job_id]
    if job.optional:
        return job.penalty or 0.0
    factor = LOCKED_DROP_FACTOR if job.lock is not None else 1
    return problem.objective.unassigned_penalty * (1 + job.priority) * factor


def weighted_service(problem: Problem, plan: Plan) -> int:
    """The sum of ``1 + priority`` over served jobs: the weight the objective gives a job."""
    return sum(1 + problem.job_by_id[s.job_id].priority for r in plan.routes for s in r.jobs)


def priced_sla_stages(problem: Problem, job: Job) -> list[tuple[SlaStage, datetime]]:
    """The SLA stages whose lateness costs money: every stage a visit can meet in soft mode;
    in hard mode those besides the hard deadline stage (which is a rule, not a cost)."""
    dues = problem.sla_visit_dues(job)
    if problem.sla_mode.kind != "hard":
        return dues
    policy = problem.sla_policy_for(job)
    hard = policy.solver_stage() if policy is not None else None
    return [(stage, due) for stage, due in dues if hard is None or stage.name != hard.name]


Term = tuple[str, str | None]
"""A cost term: its name (see :class:`~dispatchopt.models.objective.CostTerm`; SLA lateness is
``sla_deadline:<tier>``) and the job it is for (``None``: the route's own)."""


def route_terms(problem: Problem, route: Route) -> dict[Term, float]:
    """What one route costs in the objective's unit, term by term (zero terms left out)."""
    kind = problem.objective.kind
    eng = problem.engineer_by_id[route.engineer_id]
    out: dict[Term, float] = {}

    def add(name: str, job_id: str | None, amount: float) -> None:
        if amount:
            key = (str(name), job_id)
            out[key] = out.get(key, 0.0) + amount

    objective = problem.objective
    soft_area = eng.territory is not None and eng.territory_mode == "soft"
    for stop in route.jobs:
        job = problem.job_by_id[stop.job_id]
        if soft_area and not in_territory(job, eng):
            add(CostTerm.OUT_OF_TERRITORY, job.id, objective.out_of_territory_cost)
        lead = not stop.crew or stop.crew[0] == eng.id
        if lead and job.last_engineer_id is not None and job.last_engineer_id != eng.id:
            add(CostTerm.CONTINUITY, job.id, objective.continuity_bonus)

    if kind == "distance":
        add(CostTerm.DISTANCE, None, route.distance_m / 1000)
        return out
    if kind == "travel_time":
        add(CostTerm.TRAVEL_TIME, None, route.travel_s / 3600)
        return out
    work = (route.arrival - route.departure).total_seconds()
    if kind == "working_time":
        add(CostTerm.WORKING_TIME, None, work / 3600)
        return out
    shift = eng.shifts[route.shift_index]
    over = max(0.0, (route.arrival - shift.end).total_seconds())
    add(CostTerm.FIXED_COST, None, eng.fixed_cost)
    add(CostTerm.WORKING_TIME, None, eng.cost_per_hour * work / 3600)
    add(CostTerm.DISTANCE, None, eng.cost_per_km * route.distance_m / 1000)
    add(CostTerm.OVERTIME, None, eng.overtime_cost_per_hour * over / 3600)
    for stop in route.jobs:
        if stop.crew and stop.crew[0] != eng.id:
            continue  # a crew member's stop: the job's costs are the lead's
        job = problem.job_by_id[stop.job_id]
        priced = priced_sla_stages(problem, job) if job.sla is not None else []
        for stage, due in priced:
            met_at = stop.end if stage.visit_event == "end" else stop.start
            name = f"{CostTerm.SLA_DEADLINE}:{job.sla_tier or '(none)'}"
            add(name, job.id, problem.sla_mode.late_cost(job.sla_tier, due, met_at))
        if not priced and job.soft_window is not None:
            late = max(0.0, (stop.start - job.soft_window.end).total_seconds())
            per_hour = job.soft_window.late_cost_per_hour * objective.lateness_weight
            add(CostTerm.TIME_WINDOW, job.id, per_hour * late / 3600)
        if job.soft_window is not None:
            early = max(0.0, (job.soft_window.start - stop.start).total_seconds())
            per_hour = job.soft_window.early_cost_per_hour * objective.lateness_weight
            add(CostTerm.TIME_WINDOW, job.id, per_hour * early / 3600)
        if job.preferred_engineers and eng.id not in job.preferred_engineers:
            add(CostTerm.NON_PREFERRED_ENGINEER, job.id, objective.non_preferred_penalty)
        if objective.first_time_fix_weight:
            on_hand = {p.sku: p.quantity for p in job.parts}
            p = first_time_fix(job.skills, job.parts, eng.skills, on_hand)
            add(CostTerm.FIRST_TIME_FIX, job.id, objective.first_time_fix_weight * (1.0 - p))
    return out


def route_cost(problem: Problem, route: Route) -> float:
    """What one route costs in the objective's unit (penalties of other jobs aside)."""
    return sum(route_terms(problem, route).values())


def plan_terms(problem: Problem, plan: Plan) -> dict[Term, float]:
    """The terms that belong to the plan as a whole, not to one route: each provider's fee
    (``contractor_fee``, and ``continuity`` forgone by giving away a job with a last engineer)
    and the balance term (``Objective.balance``: the weight times each shift's hours below
    its band on nominal time on site, :func:`balance_measure`, and above it on busy time,
    :func:`busy_s`, or its job count outside it, :func:`balance_targets`; a shift without a
    route counts zero); a balance term is keyed by ``BALANCE_KEY`` and the engineer instead
    of a job."""
    objective = problem.objective
    out: dict[Term, float] = {}
    for given in plan.outsourced:
        out[(str(CostTerm.CONTRACTOR_FEE), given.job_id)] = given.fee
        job = problem.job_by_id.get(given.job_id)
        if job is not None and job.last_engineer_id is not None and objective.continuity_bonus:
            out[(str(CostTerm.CONTINUITY), given.job_id)] = objective.continuity_bonus
    balance = objective.balance
    if balance is not None:
        routes = {(r.engineer_id, r.shift_index): r for r in plan.routes}
        for (eid, k), (low, high) in balance_targets(problem).items():
            route = routes.get((eid, k))
            done = 0.0 if route is None else balance_measure(problem, route)
            busy = done if route is None or balance.on == "jobs" else busy_s(route)
            off = max(0.0, busy - high) + max(0.0, low - done)
            if balance.on == "working_time":
                off /= 3600
            if off:
                key = (str(CostTerm.BALANCE), f"{BALANCE_KEY}{eid}")
                out[key] = out.get(key, 0.0) + balance.weight * off
    return out


BALANCE_KEY = "balance:"
"""Prefix of the balance term's key in :func:`plan_terms` (followed by the engineer id)."""


def balance_targets(problem: Problem) -> dict[tuple[str, int], tuple[int, int]]:
    """Each engineer's shift's balance band (seconds on site, or job visits): no cost between
    its two ends, ``Balance.weight`` an hour (or a job) outside them.

    An engineer's target is the fair share (:meth:`Problem.fair_share`), or the time the
    engineer's shifts leave after breaks when that is less (``max_jobs`` for ``on="jobs"``),
    split among the shifts by that time. Seconds are whole (both ends the floor); a count's
    band is the floor and ceiling of the target, so 2.5 jobs each leaves 2 and 3 free."""
    balance = problem.objective.balance
    if balance is None:
        return {}
    share = problem.fair_share()
    out: dict[tuple[str, int], tuple[int, int]] = {}
    for eng in problem.engineers:
        free = [
            max(
                0.0,
                (s.end - s.start).total_seconds() - 60 * sum(b.duration_minutes for b in s.breaks),
            )
            for s in eng.shifts
        ]
        total = sum(free)
        cap = total
        if balance.on == "jobs":
            cap = math.inf if eng.max_jobs is None else float(eng.max_jobs)
        target = min(share, cap)
        for k, length in enumerate(free):
            part = target * length / total if total else 0.0
            if balance.on == "jobs":
                out[(eng.id, k)] = (math.floor(part), math.ceil(part))
            else:
                out[(eng.id, k)] = (math.floor(part), math.floor(part))
    return out


def balance_measure(problem: Problem, route: Route) -> float:
    """What the balance term compares with the lower end of a route's band (and, for
    ``on="jobs"``, the upper): its job visits for ``"jobs"``, else the nominal seconds on site
    of its jobs (``duration_minutes``; a crew counts for each member), the work handed to the
    engineer. Driving, waiting, pickups and breaks are left out, so no detour or wait fills a
    short day."""
    balance = problem.objective.balance
    if balance is not None and balance.on == "jobs":
        return float(len(route.jobs))
    return float(sum(round(problem.job_by_id[s.job_id].duration_minutes * 60) for s in route.jobs))


def busy_s(route: Route) -> float:
    """Seconds driving or on site (waiting and breaks left out): what the balance term
    compares with the upper end of a route's band (``on="working_time"``)."""
    on_site = sum((s.end - s.start).total_seconds() for s in route.stops)
    return route.travel_s + on_site


def plan_score(problem: Problem, plan: Plan) -> Score:
    """The objective of ``plan`` (lower is better)."""
    dropped = sum(drop_penalty(problem, u.job_id) for u in plan.unassigned)
    cost = sum(route_cost(problem, r) for r in plan.routes)
    cost += sum(plan_terms(problem, plan).values())
    return Score(total=dropped + cost, dropped=dropped)


__all__ = [
    "BALANCE_KEY",
    "Score",
    "Term",
    "balance_measure",
    "balance_targets",
    "busy_s",
    "drop_penalty",
    "plan_score",
    "plan_terms",
    "route_cost",
    "route_terms",
    "weighted_service",
]

"""Re-plan a running day after events, keeping promises and pricing every change.

The day is solved again (OR-Tools, warm-started from the old plan, into which the work it
leaves out is first put at its cheapest places, heaviest first) on a copy of the problem that
says what may not move and what moving costs: visits begun stay exactly; visits in the
frozen horizon stay with their engineer; so does every promised visit (one with an
appointment) while its engineer still works (``keep_engineer``), and a promised visit
outweighs all lighter work together, giving way only to an emergency (``give_way_to``). Every
other job prefers its old engineer (a ``reassign_cost`` for another) and its old start
(``move_cost_per_hour`` either way). Appointments are hard. Only promised jobs that would
otherwise be left out get a second pass, free to go to any engineer, with their appointment
relaxed (priced per hour outside it), and the plan lists each it breaks.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.errors import SolverError
from dispatchopt.live.edits import with_changes
from dispatchopt.live.insert import place, with_route
from dispatchopt.live.retime import retimed
from dispatchopt.models import BrokenAppointment, Job, Lock, Plan, Problem, Rule, SoftWindow
from dispatchopt.solvers.objective import drop_penalty, weighted_service
from dispatchopt.validate import validate


class Disruption(BaseModel):
    """What changing a promised day costs, in the objective's unit (defaults: a reassigned
    job is worth half an hour of an engineer's time; moving a start by an hour, a fifth of
    that; breaking an appointment, ten times a reassignment per hour outside it; a promise
    outranks any number of calls lighter than an emergency and gives way to an emergency; a
    promised visit stays with its engineer while she can keep it).

    Moves are priced through soft windows, which the ``cost`` objective weighs; under other
    objectives only reassignments are priced (through the preferred engineer).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    reassign_cost: float = Field(default=25.0, ge=0)
    """Per job given to another engineer than before."""
    move_cost_per_hour: float = Field(default=5.0, ge=0)
    """Per hour a job's start moves, earlier or later."""
    broken_appointment_cost_per_hour: float = Field(default=250.0, ge=0)
    """Per hour outside its appointment, for a job that can only be served so."""
    frozen_minutes: float = Field(default=30.0, ge=0)
    """Visits that start within this many minutes of ``now`` keep their engineer."""
    promised_priority: int = Field(default=5, ge=0, le=10)
    """With ``give_way_to=None``: priority levels added to a planned job with an appointment
    when the re-plan weighs leaving it out; with 5, a promised standard visit weighs as an
    urgent call (1 + 5), and gives way to an emergency (1 + 9) or to two urgent calls; it is
    then served outside its window (listed as broken) if it still fits anywhere."""
    keep_promises: bool = False
    """A planned job with an appointment outranks every job without one, all of them
    together (emergencies included): the re-plan leaves a promised visit out only when no
    engineer can serve it. For a business whose appointments are sacred; it costs emergency
    SLA compliance on a full day (see benchmarks/results/live_replan.md)."""
    give_way_to: int | None = Field(default=8, ge=0, le=10)
    """A promise outranks every job below this priority, all of them together, and gives way
    only to a job at or above it (8: only an emergency may displace a promised visit, one
    emergency outweighing one promise); ``promised_priority`` then plays no part. ``None``:
    promises weigh by ``promised_priority``. ``keep_promises`` outranks both. The default
    keeps 95-97 % of appointments after the generator's mornings where ``None`` keeps 91-94 %,
    and costs some emergency and urgent SLA compliance in simulation
    (benchmarks/results/live_replan_give_way.md, live_replan_fill.md)."""
    keep_engineer: bool = True
    """A promised visit stays with its engineer while that engineer still works the shift;
    a promise its engineer can no longer keep (off sick, a day that overran) goes to another
    in the second pass, and so may every promise when the first pass left out work heavier
    than a promise (an emergency), each change of engineer then weighing as much as leaving
    out a standard job; that pass is kept only if it serves more. Off: price the change by
    ``reassign_cost`` only."""


BROKEN_REASON = "no engineer could keep the promised window after the day changed"

FILL_SHARE = 0.3
"""The largest share of the time limit spent, before the engine's search, putting the work the
old routes leave out into them (heaviest first, each at its cheapest place, moving no one):
from a warm start the engine adds jobs by local search only, far too slowly on a big day (at
2 000 jobs it put in none of 145 emergencies in 30 s; benchmarks/results/live_replan_fill.md)."""


def replan(
    problem: Problem,
    plan: Plan,
    *,
    now: datetime,
    time_limit: float,
    disruption: Disruption | None = None,
    seed: int = 0,
) -> Plan:
    """A new plan of ``problem`` (as changed by events) close to ``plan``, checked by the
    validator; see the module docstring for what is kept and what is priced."""
    from dispatchopt.solvers.front_door import solve  # OR-Tools loads only when re-planning

    price = disruption or Disruption()
    started = time.perf_counter()
    # Appointments the old plan already broke stay relaxed: their customers have been told.
    already = {b.job_id for b in plan.broken_appointments if b.job_id in problem.job_by_id}
    steered = _steered(problem, plan, now, price, relax=already)
    warm = _holding(steered, retimed(steered, _warm(problem, plan), now))
    if warm is not None:
        warm = _filled(steered, warm, now, price, time_limit * FILL_SHARE)
    try:
        first_s = max(0.5, time_limit * 0.7 - (time.perf_counter() - started))
        first = solve(steered, time_limit=first_s, initial_plan=warm, seed=seed)
    except SolverError:
        if warm is None:
            raise
        # The engine refused the old routes and found nothing else in time: plan afresh.
        left = max(0.5, time_limit * 0.7 - (time.perf_counter() - started))
        first = solve(steered, time_limit=left, seed=seed)
    result = _owned_up(problem, first, already, plan)
    left_out = [problem.job_by_id[u.job_id] for u in first.unassigned]
    waiting = [j.id for j in left_out if j.appointment is not None]
    # Work heavier than a promise that found no room: promised visits may change engineer.
    pressing = any(j.priority >= _yields_to(price) for j in left_out)
    unlock = price.keep_engineer and pressing and not price.keep_promises
    left = time_limit - (time.perf_counter() - started)
    if (waiting or unlock) and left > 0.5:
        relaxed = _steered(problem, plan, now, price, relax=already | set(waiting), unlock=unlock)
        try:
            second: Plan | None = solve(relaxed, time_limit=left, initial_plan=first, seed=seed)
        except SolverError:
            second = None  # the engine could not restart from the first pass in time: keep it
        if second is not None and _rank(problem, second, price) > _rank(problem, first, price):
            result = _owned_up(problem, second, already | set(waiting), plan)
    problems = validate(problem, result)
    if problems:
        raise SolverError(f"the re-plan does not validate: {problems[0].message}")
    return result


def _yields_to(price: Disruption) -> int:
    """The lowest priority of an unpromised job that outweighs a promise (11: none does)."""
    if price.keep_promises:
        return 11
    if price.give_way_to is not None:
        return price.give_way_to
    return price.promised_priority + 1


def _levels(problem: Problem, job: Job) -> float:
    """What leaving ``job`` out weighs, in priority levels: its drop penalty (an optional
    job's own, a locked job's tenfold) in units of the unassigned penalty."""
    unit = problem.objective.unassigned_penalty
    return drop_penalty(problem, job.id) / unit if unit else 0.0


def _raised(problem: Problem, job: Job, levels: int) -> float:
    """``job``'s drop penalty weighing ``levels`` priority levels more: on top of an optional
    job's own penalty, else as a job that many levels higher; never below its own (a locked
    job's tenfold)."""
    own = drop_penalty(problem, job.id)
    if job.optional:
        return own + problem.objective.unassigned_penalty * levels
    return max(own, problem.objective.unassigned_penalty * (1 + job.priority + levels))


def _rank(problem: Problem, plan: Plan, price: Disruption) -> tuple[int, int, int]:
    """How a pass is judged: with ``keep_promises`` or ``give_way_to``, first the weight of the
    unpromised work a promise gives way to, then promises served; then the weighted service."""
    served = [problem.job_by_id[s.job_id] for r in plan.routes for s in r.jobs]
    tiered = price.keep_promises or price.give_way_to is not None
    bar = _yields_to(price)
    heavy = sum(1 + j.priority for j in served if j.appointment is None and j.priority >= bar)
    promised = sum(j.appointment is not None for j in served)
    return (
        heavy if tiered else 0,
        promised if tiered else 0,
        weighted_service(problem, plan),
    )


def _owned_up(problem: Problem, plan: Plan, relaxed: set[str], old: Plan) -> Plan:
    """``plan`` listing each relaxed job it serves outside its appointment (with the old
    plan's reason where it had one)."""
    reasons = {b.job_id: b.reason for b in old.broken_appointments}
    broken = [
        BrokenAppointment(job_id=j, reason=reasons.get(j, BROKEN_REASON))
        for j in sorted(relaxed)
        if _outside(problem.job_by_id[j], plan)
    ]
    return plan.model_copy(update={"broken_appointments": broken})


def _outside(job: Job, plan: Plan) -> bool:
    route = plan.route_of(job.id)
    if route is None or job.appointment is None:
        return False
    stop = next(s for s in route.jobs if s.job_id == job.id)
    return not job.appointment.contains(stop.start)


def _warm(problem: Problem, plan: Plan) -> Plan:
    """The old plan's routes with jobs that left the problem taken out (a start for search)."""
    routes = []
    for route in plan.routes:
        eng = problem.engineer_by_id.get(route.engineer_id)
        if eng is None or route.shift_index >= len(eng.shifts):
            continue
        stops = [s for s in route.stops if s.kind != "job" or s.job_id in problem.job_by_id]
        routes.append(route.model_copy(update={"stops": stops}))
    return Plan(routes=routes)


def _filled(
    problem: Problem, warm: Plan, now: datetime, price: Disruption, budget_s: float
) -> Plan:
    """``warm`` with the jobs it leaves out put in, heaviest drop penalty first, each at its
    cheapest place that moves no other visit to another engineer or out of its windows, until
    ``budget_s`` is spent; ``warm`` itself when the result does not hold on ``problem``."""
    started = time.perf_counter()
    served = {s.job_id for r in warm.routes for s in r.jobs}
    left = sorted(
        (j for j in problem.jobs if j.id not in served),
        key=lambda j: (-drop_penalty(problem, j.id), j.id),
    )
    filled = warm
    for job in left:
        remaining = budget_s - (time.perf_counter() - started)
        if remaining <= 0:
            break
        placements, _ = place(
            problem,
            filled,
            job,
            now=now,
            frozen_minutes=price.frozen_minutes,
            budget_s=min(0.05, remaining),
        )
        if placements:
            filled = with_route(problem, filled, placements[0], started, summary=False)
    if filled is warm:
        return warm
    return filled if _holding(problem, filled) is not None else warm


def _holding(problem: Problem, warm: Plan) -> Plan | None:
    """``warm`` when its routes hold on ``problem`` as they stand, times included (the engine
    then restores them at once), else ``None``: a start whose times the day has overtaken
    (an overrun, a visit begun late) sends the engine searching for a schedule, which can
    take the whole limit, so the re-plan then starts from the engine's own construction."""
    problems = validate(problem, warm)
    return warm if all(v.rule is Rule.MISSING_JOB for v in problems) else None


def _still_on_shift(problem: Problem, engineer_id: str, shift_index: int, start: datetime) -> bool:
    """True when the engineer still works at ``start`` in that shift (events may cut it)."""
    engineer = problem.engineer_by_id.get(engineer_id)
    if engineer is None or shift_index >= len(engineer.shifts):
        return False
    shift = engineer.shifts[shift_index]
    return shift.start <= start < shift.end


def _steered(
    problem: Problem,
    plan: Plan,
    now: datetime,
    price: Disruption,
    *,
    relax: set[str],
    unlock: bool = False,
) -> Problem:
    """The problem the solver sees: locks for what may not move, preferences and soft
    windows for what moving costs, no start before ``now``, ``relax``'s appointments lifted;
    ``unlock`` lets promised visits change engineer, each change weighing as a standard job."""
    frozen_until = now + timedelta(minutes=price.frozen_minutes)
    # Priority levels a promise adds; keeping promises first, one outweighs all lighter work
    # together, and (with ``give_way_to``) each heavier job outweighs any one promise.
    extra = price.promised_priority
    heavier = 0
    bar = _yields_to(price)
    if price.keep_promises or price.give_way_to is not None:
        extra = 1 + math.ceil(
            sum(
                _levels(problem, j)
                for j in problem.jobs
                if j.appointment is None and j.priority < bar
            )
        )
        heavier = 1 + 10 + extra if bar <= 10 else 0
    where = {
        s.job_id: (r.engineer_id, s.start)
        for r in plan.routes
        for s in r.jobs
        if _still_on_shift(problem, r.engineer_id, r.shift_index, s.start)
    }
    jobs = []
    for job in problem.jobs:
        update: dict[str, object] = {}
        lock = job.lock
        placed = where.get(job.id)
        if placed is not None:
            engineer_id, start = placed
            promise = job.appointment is not None and job.id not in relax
            if start < now:
                lock = Lock(engineer_id=engineer_id, start=start)
            elif promise and extra:
                # Priced as a job that many levels higher, its own priority kept (a job
                # locked to its time included).
                update["optional"] = True
                update["penalty"] = _raised(problem, job, extra)
            if start >= now and (lock is None or lock.start is None):
                held = promise and price.keep_engineer and not unlock
                if lock is None and (start < frozen_until or held):
                    lock = Lock(engineer_id=engineer_id)
                update["preferred_engineers"] = [engineer_id]
                update["soft_window"] = SoftWindow(
                    start=start,
                    end=start,
                    early_cost_per_hour=price.move_cost_per_hour,
                    late_cost_per_hour=price.move_cost_per_hour,
                )
        heavy = heavier and job.appointment is None and job.priority >= bar
        if heavy and not job.optional:
            update["optional"] = True
            update["penalty"] = _raised(problem, job, heavier)
        if lock is not job.lock:
            update["lock"] = lock
        if lock is None or lock.start is None:
            release = job.earliest_start
            update["earliest_start"] = now if release is None or release < now else release
        if job.id in relax and job.appointment is not None:
            promised = job.appointment
            update["appointment"] = None
            update["soft_window"] = SoftWindow(
                start=promised.start,
                end=promised.end,
                early_cost_per_hour=price.broken_appointment_cost_per_hour,
                late_cost_per_hour=price.broken_appointment_cost_per_hour,
            )
        jobs.append(job.model_copy(update=update) if update else job)
    reassign = price.reassign_cost
    if unlock:
        # Freed only for heavier work: each change of engineer weighs as a standard job.
        reassign = max(reassign, problem.objective.unassigned_penalty)
    objective = problem.objective.model_copy(update={"non_preferred_penalty": reassign})
    return with_changes(problem, jobs=jobs, objective=objective)


__all__ = ["BROKEN_REASON", "Disruption", "replan"]

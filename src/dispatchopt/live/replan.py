"""Re-plan a running day after events, keeping promises and pricing every change.

The day is solved again (OR-Tools, warm-started from the old plan) on a copy of the problem
that says what may not move and what moving costs: visits begun stay exactly; visits in the
frozen horizon stay with their engineer; every other job prefers its old engineer (a
``reassign_cost`` for another) and its old start (``move_cost_per_hour`` either way).
Appointments are hard. Only jobs that would otherwise be left out get a second pass with their
appointment relaxed (priced per hour outside it), and the plan lists each it breaks.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.errors import SolverError
from dispatchopt.live.edits import with_changes
from dispatchopt.models import BrokenAppointment, Job, Lock, Plan, Problem, Rule, SoftWindow
from dispatchopt.solvers.objective import weighted_service
from dispatchopt.validate import validate


class Disruption(BaseModel):
    """What changing a promised day costs, in the objective's unit (defaults: a reassigned
    job is worth half an hour of an engineer's time; moving a start by an hour, a fifth of
    that; breaking an appointment, ten times a reassignment per hour outside it).

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


BROKEN_REASON = "no engineer could keep the promised window after the day changed"


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
    warm = _holding(steered, _warm(problem, plan))
    try:
        first = solve(steered, time_limit=time_limit * 0.7, initial_plan=warm, seed=seed)
    except SolverError:
        if warm is None:
            raise
        # The engine refused the old routes and found nothing else in time: plan afresh.
        left = max(0.5, time_limit * 0.7 - (time.perf_counter() - started))
        first = solve(steered, time_limit=left, seed=seed)
    result = _owned_up(problem, first, already, plan)
    waiting = [
        u.job_id for u in first.unassigned if problem.job_by_id[u.job_id].appointment is not None
    ]
    left = time_limit - (time.perf_counter() - started)
    if waiting and left > 0.5:
        relaxed = _steered(problem, plan, now, price, relax=already | set(waiting))
        second = solve(relaxed, time_limit=left, initial_plan=first, seed=seed)
        if weighted_service(problem, second) > weighted_service(problem, first):
            result = _owned_up(problem, second, already | set(waiting), plan)
    problems = validate(problem, result)
    if problems:
        raise SolverError(f"the re-plan does not validate: {problems[0].message}")
    return result


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
    problem: Problem, plan: Plan, now: datetime, price: Disruption, *, relax: set[str]
) -> Problem:
    """The problem the solver sees: locks for what may not move, preferences and soft
    windows for what moving costs, no start before ``now``, ``relax``'s appointments lifted."""
    frozen_until = now + timedelta(minutes=price.frozen_minutes)
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
            if start < now:
                lock = Lock(engineer_id=engineer_id, start=start)
            elif lock is None or lock.start is None:
                if start < frozen_until and lock is None:
                    lock = Lock(engineer_id=engineer_id)
                update["preferred_engineers"] = [engineer_id]
                update["soft_window"] = SoftWindow(
                    start=start,
                    end=start,
                    early_cost_per_hour=price.move_cost_per_hour,
                    late_cost_per_hour=price.move_cost_per_hour,
                )
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
    objective = problem.objective.model_copy(update={"non_preferred_penalty": price.reassign_cost})
    return with_changes(problem, jobs=jobs, objective=objective)


__all__ = ["BROKEN_REASON", "Disruption", "replan"]

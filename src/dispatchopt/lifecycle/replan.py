"""Re-planning a day from the store safely: a plan is validated before it is written, never
kept when it is worse than what is scheduled now or than the greedy baseline, and rebased
(not refused whole) when some of its tickets changed while the solver ran."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING

from dispatchopt.errors import SolverError
from dispatchopt.lifecycle.errors import VersionConflict
from dispatchopt.lifecycle.planning import DayProblem, day_problem, plannable_tickets
from dispatchopt.lifecycle.store.repository import SavedPlan, TicketRepository
from dispatchopt.lifecycle.ticket import Ticket, TicketState
from dispatchopt.models import (
    Job,
    Lock,
    Plan,
    Problem,
    TravelSettings,
    Unassigned,
    UnassignedReason,
)

if TYPE_CHECKING:
    from dispatchopt.live.replan import Disruption

Solve = Callable[..., Plan]
"""``solve(problem, *, time_limit) -> Plan``, like :func:`dispatchopt.solve`."""

CURRENT = "current schedule"
"""The candidate that keeps what the store holds now: choosing it writes nothing."""

MAX_REBASES = 3
"""How many times a plan is rebased onto tickets that changed meanwhile before giving up."""


@dataclass(frozen=True)
class Candidate:
    """One plan considered for the day, as the choice saw it."""

    name: str
    plan: Plan
    served: int
    score: float


@dataclass
class Replan:
    """What re-planning a day did: the plan kept (and why), the tickets left out, what was
    written, and every step in ``log`` (one sentence each, for the command line)."""

    problem: Problem
    plan: Plan
    kept: str
    saved: SavedPlan | None
    skipped: dict[str, str]
    log: list[str] = field(default_factory=list)


def _served(plan: Plan) -> int:
    return sum(len(route.jobs) for route in plan.routes)


def choose(
    problem: Problem,
    candidates: Sequence[tuple[str, Plan | None]],
    *,
    allow_worse: bool = False,
    log: list[str],
) -> Candidate:
    """The best valid candidate: most tickets served, then the lowest objective
    (:func:`~dispatchopt.solvers.objective.plan_score`); on a tie the earlier one. A plan that
    breaks a hard rule is never kept. With ``allow_worse`` the first candidate is kept whenever
    it is valid. Raises :class:`SolverError` when no candidate is valid."""
    from dispatchopt.solvers.objective import plan_score
    from dispatchopt.validate import validate

    valid: list[Candidate] = []
    for name, plan in candidates:
        if plan is None:
            continue
        broken = validate(problem, plan)
        if broken:
            log.append(f"{name}: breaks {len(broken)} hard rule(s), not kept (first: {broken[0]})")
            continue
        valid.append(Candidate(name, plan, _served(plan), plan_score(problem, plan).total))
    if not valid:
        raise SolverError("no plan could be made: every candidate broke a hard rule")
    for c in valid:
        log.append(f"{c.name}: serves {c.served} of {len(problem.jobs)}, objective {c.score:.2f}")
    first = valid[0]
    if allow_worse and first.name == candidates[0][0]:
        log.append(f"kept {first.name} (--allow-worse)")
        return first
    best = min(valid, key=lambda c: (-c.served, c.score))
    best = next(c for c in valid if (c.served, c.score) == (best.served, best.score))
    if best is first:
        log.append(f"kept {best.name}: no other plan serves more or costs less")
    else:
        log.append(
            f"kept {best.name}: {candidates[0][0]} would be worse "
            f"(serves {first.served} vs {best.served}, objective {first.score:.2f} vs "
            f"{best.score:.2f})"
        )
    return best


def _with_locks(problem: Problem, locks: dict[str, Lock], keep: Collection[str]) -> Problem:
    """``problem`` with only the jobs in ``keep``, those in ``locks`` locked there."""
    jobs: list[Job] = [
        j.model_copy(update={"lock": locks[j.id]}) if j.id in locks else j
        for j in problem.jobs
        if j.id in keep
    ]
    data = {name: getattr(problem, name) for name in Problem.model_fields}
    return Problem.model_validate({**data, "jobs": jobs})


def _padded(problem: Problem, plan: Plan, why: str) -> Plan:
    """``plan`` with every job of ``problem`` it does not mention listed as unassigned."""
    named = {s.job_id for r in plan.routes for s in r.jobs} | {u.job_id for u in plan.unassigned}
    extra = [
        Unassigned(job_id=j.id, reason=UnassignedReason.CAPACITY, detail=why)
        for j in problem.jobs
        if j.id not in named
    ]
    return plan.model_copy(update={"unassigned": [*plan.unassigned, *extra]})


def current_plan(problem: Problem, tickets: Sequence[Ticket], seed: int = 0) -> Plan:
    """What the store holds now, as a plan: scheduled and pinned tickets where they are (timed
    by the greedy planner with each one locked), ready ones unplanned."""
    from dispatchopt.solvers import solve_greedy

    locks = {
        t.id: Lock(engineer_id=t.engineer_id, start=t.start)
        for t in tickets
        if t.state is not TicketState.READY and t.engineer_id is not None
    }
    plan = solve_greedy(_with_locks(problem, locks, locks), seed=seed)
    return _padded(problem, plan, "not in the current schedule")


def rebased_plan(problem: Problem, earlier: Plan, changed: Collection[str], seed: int = 0) -> Plan:
    """``earlier`` kept for every ticket that did not change (each locked where it put it), the
    changed ones re-inserted by the greedy planner where they still fit."""
    from dispatchopt.solvers import solve_greedy

    locks = {
        s.job_id: Lock(engineer_id=r.engineer_id, start=s.start)
        for r in earlier.routes
        for s in r.jobs
        if s.job_id not in changed and s.job_id in problem.job_by_id
    }
    for job in problem.jobs:  # pinned tickets keep their own lock
        if job.lock is not None:
            locks[job.id] = job.lock
    plan = solve_greedy(_with_locks(problem, locks, problem.job_by_id), seed=seed)
    return _padded(problem, plan, "left out by the rebase")


def store_zone(store: TicketRepository) -> tzinfo:
    """The zone the store's days are local to: its calendar's, else that of the first
    engineer shift's start (the offset the shifts were written with), else UTC."""
    settings = store.settings()
    if settings.calendar is not None:
        return settings.calendar.zone
    for engineer in store.engineers():
        for shift in engineer.shifts:
            if shift.start.tzinfo is not None:
                return shift.start.tzinfo
    return UTC


def _read_day(
    store: TicketRepository, day: date, travel: TravelSettings | None, tz: tzinfo | None
) -> DayProblem:
    unreadable: dict[str, str] = {}
    zone = tz if tz is not None else store_zone(store)
    read = day_problem(
        plannable_tickets(store.tickets(unreadable=unreadable), day, zone),
        store.engineers(),
        day,
        tz=zone,
        travel=travel,
        planning=store.settings(),
        stock=store.all_stock(),
    )
    read.skipped.update(unreadable)
    return read


def replan_day(
    store: TicketRepository,
    day: date,
    solve: Solve,
    *,
    time_limit: float,
    actor: str = "planner",
    travel: TravelSettings | None = None,
    seed: int = 0,
    allow_worse: bool = False,
    rebases: int = MAX_REBASES,
    tz: tzinfo | None = None,
    disruption: Disruption | None = None,
    now: datetime | None = None,
) -> Replan:
    """Plan ``day``'s tickets and write the plan back, safely. ``day`` is a local day in
    ``tz`` (default :func:`store_zone`: the calendar's zone, else the shifts' offset).

    The solver's plan is compared with the greedy baseline and with the current schedule
    (:func:`choose`); the current schedule winning writes nothing. When tickets changed while
    the solver ran, the kept plan is rebased onto them (:func:`rebased_plan`) and the write
    retried, at most ``rebases`` times; then :class:`VersionConflict` is raised.

    With ``disruption``, on a day that already has scheduled (or pinned) tickets, the solver's
    candidate is :func:`dispatchopt.live.replan` from the current schedule at ``now``
    (default: the clock): scheduled tickets keep their appointments, and moving one to another
    engineer or another time is priced (``solve`` is then not called). A day with none is
    planned by ``solve``.
    """
    from dispatchopt.solvers import solve_greedy

    log: list[str] = []
    read = _read_day(store, day, travel, tz)
    problem = read.problem
    for ticket_id, why in sorted(read.skipped.items()):
        log.append(f"left out {ticket_id}: {why}")
    log.extend(read.notes)
    current = current_plan(problem, read.tickets, seed)
    promised = any(t.state is not TicketState.READY for t in read.tickets)
    try:
        if disruption is None or not promised:
            solved: Plan | None = solve(problem, time_limit=time_limit)
        else:
            from dispatchopt.live.replan import replan

            moment = now if now is not None else datetime.now(UTC)
            solved = replan(
                problem,
                current,
                now=moment,
                time_limit=time_limit,
                disruption=disruption,
                seed=seed,
            )
            log.append("solver: re-planned from the current schedule, keeping its appointments")
    except SolverError as exc:
        log.append(f"solver failed ({exc}); falling back on the other plans")
        solved = None
    # On a tie the earlier wins: the solver's plan, then the current one (no churn), then greedy.
    candidates: list[tuple[str, Plan | None]] = [
        ("solver", solved),
        (CURRENT, current),
        ("greedy", solve_greedy(problem, seed=seed)),
    ]
    for attempt in range(rebases + 1):
        kept = choose(problem, candidates, allow_worse=allow_worse and attempt == 0, log=log)
        if kept.name == CURRENT:
            log.append("nothing written: the current schedule stays")
            return Replan(problem, kept.plan, kept.name, None, read.skipped, log)
        try:
            saved = store.save_plan(kept.plan, read.tickets, day=day, actor=actor)
        except VersionConflict as exc:
            if attempt == rebases:
                log.append(f"gave up after {rebases} rebase(s)")
                raise
            changed = {c.ticket_id for c in exc.conflicts}
            log.append(
                f"{len(changed)} ticket(s) changed meanwhile ({', '.join(sorted(changed))}): "
                "rebasing the plan onto them"
            )
            read = _read_day(store, day, travel, tz)
            problem = read.problem
            candidates = [
                ("rebased", rebased_plan(problem, kept.plan, changed, seed)),
                (CURRENT, current_plan(problem, read.tickets, seed)),
            ]
            continue
        written = len(saved.commands)
        log.append(f"wrote plan #{saved.plan_id}: {written} command(s)")
        return Replan(problem, kept.plan, kept.name, saved, read.skipped, log)
    raise AssertionError("unreachable")  # pragma: no cover

"""Dispatch policies: the manual rule of thumb, the overnight batch plan, rolling re-planning."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, runtime_checkable

from dispatchopt.errors import InputError
from dispatchopt.models import Plan, Problem
from dispatchopt.simulate.state import DispatchState

Queues = Mapping[str, Sequence[str]]
"""Engineer id -> the jobs that engineer should do next, in order."""
Solve = Callable[[Problem], Plan]


@runtime_checkable
class DispatchPolicy(Protocol):
    """What a user implements to try their own dispatch rule in the simulator.

    ``decide`` is called at every decision point (``state.trigger`` says which: ``day_start``,
    ``job_arrives``, ``part_arrives``, ``cancellation``, ``engineer_off``, ``job_finished``,
    ``tick``) and returns new queues for the engineers it wants to change, or ``None`` to keep
    them. Ticks come every ``replan_every_minutes`` (``None``: no ticks). The simulator ignores
    queue entries that are no longer dispatchable (done, under way, cancelled, wrong skill).
    """

    @property
    def name(self) -> str:
        """The policy's label in tables and file names."""
        ...

    @property
    def replan_every_minutes(self) -> float | None:
        """Minutes between ``tick`` decisions (``None``: no ticks)."""
        ...

    def decide(self, state: DispatchState) -> Queues | None:
        """New queues for some engineers, or ``None``."""
        ...


def plan_queues(plan: Plan) -> dict[str, list[str]]:
    """The job order of each route of ``plan``, keyed by engineer id, and the jobs it gives
    each provider, keyed by provider id (a crew job is in every member's queue)."""
    queues = {r.engineer_id: [s.job_id for s in r.stops] for r in plan.routes}
    for o in plan.outsourced:
        queues.setdefault(o.provider_id, []).append(o.job_id)
    return queues


@dataclass(frozen=True)
class GreedyNearest:
    """The manual rule of thumb: whoever is free gets the nearest job they can do now.

    "Can do now" means the skills match, the engineer arrives before the job's window closes
    and no more than ``lookahead_minutes`` before it opens; ties go to the higher priority.
    The dispatcher looks again every ``replan_every_minutes``.
    A crew job goes to a free lead only with enough free helpers (the nearest) to send along;
    a job none of the team may do (skills, territory) goes to the first provider that takes it.
    """

    name: str = "greedy"
    replan_every_minutes: float | None = 15.0
    lookahead_minutes: float = 60.0

    def decide(self, state: DispatchState) -> Queues | None:
        taken: set[str] = {j for q in state.queues.values() for j in q}
        out: dict[str, list[str]] = {}
        self._outsource(state, taken, out)
        idle = list(state.idle)
        for eid in idle:
            if eid in out:
                continue
            options: list[tuple[int, int, str]] = []
            for jid in state.pending:
                if jid in taken or not state.can_do(eid, jid):
                    continue
                job = state.full.job_by_id[jid]
                travel = state.travel_s(eid, jid)
                arrive = state.now + timedelta(seconds=travel)
                if job.time_windows:
                    if all(arrive > w.end for w in job.time_windows):
                        continue
                    opens = min(w.start for w in job.time_windows if w.end >= arrive)
                    if opens > arrive + timedelta(minutes=self.lookahead_minutes):
                        continue
                options.append((travel, -job.priority, jid))
            for _, _, jid in sorted(options):
                crew = self._helpers(state, eid, jid, [e for e in idle if e not in out])
                if crew is None:
                    continue
                for member in (eid, *crew):
                    out[member] = [jid]
                taken.add(jid)
                break
        return out or None

    @staticmethod
    def _helpers(state: DispatchState, lead: str, job_id: str, free: list[str]) -> list[str] | None:
        """The nearest free helpers a crew job needs besides its lead ([] for a one-person
        job), or ``None`` when too few are free."""
        size = state.full.job_by_id[job_id].crew_size
        if size == 1:
            return []
        near = sorted(
            (state.travel_s(e, job_id), e) for e in free if e != lead and state.can_help(e, job_id)
        )
        return [e for _, e in near[: size - 1]] if len(near) >= size - 1 else None

    @staticmethod
    def _outsource(state: DispatchState, taken: set[str], out: dict[str, list[str]]) -> None:
        """Jobs no available engineer may do go to the first provider that takes them."""
        from dispatchopt.models.providers import provider_why_not

        left = {p.id: p.max_jobs - state.outsourced.get(p.id, 0) for p in state.full.providers}
        if not left:
            return
        team = [eid for eid, s in sorted(state.engineers.items()) if s.available]
        for jid in state.pending:
            if jid in taken or any(state.can_do(eid, jid) for eid in team):
                continue
            job = state.full.job_by_id[jid]
            for p in state.full.providers:
                if left[p.id] > 0 and provider_why_not(job, p) is None:
                    out.setdefault(p.id, []).append(jid)
                    left[p.id] -= 1
                    taken.add(jid)
                    break


def _front_door(time_limit: float, seed: int) -> Solve:
    from dispatchopt.solvers.front_door import solve

    return lambda problem: solve(problem, time_limit=time_limit, seed=seed)


@dataclass(frozen=True)
class BatchPlan:
    """The overnight plan only: solve once with the jobs known the evening before, then follow it.

    ``solver`` (problem -> plan) defaults to :func:`dispatchopt.solve` with ``time_limit`` and
    ``seed``.
    """

    name: str = "batch"
    time_limit: float = 5.0
    seed: int = 0
    solver: Solve | None = None
    replan_every_minutes: float | None = None

    def _solve(self, problem: Problem) -> Plan:
        solve = self.solver or _front_door(self.time_limit, self.seed)
        return solve(problem)

    def decide(self, state: DispatchState) -> Queues | None:
        if state.trigger != "day_start" or not state.pending:
            return None
        return plan_queues(self._solve(state.open_problem))


@dataclass(frozen=True)
class RollingReoptimisation(BatchPlan):
    """The overnight plan, re-solved every ``replan_every_minutes`` over the jobs not yet started
    (jobs under way stay with their engineer through ``Job.lock``).

    ``replan_on`` names further triggers that prompt a re-solve at once, e.g.
    ``("job_arrives", "engineer_off")`` so that a same-day emergency does not wait for the tick.
    """

    name: str = "rolling"
    replan_every_minutes: float | None = 60.0
    replan_on: tuple[str, ...] = ()

    def decide(self, state: DispatchState) -> Queues | None:
        triggers = ("day_start", "tick", *self.replan_on)
        if state.trigger not in triggers or not state.pending:
            return None
        queues = plan_queues(self._solve(state.open_problem))
        # Engineers the new plan leaves without work get an empty queue, not their old one.
        out = {eid: queues.get(eid, []) for eid in state.engineers}
        out.update((p.id, queues[p.id]) for p in state.full.providers if p.id in queues)
        return out


EVENT_TRIGGERS = ("job_arrives", "part_arrives", "engineer_off")
"""What ``rolling:N:events`` also re-plans on: new work, and an engineer dropping out."""


def parse_policy(
    spec: str, *, time_limit: float = 5.0, seed: int = 0, solver: Solve | None = None
) -> DispatchPolicy:
    """A policy from its CLI spelling: ``greedy``, ``batch``, ``rolling:MINUTES``,
    ``rolling:MINUTES:events`` (also re-plan at once on :data:`EVENT_TRIGGERS`) or ``live`` /
    ``live:MINUTES`` (:class:`~dispatchopt.simulate.live_dispatch.LiveDispatch`, re-planning
    every MINUTES, default 60; it plans with the live functions, not ``solver``)."""
    kind, _, arg = spec.partition(":")
    if kind == "live":
        from dispatchopt.simulate.live_dispatch import LiveDispatch

        try:
            every = float(arg or 60)
        except ValueError:
            every = -1.0
        if every <= 0:
            raise InputError([("policy", spec, "live needs a positive interval, e.g. live:60")])
        return LiveDispatch(
            name="live" if not arg else f"live:{every:g}",
            replan_every_minutes=every,
            time_limit=time_limit,
            seed=seed,
        )
    if kind == "greedy" and not arg:
        return GreedyNearest()
    if kind == "batch" and not arg:
        return BatchPlan(time_limit=time_limit, seed=seed, solver=solver)
    if kind == "rolling":
        interval, _, flag = arg.partition(":")
        try:
            minutes = float(interval or 60)
        except ValueError:
            minutes = -1.0
        if minutes <= 0 or flag not in ("", "events"):
            raise InputError(
                [("policy", spec, "rolling needs a positive interval, e.g. rolling:60[:events]")]
            )
        return RollingReoptimisation(
            name=f"rolling:{minutes:g}" + (":events" if flag else ""),
            replan_every_minutes=minutes,
            replan_on=EVENT_TRIGGERS if flag else (),
            time_limit=time_limit,
            seed=seed,
            solver=solver,
        )
    raise InputError(
        [
            (
                "policy",
                spec,
                "unknown policy; use greedy, batch, rolling:MINUTES[:events], live[:MINUTES]",
            )
        ]
    )

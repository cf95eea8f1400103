"""The ``live`` policy: insert each new job into the running plan, re-plan with the disruption
settings every N minutes and when the day goes wrong, keeping the appointments promised."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from dispatchopt.errors import InputError
from dispatchopt.live.edits import with_changes
from dispatchopt.live.insert import Update, insert_job
from dispatchopt.live.replan import Disruption, replan
from dispatchopt.live.retime import retimed
from dispatchopt.models import Plan, Problem, Route, Unassigned, UnassignedReason
from dispatchopt.simulate.kpis import sla_tier
from dispatchopt.simulate.policies import Queues, plan_queues
from dispatchopt.simulate.state import DispatchState
from dispatchopt.solvers.objective import plan_score

INSERT_ON = ("job_arrives", "part_arrives")
"""Triggers that put one new job into the plan (``insert_job``; a re-plan when it does not fit)."""
REPLAN_ON = ("tick", "engineer_off")
"""Triggers that re-plan the rest of the day (``replan`` with the disruption settings)."""


@dataclass(frozen=True)
class LiveDispatch:
    """Live dispatch in the simulator.

    At the day's start, solve the known jobs (``time_limit`` seconds). A job that becomes
    dispatchable (called in, or its part delivered) is put in with
    :func:`dispatchopt.live.insert_job` (no one else's visit changes engineer, every promise is
    kept); when an emergency or urgent job does not fit, one of the nearest engineers who may
    do it gives up a lighter visit for it (``bump_engineers``; standard jobs wait for the
    tick); when that fails too, or at a ``tick`` (every ``replan_every_minutes``), or when an
    engineer drops out, or when a finished visit leaves the engineer unable to reach a promised
    window (an overrun), the rest of the day is re-planned by :func:`dispatchopt.live.replan`
    with ``disruption``, every promised window (``DispatchState.appointments``) an appointment.
    """

    name: str = "live"
    replan_every_minutes: float | None = 60.0
    time_limit: float = 5.0
    seed: int = 0
    disruption: Disruption = field(default_factory=Disruption)
    insert_time_limit: float = 0.3
    bump_engineers: int = 3
    """For a job with an SLA clock that fits nowhere: how many of the nearest engineers who
    may do it are asked to give up one lighter visit for it (0: re-plan the day at once)."""
    _day: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def decide(self, state: DispatchState) -> Queues | None:
        if state.trigger == "day_start":
            self._day.clear()
            if not state.pending:
                return None
            from dispatchopt.solvers.front_door import solve

            problem = self._problem(state)
            return self._keep(
                state, problem, solve(problem, time_limit=self.time_limit, seed=self.seed)
            )
        if not state.pending:
            return None
        if "plan" not in self._day:
            return self._replan(state)
        if state.trigger in INSERT_ON and state.subject in state.pending:
            problem = self._promised(state)
            update = self._insert(state, problem, state.subject)
            # A job with a response clock running cannot wait for the next tick.
            if update is None and sla_tier(state.full.job_by_id[state.subject]) != "standard":
                update = self._bump(state, problem, state.subject) if self.bump_engineers else None
                if update is None:
                    return self._replan(state)
            return None if update is None else self._keep(state, *update)
        if state.trigger in REPLAN_ON:
            return self._replan(state)
        if state.trigger == "job_finished" and self._behind(state):
            return self._replan(state)
        return None

    def _problem(self, state: DispatchState) -> Problem:
        """The rest of the day, each pending job holding the window its customer was promised."""
        return _holding_promises(state.open_problem, state)

    def _keep(self, state: DispatchState, problem: Problem, plan: Plan) -> Queues:
        self._day["problem"], self._day["plan"] = problem, plan
        queues = plan_queues(plan)
        return {eid: queues.get(eid, []) for eid in state.engineers}

    def _insert(self, state: DispatchState, problem: Problem, job_id: str) -> Update | None:
        """The plan with the job put in its cheapest place in ``problem`` (the day as promised,
        :meth:`_promised`), or ``None`` when it does not fit."""
        job = state.open_problem.job_by_id[job_id]
        try:
            problem, plan = insert_job(
                problem,
                self._day["plan"],
                job,
                now=state.now,
                time_limit=self.insert_time_limit,
                frozen_minutes=self.disruption.frozen_minutes,
            )
        except InputError:
            return None  # the plan no longer holds the promises as made: re-plan instead
        if plan.route_of(job_id) is None:
            return None
        return Update(problem, plan)

    def _promised(self, state: DispatchState) -> Problem:
        """The last plan's problem holding every window promised since (the promises are made
        when a plan's visits are queued, after the plan)."""
        return _holding_promises(self._day["problem"], state)

    def _bump(self, state: DispatchState, problem: Problem, job_id: str) -> Update | None:
        """The job put in the day of one of the ``bump_engineers`` nearest engineers who may
        do it, in place of one lighter visit of theirs not yet under way (that visit then
        goes to another engineer's day if it fits there, else back to the queue); the
        cheapest such swap by the objective, or ``None`` when none fits. Greedy's strength
        (the nearest engineer goes) without waiting for her to be free: a full re-plan of
        the day in seconds moves everyone, and the emergency goes to whoever has room,
        however far."""
        plan: Plan = self._day["plan"]
        job = state.open_problem.job_by_id[job_id]
        frozen_until = state.now + timedelta(minutes=self.disruption.frozen_minutes)
        pending = set(state.pending)
        near = sorted(
            (state.travel_s(e, job_id), e) for e in state.engineers if state.can_do(e, job_id)
        )[: self.bump_engineers]
        best: tuple[float, Problem, Plan, str] | None = None
        for _, eid in near:
            for route in (r for r in plan.routes if r.engineer_id == eid):
                for stop in route.jobs:
                    victim = problem.job_by_id.get(stop.job_id)
                    if (
                        victim is None
                        or stop.start < frozen_until
                        or stop.job_id not in pending
                        or victim.priority >= job.priority
                        or victim.lock is not None
                    ):
                        continue
                    trimmed = _without(problem, plan, route, stop.job_id, state.now)
                    try:
                        grown, tried = insert_job(
                            problem,
                            trimmed,
                            job,
                            now=state.now,
                            time_limit=self.insert_time_limit,
                            frozen_minutes=self.disruption.frozen_minutes,
                            engineers=[eid],
                        )
                    except InputError:
                        continue  # the trimmed day does not hold as timed again
                    if tried.route_of(job_id) is None:
                        continue
                    total = plan_score(grown, tried).total
                    if best is None or total < best[0]:
                        best = (total, grown, tried, stop.job_id)
        if best is None:
            return None
        _, grown, tried, victim_id = best
        # The visit given up may still fit someone else's day, promise and all.
        again_problem, again = insert_job(
            grown,
            tried,
            grown.job_by_id[victim_id],
            now=state.now,
            time_limit=self.insert_time_limit,
            frozen_minutes=self.disruption.frozen_minutes,
        )
        if again.route_of(victim_id) is not None:
            grown, tried = again_problem, again
        return Update(grown, tried)

    def _replan(self, state: DispatchState) -> Queues:
        problem = self._problem(state)
        before = self._previous(state)
        plan = replan(
            problem,
            before,
            now=state.now,
            time_limit=self.time_limit,
            disruption=self.disruption,
            seed=self.seed,
        )
        return self._keep(state, problem, plan)

    def _previous(self, state: DispatchState) -> Plan:
        """The last plan as it still stands: each visit under way at its real start, then the
        pending jobs not yet due to have started (one that should have begun is placed afresh,
        its appointment still kept)."""
        old: Plan | None = self._day.get("plan")
        if old is None:
            return Plan()
        pending = set(state.pending)
        routes = []
        for route in old.routes:
            st = state.engineers.get(route.engineer_id)
            if st is None or not st.available:
                continue
            stops = []
            for s in route.jobs:
                if s.job_id == st.committed and st.committed_start is not None:
                    stops.append(s.model_copy(update={"start": st.committed_start}))
                elif s.job_id in pending and s.start >= state.now:
                    stops.append(s)
            if stops:
                routes.append(route.model_copy(update={"stops": stops}))
        broken = [b for b in old.broken_appointments if b.job_id in pending]
        return Plan(routes=routes, broken_appointments=broken)

    def _behind(self, state: DispatchState) -> bool:
        """True when the engineer who just finished a visit can no longer reach a promised
        window of their queue in time (travel and planned durations, breaks aside)."""
        eid = state.subject
        if eid is None or eid not in state.engineers:
            return False
        engineer = state.full.engineer_by_id[eid]
        point = state.engineers[eid].point
        clock = state.now
        pending = set(state.pending)
        for jid in state.queues.get(eid, ()):
            if jid not in pending:
                continue
            job = state.full.job_by_id[jid]
            clock += timedelta(
                seconds=state.matrices.duration(point, state.matrices.job_point[jid])
            )
            window = state.appointments.get(jid)
            if window is not None:
                if clock > window.end:
                    return True
                clock = max(clock, window.start)
            level = engineer.skills.get(job.skills[0].skill) if job.skills else None
            clock += timedelta(minutes=job.duration_for_level(level))
            point = state.matrices.job_point[jid]
        return False


def _holding_promises(problem: Problem, state: DispatchState) -> Problem:
    """``problem`` with each pending job holding the window promised to its customer
    (``problem`` itself when every one already does)."""
    pending = set(state.pending)
    changed = {
        j.id
        for j in problem.jobs
        if j.id in pending
        and j.id in state.appointments
        and j.appointment != state.appointments[j.id]
    }
    if not changed:
        return problem
    jobs = [
        j.model_copy(update={"appointment": state.appointments[j.id]}) if j.id in changed else j
        for j in problem.jobs
    ]
    return with_changes(problem, jobs=jobs)


def _without(problem: Problem, plan: Plan, route: Route, job_id: str, now: datetime) -> Plan:
    """``plan`` with ``job_id``'s visit taken off ``route`` (the rest timed again) and listed
    as unassigned."""
    trimmed = route.model_copy(update={"stops": [s for s in route.stops if s.job_id != job_id]})
    timed = retimed(problem, Plan(routes=[trimmed]), now).routes
    routes = [
        timed[0] if r is route and timed else r for r in plan.routes if r is not route or timed
    ]
    shed = {s.job_id for s in trimmed.jobs} - {s.job_id for r in timed for s in r.jobs}
    left = [
        Unassigned(job_id=j, reason=UnassignedReason.CAPACITY, detail=BUMPED)
        for j in sorted({job_id} | shed)
    ]
    return plan.model_copy(
        update={
            "routes": routes,
            "unassigned": [
                *(u for u in plan.unassigned if u.job_id not in {x.job_id for x in left}),
                *left,
            ],
        }
    )


BUMPED = "gave up its place to a job with an SLA clock running"


__all__ = ["INSERT_ON", "REPLAN_ON", "LiveDispatch"]

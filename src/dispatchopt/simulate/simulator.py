"""Replays a scenario through the day under a dispatch policy and records what really happened."""

from __future__ import annotations

import heapq
import time as wallclock
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dispatchopt.matrices import problem_matrices
from dispatchopt.models import (
    Break,
    BreakTaken,
    Job,
    Location,
    Outsourced,
    Plan,
    Route,
    Stop,
    TimeWindow,
    Unassigned,
    UnassignedReason,
)
from dispatchopt.models.eligibility import may_do, why_not_helper
from dispatchopt.models.providers import provider_why_not
from dispatchopt.scenarios.scenario import (
    EngineerOff,
    JobArrives,
    JobCancelled,
    PartArrives,
    Scenario,
)
from dispatchopt.simulate.policies import DispatchPolicy
from dispatchopt.simulate.promises import Promise, promise
from dispatchopt.simulate.state import DispatchState, EngineerState

# Order of simultaneous happenings: the world first, then engineers freeing up, then ticks.
_WORLD, _FREE, _TICK = 0, 1, 2


@dataclass
class SimulationResult:
    """One policy's day: the executed plan (actual times) and when each job became known."""

    policy: str
    scenario: Scenario
    plan: Plan
    known_at: dict[str, datetime]
    cancelled: set[str]
    off_engineers: set[str]
    decisions: int = 0
    solve_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    promises: dict[str, Promise] = field(default_factory=dict)
    """The appointment each job was given when first planned (see ``simulate.promises``)."""


@dataclass(frozen=True)
class _Visit:
    """How a visit would go if the engineer left for it at ``leave`` (before any break)."""

    taken: list[BreakTaken]
    kept: list[Break]
    leave: datetime
    travel: timedelta
    arrival: datetime
    start: datetime
    planned: timedelta


@dataclass
class _Gathering:
    """A crew job being assembled: who is on the way (or waiting at the door) and who the
    plan expects still."""

    job_id: str
    expected: set[str]
    arrived: dict[str, _Visit] = field(default_factory=dict)
    lead: str | None = None


@dataclass
class _Route:
    departure: datetime | None = None
    stops: list[Stop] = field(default_factory=list)
    breaks: list[BreakTaken] = field(default_factory=list)


def simulate(scenario: Scenario, policy: DispatchPolicy) -> SimulationResult:
    """Run ``policy`` through ``scenario``'s day; deterministic for a deterministic policy.

    Engineers follow their queue: when free they take the next dispatchable job, take their
    break first if the visit would end after the break's latest start, drive, wait for the
    window, and work the job's *actual* duration. A visit that would end (as planned) past the
    shift plus overtime allowance is skipped. A visit whose on-site part is on the van is a
    first-time fix (``Stop.first_time_fix`` 1.0, one unit used), else 0.0. A cancellation only
    stops a visit not yet dispatched (once an engineer is on the way the visit happens).
    Single-shift days: the simulator uses each engineer's first shift.

    Crews: a job with ``crew_size`` > 1 starts when its whole crew is there (the first to
    arrive waits at the door; the plan's crew members keep the job in their queues through
    re-plans); a crew not complete by the job's latest start disperses, and the job goes back to
    the policy. Providers: a queue keyed by a provider id (``plan.outsourced`` of a solver
    policy) gives it those jobs, within its quota and rules; they are in ``plan.outsourced``.
    ``Engineer.max_jobs`` caps the visits an engineer starts.

    Appointments: when a job first appears in a queue, its customer is promised a window
    around the start the simulator projects for it (:mod:`dispatchopt.simulate.promises`);
    the engineer waits for that window to open, and the policy sees it in
    ``DispatchState.appointments``.
    """
    return _Simulation(scenario, policy).run()


class _Simulation:
    def __init__(self, scenario: Scenario, policy: DispatchPolicy) -> None:
        self.sc = scenario
        self.policy = policy
        self.problem = scenario.problem
        self.m = problem_matrices(self.problem)
        self.point_location: dict[int, Location] = {}
        for j in self.problem.jobs:
            self.point_location.setdefault(self.m.job_point[j.id], j.location)
        for e in self.problem.engineers:
            self.point_location.setdefault(self.m.start_point[e.id], e.start_location)
            self.point_location.setdefault(self.m.end_point[e.id], e.home)
        self.states = {
            e.id: EngineerState(
                e.id,
                self.m.start_point[e.id],
                e.shifts[0].start,
                breaks_left=sorted(e.shifts[0].breaks, key=lambda b: b.window.start),
            )
            for e in self.problem.engineers
        }
        self.routes = {e.id: _Route() for e in self.problem.engineers}
        self.van = {e.id: dict(e.van_stock) for e in self.problem.engineers}
        self.queues: dict[str, list[str]] = {e.id: [] for e in self.problem.engineers}
        self.unknown = {ev.job_id for ev in scenario.events if isinstance(ev, JobArrives)}
        self.on_hold = {ev.job_id for ev in scenario.events if isinstance(ev, PartArrives)}
        self.known_at: dict[str, datetime] = {}
        self.cancelled: set[str] = set()
        self.off: set[str] = set()
        self.started: set[str] = set()
        self.gather: dict[str, _Gathering] = {}
        self.providers = {p.id: p for p in self.problem.providers}
        self.outsourced: list[Outsourced] = []
        self.visits: dict[str, int] = {e.id: 0 for e in self.problem.engineers}
        self.heap: list[tuple[datetime, int, int, str, str]] = []
        self.seq = 0
        self.result = SimulationResult(
            policy.name, scenario, Plan(), self.known_at, self.cancelled, self.off
        )

    def push(self, at: datetime, order: int, kind: str, subject: str) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, order, self.seq, kind, subject))

    def run(self) -> SimulationResult:
        plan_at = self.sc.plan_time()
        for job in self.problem.jobs:
            if job.id not in self.unknown:
                self.known_at[job.id] = plan_at
        for ev in self.sc.events:
            subject = ev.engineer_id if isinstance(ev, EngineerOff) else ev.job_id
            self.push(max(ev.at, plan_at), _WORLD, ev.kind, subject)
        for e in self.problem.engineers:
            self.push(e.shifts[0].start, _FREE, "engineer_free", e.id)
        first = min(e.shifts[0].start for e in self.problem.engineers)
        last = max(e.shifts[0].end for e in self.problem.engineers)
        every = self.policy.replan_every_minutes
        if every:
            tick = first + timedelta(minutes=every)
            while tick < last:
                self.push(tick, _TICK, "tick", "")
                tick += timedelta(minutes=every)
        self.decide(plan_at, "day_start", None)
        while self.heap:
            now, _, _, kind, subject = heapq.heappop(self.heap)
            trigger = self.apply(now, kind, subject)
            if trigger is not None:
                self.decide(now, trigger, subject)
            self.dispatch_all(now)
        return self.finish()

    def apply(self, now: datetime, kind: str, subject: str) -> str | None:
        """Change the world; return the trigger name for the policy (None: nothing to decide)."""
        if kind == JobArrives.model_fields["kind"].default:
            self.unknown.discard(subject)
            self.known_at[subject] = now
        elif kind == PartArrives.model_fields["kind"].default:
            self.on_hold.discard(subject)
        elif kind == JobCancelled.model_fields["kind"].default:
            if subject in self.started:
                return None
            self.cancelled.add(subject)
            for q in self.queues.values():
                if subject in q:
                    q.remove(subject)
        elif kind == EngineerOff.model_fields["kind"].default:
            self.off.add(subject)
            self.states[subject].available = False
            self.queues[subject] = []
        elif kind == "job_done":
            st = self.states[subject]
            st.point = self.m.job_point[st.committed or ""]
            st.free_at = now
            st.committed = None
            st.committed_start = None
            return "job_finished"
        elif kind == "engineer_free":
            return "engineer_free"
        elif kind == "crew_timeout":
            return self.disperse(now, subject)
        return kind

    def pending(self) -> tuple[str, ...]:
        return tuple(
            j.id
            for j in self.problem.jobs
            if j.id not in self.unknown
            and j.id not in self.on_hold
            and j.id not in self.cancelled
            and j.id not in self.started
            and j.id not in self.gather
        )

    def decide(self, now: datetime, trigger: str, subject: str | None) -> None:
        state = DispatchState(
            now=now,
            trigger=trigger,
            full=self.problem,
            matrices=self.m,
            engineers=self.states,
            pending=self.pending(),
            queues={k: tuple(v) for k, v in self.queues.items()},
            point_location=self.point_location,
            subject=subject,
            appointments={j: p.window for j, p in self.result.promises.items()},
            outsourced=self.quota_used(),
        )
        t0 = wallclock.perf_counter()
        new = self.policy.decide(state)
        self.result.solve_seconds += wallclock.perf_counter() - t0
        self.result.decisions += 1
        if not new:
            return
        for eid, jobs in sorted(new.items()):
            if eid in self.queues and self.states[eid].available:
                self.queues[eid] = [j for j in jobs if j in self.problem.job_by_id]
            elif eid in self.providers:
                self.outsource(eid, jobs, now)
        for g in self.gather.values():
            # A crew on its way is not broken up by a re-plan: the members still expected keep
            # the job at the head of their queue.
            for eid in sorted(g.expected - set(g.arrived)):
                queue = self.queues[eid]
                if self.states[eid].available and g.job_id not in queue:
                    queue.insert(0, g.job_id)
        self.promise_new(now)

    def quota_used(self) -> dict[str, int]:
        """Jobs each provider has taken so far."""
        used = {pid: 0 for pid in self.providers}
        for o in self.outsourced:
            used[o.provider_id] += 1
        return used

    def outsource(self, provider_id: str, jobs: Sequence[str], now: datetime) -> None:
        """Give ``jobs`` to the provider, those it may take, within its quota."""
        provider = self.providers[provider_id]
        left = provider.max_jobs - self.quota_used()[provider_id]
        pending = set(self.pending())
        for jid in jobs:
            if left <= 0:
                return
            job = self.problem.job_by_id.get(jid)
            if job is None or jid not in pending or provider_why_not(job, provider) is not None:
                continue
            opens = max([now, provider.earliest_start or now, job.earliest_start or now])
            window = next(
                (
                    TimeWindow(start=max(w.start, opens), end=w.end)
                    for w in sorted(job.time_windows, key=lambda w: w.start)
                    if w.end >= opens
                ),
                None,
            )
            if job.time_windows and window is None:
                continue
            self.outsourced.append(
                Outsourced(
                    job_id=jid, provider_id=provider_id, fee=provider.fee_for(job), window=window
                )
            )
            self.started.add(jid)
            for q in self.queues.values():
                if jid in q:
                    q.remove(jid)
            left -= 1

    def promise_new(self, now: datetime) -> None:
        """Promise a window to each queued job not yet promised one, around the start its
        engineer's queue projects for it (planned durations, as the dispatcher knows them)."""
        promises = self.result.promises
        if all(j in promises for q in self.queues.values() for j in q):
            return
        pending = set(self.pending())
        for eid in sorted(self.queues):
            st = self.states[eid]
            if not st.available or all(j in promises for j in self.queues[eid]):
                continue
            point, free = st.point, st.free_at
            if st.committed is not None and st.committed_start is not None:
                point = self.m.job_point[st.committed]
                free = st.committed_start + self._planned(eid, st.committed)
            breaks = st.breaks_left
            for jid in self.queues[eid]:
                if jid not in pending or not self._can_do(eid, jid):
                    continue
                shift_start = self.problem.engineer_by_id[eid].shifts[0].start
                visit = self._visit(eid, jid, point, max(free, now, shift_start), breaks)
                if visit is None:
                    continue
                if jid not in promises:
                    promises[jid] = promise(jid, eid, visit.start, now)
                point, free = self.m.job_point[jid], visit.start + visit.planned
                breaks = visit.kept

    def _planned(self, eid: str, jid: str) -> timedelta:
        """The visit's planned length for this engineer (the level their skill gives)."""
        job = self.problem.job_by_id[jid]
        eng = self.problem.engineer_by_id[eid]
        level = eng.skills.get(job.skills[0].skill) if job.skills else None
        return timedelta(minutes=job.duration_for_level(level))

    def _visit(
        self, eid: str, jid: str, point: int, leave: datetime, breaks: list[Break]
    ) -> _Visit | None:
        """The visit to ``jid`` leaving ``point`` at ``leave`` (a break first when the visit
        would end past the break's latest start), or ``None`` when it would end, as planned,
        past the shift plus overtime allowance."""
        job = self.problem.job_by_id[jid]
        eng = self.problem.engineer_by_id[eid]
        limit = eng.shifts[0].end + timedelta(minutes=eng.overtime_minutes)
        planned = self._planned(eid, jid)
        there = self.m.job_point[jid]
        travel = timedelta(seconds=self.m.duration(point, there))
        home = timedelta(seconds=self.m.duration(there, self.m.end_point[eid]))
        taken: list[BreakTaken] = []
        kept = []
        for brk in breaks:
            length = timedelta(minutes=brk.duration_minutes)
            start, _ = self._start(job, leave + travel)
            if start + planned > brk.window.end - length or leave >= brk.window.end - length:
                b0 = max(leave, brk.window.start)
                taken.append(BreakTaken(start=b0, end=b0 + length))
                leave = b0 + length
            else:
                kept.append(brk)
        arrival = leave + travel
        start, _ = self._start(job, arrival)
        if start + planned + home > limit:
            return None
        return _Visit(taken, kept, leave, travel, arrival, start, planned)

    def dispatch_all(self, now: datetime) -> None:
        for eid in sorted(self.states):
            st = self.states[eid]
            if st.available and st.committed is None and st.free_at <= now and self.queues[eid]:
                self.dispatch(eid, now)

    def dispatch(self, eid: str, now: datetime) -> None:
        st = self.states[eid]
        shift = self.problem.engineer_by_id[eid].shifts[0]
        pending = set(self.pending())
        queue = self.queues[eid]
        while queue:
            jid = queue.pop(0)
            job = self.problem.job_by_id[jid]
            if jid in self.gather or (jid in pending and job.crew_size > 1):
                if self._join(eid, jid, now):
                    return
                continue
            if jid not in pending or not self._can_do(eid, jid):
                continue
            visit = self._visit(eid, jid, st.point, max(now, shift.start), st.breaks_left)
            if visit is None:
                continue
            self._set_off(eid, jid, visit)
            # The scenario's actual minutes are for the required level; a senior is as much faster
            # in reality as the plan assumes.
            base = job.duration_minutes
            actual = timedelta(minutes=self.sc.actual_minutes.get(jid, base))
            if base > 0:
                actual = actual * (visit.planned / timedelta(minutes=base))
            # Whole seconds, as plans are: a re-plan's lock on this visit then holds exactly.
            end = visit.start + timedelta(seconds=round(actual.total_seconds()))
            self._record(eid, job, visit, visit.start, end, self._fixes(eid, jid), [])
            self.started.add(jid)
            return

    def _at_cap(self, eid: str) -> bool:
        """True when the engineer has started as many visits as ``max_jobs`` allows."""
        cap = self.problem.engineer_by_id[eid].max_jobs
        return cap is not None and self.visits[eid] >= cap

    def _set_off(self, eid: str, jid: str, visit: _Visit) -> None:
        """The engineer leaves for ``jid`` as ``visit`` says (breaks on the way taken)."""
        st = self.states[eid]
        st.breaks_left = visit.kept
        self.routes[eid].breaks.extend(visit.taken)
        st.free_at = visit.leave
        st.committed = jid
        st.committed_start = visit.start

    def _fixes(self, eid: str, jid: str) -> bool:
        """Whether the visit fixes the job first time (its on-site part on the van, one used)."""
        need = self.sc.on_site_part.get(jid)
        fixed = need is None or self.van[eid].get(need, 0) > 0
        if need is not None and fixed:
            self.van[eid][need] -= 1
        return fixed

    def _record(
        self,
        eid: str,
        job: Job,
        visit: _Visit,
        start: datetime,
        end: datetime,
        fixed: bool,
        crew: list[str],
    ) -> None:
        """The visit as it happens, on the engineer's route; free again at ``end``."""
        st = self.states[eid]
        route = self.routes[eid]
        if route.departure is None:
            route.departure = visit.leave
        route.stops.append(
            Stop(
                job_id=job.id,
                arrival=visit.arrival,
                start=start,
                end=end,
                travel_s=int(visit.travel.total_seconds()),
                distance_m=self.m.distance(st.point, self.m.job_point[job.id]),
                wait_s=int((start - visit.arrival).total_seconds()),
                first_time_fix=1.0 if fixed else 0.0,
                customer=job.customer,
                address=job.address,
                crew=crew,
            )
        )
        self.visits[eid] += 1
        st.committed_start = start
        self.push(end, _FREE, "job_done", eid)

    def _join(self, eid: str, jid: str, now: datetime) -> bool:
        """``eid`` sets off for crew job ``jid`` (the first member opens its gathering); the
        visit starts once the whole crew is there. False when ``eid`` cannot be a member
        (unqualified, the crew's last place is for a lead, or no time left today)."""
        job = self.problem.job_by_id[jid]
        eng = self.problem.engineer_by_id[eid]
        if self._at_cap(eid):
            return False
        g = self.gather.get(jid)
        lead_ok = may_do(job, eng)
        helper_ok = why_not_helper(job, eng) is None
        has_lead = g is not None and g.lead is not None
        missing = job.crew_size - (len(g.arrived) if g else 0)
        if not (lead_ok or (helper_ok and (has_lead or missing > 1))):
            return False
        st = self.states[eid]
        shift = eng.shifts[0]
        visit = self._visit(eid, jid, st.point, max(now, shift.start), st.breaks_left)
        if visit is None:
            return False
        if g is None:
            expected = {e for e, q in self.queues.items() if jid in q and e != eid}
            g = self.gather[jid] = _Gathering(jid, expected)
            self.push(self._latest_start(job), _WORLD, "crew_timeout", jid)
        g.arrived[eid] = visit
        if g.lead is None and lead_ok:
            g.lead = eid
        self._set_off(eid, jid, visit)
        if len(g.arrived) == job.crew_size:
            self._start_crew(g)
        return True

    def _latest_start(self, job: Job) -> datetime:
        """The last moment a crew visit may still start (its last window's end)."""
        ends = [w.end for w in job.time_windows]
        if ends:
            return max(ends)
        return max(e.shifts[0].end for e in self.problem.engineers)

    def _start_crew(self, g: _Gathering) -> None:
        """The whole crew is there: the visit starts when the last member arrives."""
        job = self.problem.job_by_id[g.job_id]
        assert g.lead is not None
        start = max(v.start for v in g.arrived.values())
        base = timedelta(minutes=job.duration_minutes)
        actual = timedelta(minutes=self.sc.actual_minutes.get(g.job_id, job.duration_minutes))
        end = start + timedelta(seconds=round(actual.total_seconds())) if base else start
        crew = [g.lead, *sorted(e for e in g.arrived if e != g.lead)]
        fixed = self._fixes(g.lead, g.job_id)
        for eid in crew:
            self._record(eid, job, g.arrived[eid], start, end, fixed, crew)
        self.started.add(g.job_id)
        del self.gather[g.job_id]

    def disperse(self, now: datetime, jid: str) -> str | None:
        """The crew of ``jid`` did not gather in time: those who came leave again (they drove
        there for nothing) and the job goes back to the policy."""
        g = self.gather.pop(jid, None)
        if g is None:
            return None
        point = self.m.job_point[jid]
        for eid, visit in sorted(g.arrived.items()):
            st = self.states[eid]
            st.point = point
            st.free_at = max(now, visit.arrival)
            st.committed = None
            st.committed_start = None
        self.result.notes.append(f"crew for {jid} not complete by {now.isoformat()}")
        return "crew_dispersed"

    def _start(self, job: Job, arrival: datetime) -> tuple[datetime, bool]:
        """The service start for an engineer arriving at ``arrival`` (not before the job's
        release or its promised window), and whether it is on time."""
        t = arrival
        if job.earliest_start is not None:
            t = max(t, job.earliest_start)
        promised = self.result.promises.get(job.id)
        if promised is not None:
            t = max(t, promised.window.start)
        if not job.time_windows:
            return t, True
        for w in sorted(job.time_windows, key=lambda w: w.start):
            if t <= w.end:
                return max(t, w.start), True
        return t, False

    def _can_do(self, eid: str, jid: str) -> bool:
        if self._at_cap(eid):
            return False
        return may_do(self.problem.job_by_id[jid], self.problem.engineer_by_id[eid])

    def finish(self) -> SimulationResult:
        routes: list[Route] = []
        for eid in sorted(self.routes):
            r = self.routes[eid]
            if not r.stops or r.departure is None:
                continue
            st = self.states[eid]
            last = r.stops[-1]
            free = last.end
            for brk in st.breaks_left:
                b0 = max(brk.window.start, free)
                if b0 + timedelta(minutes=brk.duration_minutes) > brk.window.end:
                    continue  # the day gave no room for it: a missed break
                r.breaks.append(
                    BreakTaken(start=b0, end=b0 + timedelta(minutes=brk.duration_minutes))
                )
                free = max(free, r.breaks[-1].end) if b0 >= last.end else free
            home_point = self.m.end_point[eid]
            ret = self.m.duration(self.m.job_point[last.job_id], home_point)
            routes.append(
                Route(
                    engineer_id=eid,
                    shift_index=0,
                    departure=r.departure,
                    arrival=free + timedelta(seconds=ret),
                    stops=r.stops,
                    breaks=sorted(r.breaks, key=lambda b: b.start),
                    return_travel_s=ret,
                    return_distance_m=self.m.distance(self.m.job_point[last.job_id], home_point),
                )
            )
        served = {s.job_id for r in routes for s in r.stops}
        served |= {o.job_id for o in self.outsourced}
        unassigned = [
            Unassigned(
                job_id=j.id,
                reason=UnassignedReason.CAPACITY,
                detail=f"not served by the end of the day under policy {self.policy.name}",
            )
            for j in self.problem.jobs
            if j.id not in served and j.id not in self.cancelled
        ]
        self.result.plan = Plan(
            routes=routes,
            unassigned=unassigned,
            outsourced=sorted(self.outsourced, key=lambda o: o.job_id),
        )
        return self.result

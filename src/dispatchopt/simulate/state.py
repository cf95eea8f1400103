"""What a dispatch policy sees at a decision point: the clock, the known work and the engineers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from dispatchopt.matrices import ProblemMatrices
from dispatchopt.models import Break, Job, Location, Lock, Problem, Shift, TimeWindow
from dispatchopt.models.eligibility import may_do, why_not_helper


@dataclass
class EngineerState:
    """Where an engineer is and from when they are free; ``committed`` is the job under way."""

    engineer_id: str
    point: int
    free_at: datetime
    available: bool = True
    committed: str | None = None
    committed_start: datetime | None = None
    breaks_left: list[Break] = field(default_factory=list)


@dataclass
class DispatchState:
    """A read-only view for :class:`~dispatchopt.simulate.policies.DispatchPolicy` at ``now``.

    ``pending`` are known, dispatchable jobs nobody has started; ``queues`` are the engineers'
    current lists of next jobs; ``appointments`` the windows promised so far.
    :meth:`open_problem` is the rest of the day as a :class:`Problem` a solver can take:
    pending jobs, plus each committed job locked to its engineer at its start (that engineer's
    day resumes at its door, from ``now`` or from the visit's start if it began earlier); free
    engineers resume where they are, from ``now``.
    """

    now: datetime
    trigger: str
    full: Problem
    matrices: ProblemMatrices
    engineers: Mapping[str, EngineerState]
    pending: tuple[str, ...]
    queues: Mapping[str, tuple[str, ...]]
    point_location: Mapping[int, Location]
    subject: str | None = None
    appointments: Mapping[str, TimeWindow] = field(default_factory=dict)
    """Job id -> the window its customer was promised (given when the job was first queued)."""
    outsourced: Mapping[str, int] = field(default_factory=dict)
    """Provider id -> jobs it has taken so far today (its quota left is ``max_jobs`` less)."""

    @property
    def idle(self) -> tuple[str, ...]:
        """Available engineers with nothing under way and nothing queued, free by now."""
        return tuple(
            eid
            for eid, s in sorted(self.engineers.items())
            if s.available
            and s.committed is None
            and not self.queues.get(eid)
            and s.free_at <= self.now
        )

    def can_do(self, engineer_id: str, job_id: str) -> bool:
        """True when the engineer holds the job's skills and restrictions allow the visit."""
        return may_do(self.full.job_by_id[job_id], self.full.engineer_by_id[engineer_id])

    def can_help(self, engineer_id: str, job_id: str) -> bool:
        """True when the engineer may be a non-lead member of the job's crew."""
        job = self.full.job_by_id[job_id]
        return why_not_helper(job, self.full.engineer_by_id[engineer_id]) is None

    def travel_s(self, engineer_id: str, job_id: str) -> int:
        """Driving seconds from the engineer's current point to the job."""
        return self.matrices.duration(
            self.engineers[engineer_id].point, self.matrices.job_point[job_id]
        )

    @cached_property
    def open_problem(self) -> Problem:
        """The rest of the day as a problem (built once per decision, on demand)."""
        jobs: list[Job] = []
        engineers = []
        for eid, st in sorted(self.engineers.items()):
            if not st.available:
                continue
            eng = self.full.engineer_by_id[eid]
            shift = eng.shifts[0]
            crew_visit = (
                st.committed is not None
                and st.committed_start is not None
                and self.full.job_by_id[st.committed].crew_size > 1
            )
            if crew_visit:
                # At (or on the way to) a crew visit: free again at its door once it is done.
                assert st.committed is not None and st.committed_start is not None
                crew_job = self.full.job_by_id[st.committed]
                start = max(
                    self.now,
                    st.committed_start + timedelta(minutes=crew_job.duration_minutes),
                )
                where = crew_job.location
            elif st.committed is not None and st.committed_start is not None:
                # On the way to (or at) the committed visit: plan from its door, never from a
                # moment already past, so no one is planned into time the engineer has spent.
                start = min(self.now, st.committed_start)
                where = self.full.job_by_id[st.committed].location
            else:
                start = max(st.free_at, self.now)
                where = self.point_location[st.point]
            if start >= shift.end + timedelta(minutes=eng.overtime_minutes):
                continue
            end = max(shift.end, start + timedelta(minutes=1))
            breaks = []
            for brk in st.breaks_left:
                w0 = max(brk.window.start, start)
                if (
                    brk.window.end - w0
                ).total_seconds() / 60 >= brk.duration_minutes and brk.window.end <= end:
                    breaks.append(
                        Break(
                            window=TimeWindow(start=w0, end=brk.window.end),
                            duration_minutes=brk.duration_minutes,
                        )
                    )
            overtime = eng.overtime_minutes
            if end > shift.end:
                overtime = max(0.0, overtime - (end - shift.end).total_seconds() / 60)
            engineers.append(
                eng.model_copy(
                    update={
                        "start_location": where,
                        "end_location": eng.home,
                        "shifts": [Shift(start=start, end=end, breaks=breaks)],
                        "overtime_minutes": overtime,
                    }
                )
            )
            if not crew_visit and st.committed is not None and st.committed_start is not None:
                job = self.full.job_by_id[st.committed]
                jobs.append(
                    job.model_copy(
                        update={
                            "lock": Lock(engineer_id=eid, start=st.committed_start),
                            "time_windows": [],
                            "earliest_start": None,
                            "after": [],
                        }
                    )
                )
        for jid in self.pending:
            job = self.full.job_by_id[jid]
            jobs.append(job.model_copy(update={"after": [], "lock": None}))
        known_engineers = {e.id for e in engineers}
        cleaned = []
        for job in jobs:
            update = {
                f: [e for e in getattr(job, f) if e in known_engineers]
                for f in ("required_engineers", "preferred_engineers", "excluded_engineers")
            }
            cleaned.append(job.model_copy(update=update))
        # Every other field (parts catalogue, depots, SLA policies, calendar...) carries over.
        data = {name: getattr(self.full, name) for name in Problem.model_fields}
        providers = [
            p.model_copy(update={"max_jobs": max(0, p.max_jobs - self.outsourced.get(p.id, 0))})
            for p in self.full.providers
        ]
        data.update(
            name=f"{self.full.name} @ {self.now.isoformat()}",
            jobs=cleaned,
            engineers=engineers,
            providers=providers,
        )
        return Problem.model_validate(data)

"""Which vehicles could ever serve a job: the eligibility rule applied to a whole fleet at once.

:class:`Fleet` holds per-vehicle arrays so that a day of thousands of jobs is checked with numpy
rather than a Python loop over every (job, engineer) pair.
"""

from __future__ import annotations

import numpy as np

from dispatchopt.matrices import ProblemMatrices
from dispatchopt.models import Job, Problem, UnassignedReason
from dispatchopt.models.eligibility import holds_skills, restriction_of
from dispatchopt.solvers.compiled.data import Rejection, Vehicle


class Fleet:
    """Per-vehicle arrays that every job's eligibility check reads (built once per compile)."""

    def __init__(self, problem: Problem, vehicles: list[Vehicle], mats: ProblemMatrices) -> None:
        self.problem = problem
        self.vehicles = vehicles
        self.mats = mats
        self.engineers = [problem.engineer_by_id[v.engineer_id] for v in vehicles]
        self.start_pt = np.array(
            [mats.start_point[v.engineer_id] for v in vehicles], dtype=np.int64
        )
        self.end_pt = np.array([mats.end_point[v.engineer_id] for v in vehicles], dtype=np.int64)
        self.shift_start = np.array([v.shift_start for v in vehicles], dtype=np.int64)
        self.hard_end = np.array([v.hard_end for v in vehicles], dtype=np.int64)
        self.max_span = np.array(
            [np.iinfo(np.int64).max if v.max_span is None else v.max_span for v in vehicles],
            dtype=np.int64,
        )
        groups: dict[tuple[str | None, int, int], list[int]] = {}
        for i, (v, eng) in enumerate(zip(vehicles, self.engineers, strict=True)):
            key = (eng.vehicle_profile, v.shift_start, v.hard_end)
            if mats.profile_of(eng.vehicle_profile) is None:
                key = (eng.vehicle_profile, 0, 0)
            groups.setdefault(key, []).append(i)
        self.travel_groups = [
            (mats.durations_between(*key), np.array(idx, dtype=np.int64))
            for key, idx in groups.items()
        ]
        self._skilled: dict[tuple[tuple[str, int], ...], list[int]] = {}
        self._levels: dict[str, list[int | None]] = {}

    def skilled(self, job: Job) -> list[int]:
        """Vehicles whose engineer meets every skill requirement (memoised per requirement set)."""
        key = tuple(sorted((r.skill, r.level) for r in job.skills))
        if key not in self._skilled:
            self._skilled[key] = [
                i for i, eng in enumerate(self.engineers) if holds_skills(job, eng)
            ]
        return self._skilled[key]

    def service(self, job: Job) -> tuple[int, ...]:
        """On-site seconds per vehicle: the job's duration at each engineer's lead-skill level."""
        if not job.duration_by_level:
            seconds = round(job.duration_minutes * 60)
            return (seconds,) * len(self.vehicles)
        lead = job.skills[0].skill
        if lead not in self._levels:
            self._levels[lead] = [eng.skills.get(lead) for eng in self.engineers]
        memo: dict[int | None, int] = {}
        out = []
        for level in self._levels[lead]:
            if level not in memo:
                memo[level] = round(job.duration_for_level(level) * 60)
            out.append(memo[level])
        return tuple(out)

    def reachable(
        self,
        candidates: list[int],
        point: int,
        service: tuple[int, ...],
        wins: list[tuple[int, int]],
    ) -> list[int]:
        """Candidates that can drive out, serve inside a window and get home within the shift."""
        go = np.zeros(len(self.vehicles), dtype=np.int64)
        back = np.zeros(len(self.vehicles), dtype=np.int64)
        for matrix, idx in self.travel_groups:
            go[idx] = matrix[self.start_pt[idx], point]
            back[idx] = matrix[point, self.end_pt[idx]]
        cand = np.asarray(candidates, dtype=np.int64)
        on_site = np.asarray(service, dtype=np.int64)[cand]
        earliest = self.shift_start[cand] + go[cand]
        latest = self.hard_end[cand] - back[cand] - on_site
        fits = go[cand] + on_site + back[cand] <= self.max_span[cand]
        in_window = np.zeros(len(cand), dtype=bool)
        for a, b in wins:
            in_window |= np.maximum(a, earliest) <= np.minimum(b, latest)
        return [int(i) for i in cand[fits & in_window]]


def _capacity(vehicle: Vehicle) -> float:
    return float("inf") if vehicle.capacity is None else vehicle.capacity


def allowed_vehicles(
    fleet: Fleet, job: Job, wins: list[tuple[int, int]]
) -> tuple[list[int], list[tuple[int, int]]] | Rejection:
    """The vehicles that could serve ``job`` inside ``wins``, or why none can (checked in a
    fixed order: engineers, skills, restrictions and locks, capacity, reachability)."""
    vehicles = fleet.vehicles
    if not vehicles:
        return Rejection(
            job.id, UnassignedReason.NO_ENGINEERS, "the problem has no engineers to send"
        )
    skilled = fleet.skilled(job)
    if not skilled:
        needs = ", ".join(f"{r.skill}>={r.level}" for r in job.skills)
        return Rejection(
            job.id,
            UnassignedReason.NO_ENGINEER_WITH_SKILL,
            f"no engineer has the skills it needs ({needs})",
        )
    permitted = [i for i in skilled if restriction_of(job, vehicles[i].engineer_id) is None]
    if not permitted:
        if job.lock is not None:
            return Rejection(
                job.id,
                UnassignedReason.LOCK_INFEASIBLE,
                f"locked to {job.lock.engineer_id}, who lacks the skills it needs",
            )
        return Rejection(
            job.id,
            UnassignedReason.ENGINEER_RESTRICTIONS,
            "the engineers with the right skills are excluded or not among the required ones",
        )
    loadable = [i for i in permitted if job.demand <= _capacity(vehicles[i])]
    if not loadable:
        return Rejection(
            job.id,
            UnassignedReason.LOAD_EXCEEDS_CAPACITY,
            f"its load {job.demand} exceeds every eligible engineer's capacity",
        )
    reachable = fleet.reachable(loadable, fleet.mats.job_point[job.id], fleet.service(job), wins)
    if not reachable:
        if job.lock is not None and job.lock.start is not None:
            return Rejection(
                job.id,
                UnassignedReason.LOCK_INFEASIBLE,
                "its locked start is outside its windows or the engineer's shift",
            )
        return Rejection(
            job.id,
            UnassignedReason.OUTSIDE_ALL_SHIFTS,
            "no eligible engineer's shift leaves time to reach it, do it and get back "
            "within its time windows",
        )
    return reachable, wins


__all__ = ["Fleet", "allowed_vehicles"]

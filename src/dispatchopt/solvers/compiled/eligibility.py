"""Which vehicles could ever serve a job: the eligibility rule applied to a whole fleet at once.

:class:`Fleet` holds per-vehicle arrays so that a day of thousands of jobs is checked with numpy
rather than a Python loop over every (job, engineer) pair.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dispatchopt.matrices import ProblemMatrices
from dispatchopt.models import Job, Problem, UnassignedReason
from dispatchopt.models.eligibility import (
    holds_skills,
    restriction_of,
    territory_bars,
    why_not_helper,
)
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
        self._levels: dict[str, npt.NDArray[np.int64]] = {}
        self._service: dict[tuple[object, ...], tuple[int, ...]] = {}
        self.capacity = np.array(
            [np.iinfo(np.int64).max if v.capacity is None else v.capacity for v in vehicles],
            dtype=np.int64,
        )

    def skilled(self, job: Job) -> list[int]:
        """Vehicles whose engineer meets every skill requirement (memoised per requirement set)."""
        key = tuple(sorted((r.skill, r.level) for r in job.skills))
        if key not in self._skilled:
            self._skilled[key] = [
                i for i, eng in enumerate(self.engineers) if holds_skills(job, eng)
            ]
        return self._skilled[key]

    def service(self, job: Job) -> tuple[int, ...]:
        """On-site seconds per vehicle: the job's duration at each engineer's lead-skill level
        (one shared tuple for every job with the same durations)."""
        lead = job.skills[0].skill if job.duration_by_level else None
        key = (job.duration_minutes, tuple(sorted(job.duration_by_level.items())), lead)
        if key in self._service:
            return self._service[key]
        if lead is None:
            out = (round(job.duration_minutes * 60),) * len(self.vehicles)
        else:
            if lead not in self._levels:
                self._levels[lead] = np.array(
                    [eng.skills.get(lead, -1) for eng in self.engineers], dtype=np.int64
                )
            levels = self._levels[lead]
            distinct = np.unique(levels)
            seconds = np.array(
                [
                    round(job.duration_for_level(None if lv < 0 else int(lv)) * 60)
                    for lv in distinct
                ],
                dtype=np.int64,
            )
            out = tuple(seconds[np.searchsorted(distinct, levels)].tolist())
        self._service[key] = out
        return out

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
        return list(cand[fits & in_window].tolist())


def allowed_vehicles(
    fleet: Fleet, job: Job, wins: list[tuple[int, int]], service: tuple[int, ...]
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
    permitted = skilled
    if job.required_engineers or job.excluded_engineers or job.lock is not None:
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
    if any(e.territory is not None for e in fleet.engineers):
        permitted = [i for i in permitted if not territory_bars(job, fleet.engineers[i])]
        if not permitted:
            return Rejection(
                job.id,
                UnassignedReason.OUTSIDE_TERRITORIES,
                "it lies outside the territory of every engineer who could do it, and they "
                "never leave theirs",
            )
    loadable = permitted
    if job.demand:
        room = fleet.capacity[np.asarray(permitted, dtype=np.int64)] >= job.demand
        loadable = np.asarray(permitted, dtype=np.int64)[room].tolist()
    if not loadable:
        return Rejection(
            job.id,
            UnassignedReason.LOAD_EXCEEDS_CAPACITY,
            f"its load {job.demand} exceeds every eligible engineer's capacity",
        )
    reachable = fleet.reachable(loadable, fleet.mats.job_point[job.id], service, wins)
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


def crew_helpers(
    fleet: Fleet,
    job: Job,
    leads: list[int],
    wins: list[tuple[int, int]],
    service: tuple[int, ...],
) -> list[int] | Rejection:
    """The vehicles that could join ``job``'s crew besides its lead (``why_not_helper`` and
    reachable in time), or why no full crew can be found: some lead in ``leads`` must leave
    ``crew_size - 1`` other engineers among them."""
    able = [i for i, eng in enumerate(fleet.engineers) if why_not_helper(job, eng) is None]
    helpers = fleet.reachable(able, fleet.mats.job_point[job.id], service, wins) if able else []
    helper_engineers = {fleet.vehicles[i].engineer_id for i in helpers}
    need = job.crew_size - 1
    if any(len(helper_engineers - {fleet.vehicles[i].engineer_id}) >= need for i in leads):
        return helpers
    needs = ", ".join(f"{r.skill}>={r.level}" for r in job.helper_skills) or "none"
    return Rejection(
        job.id,
        UnassignedReason.NO_CREW_AVAILABLE,
        f"needs {job.crew_size} engineers on site together, but besides a lead only "
        f"{len(helper_engineers)} could join (helper skills: {needs})",
    )


__all__ = ["Fleet", "allowed_vehicles", "crew_helpers"]

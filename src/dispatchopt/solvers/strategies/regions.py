"""A national day cut into regions: engineers clustered by where they start (k-means), each job
in the region of its nearest engineer, so that each region is a day one solve plans well.

Regions share nothing but the jobs offered across borders afterwards (see
:mod:`~dispatchopt.solvers.strategies.regional`), so each can be planned on another machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dispatchopt.geo.clustering import kmeans, nearest_centre
from dispatchopt.models import Job, Location, Problem
from dispatchopt.solvers.capabilities import Capabilities
from dispatchopt.solvers.strategies.decomposed import sub_problem, why_not_decompose

REGION_JOBS = 1000
"""Jobs per region aimed for: the decomposed strategy plans 500-1500 jobs well in a minute."""
KM_PER_DEG = 111.2


@dataclass(frozen=True)
class Region:
    """One part of a day: its engineers, the jobs that are theirs first, and where it lies."""

    index: int
    engineer_ids: tuple[str, ...]
    job_ids: tuple[str, ...]
    centre: tuple[float, float]
    """Mean start of its engineers, in the planar km of :func:`planar_km`."""

    @property
    def name(self) -> str:
        """``r01``, ``r02``, ... (1-based, as in reports)."""
        return f"r{self.index + 1:02d}"


def planar_km(locations: Sequence[Location]) -> npt.NDArray[np.float64] | None:
    """``n x 2`` kilometres (x/y as given; lat/lon projected around their mean latitude), or
    ``None`` when a location has no coordinates (a matrix index only) or both kinds are mixed."""
    if not locations:
        return np.empty((0, 2))
    if all(loc.lat is not None and loc.lon is not None for loc in locations):
        lat = np.array([loc.lat for loc in locations], dtype=np.float64)
        lon = np.array([loc.lon for loc in locations], dtype=np.float64)
        scale = math.cos(math.radians(float(lat.mean())))
        return np.column_stack([lon * KM_PER_DEG * scale, lat * KM_PER_DEG])
    if all(loc.x is not None and loc.y is not None for loc in locations):
        return np.array([(loc.x, loc.y) for loc in locations], dtype=np.float64)
    return None


def why_not_split(problem: Problem) -> str | None:
    """``None`` when ``problem`` can be cut into regions, else why it is planned whole."""
    why = why_not_decompose(Capabilities.of(problem))
    if why is not None:
        return why
    points = planar_km(
        [e.start_location for e in problem.engineers] + [j.location for j in problem.jobs]
    )
    return "a location has no coordinates" if points is None else None


def region_count(problem: Problem, region_jobs: int = REGION_JOBS) -> int:
    """How many regions a day of this size gets: one per ``region_jobs`` jobs (at least one,
    at most one per engineer)."""
    return max(1, min(len(problem.engineers), math.ceil(len(problem.jobs) / region_jobs)))


def split_regions(
    problem: Problem, *, regions: int | None = None, region_jobs: int = REGION_JOBS, seed: int = 0
) -> list[Region]:
    """``problem`` cut into ``regions`` regions (default: :func:`region_count`).

    Engineers are clustered on their start locations; each job goes to the region of its
    nearest engineer, except that a job locked to or requiring an engineer goes where that
    engineer is. A day that cannot be split (:func:`why_not_split`) is one region.
    """
    engineers, jobs = problem.engineers, problem.jobs
    k = regions if regions is not None else region_count(problem, region_jobs)
    if k <= 1 or not engineers or why_not_split(problem) is not None:
        centre = (0.0, 0.0)
        return [Region(0, tuple(e.id for e in engineers), tuple(j.id for j in jobs), centre)]
    points = planar_km([e.start_location for e in engineers] + [j.location for j in jobs])
    assert points is not None
    homes, places = points[: len(engineers)], points[len(engineers) :]
    labels, centres = kmeans(homes, k, seed=seed)
    region_of_engineer = {e.id: int(labels[i]) for i, e in enumerate(engineers)}
    nearest = nearest_centre(places, homes) if len(jobs) else np.empty(0, dtype=np.intp)
    members: list[list[str]] = [[] for _ in range(len(centres))]
    for i, job in enumerate(jobs):
        named = _named_engineer(job)
        home = region_of_engineer.get(named) if named else None
        members[home if home is not None else int(labels[nearest[i]])].append(job.id)
    return [
        Region(
            c,
            tuple(e.id for e in engineers if region_of_engineer[e.id] == c),
            tuple(members[c]),
            (float(centres[c][0]), float(centres[c][1])),
        )
        for c in range(len(centres))
    ]


def _named_engineer(job: Job) -> str | None:
    """The engineer a job is tied to by name (its lock, else its first required engineer)."""
    if job.lock is not None:
        return job.lock.engineer_id
    return job.required_engineers[0] if job.required_engineers else None


def tied_to_engineers(job: Job) -> bool:
    """True for a job that only named engineers may do: it stays in their region."""
    return job.lock is not None or bool(job.required_engineers)


def region_problem(
    problem: Problem, job_ids: Sequence[str], engineer_ids: Sequence[str], label: str
) -> Problem:
    """The day of one region (or part of one): these jobs and engineers, with travel of its
    own (a national day's matrices are never built just to cut them)."""
    sub = sub_problem(problem, job_ids, set(engineer_ids), share_travel=False)
    return sub.model_copy(update={"name": f"{problem.name} ({label})"})


__all__ = [
    "REGION_JOBS",
    "Region",
    "planar_km",
    "region_count",
    "region_problem",
    "split_regions",
    "tied_to_engineers",
    "why_not_split",
]

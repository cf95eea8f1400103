"""A problem's travel matrices: every distinct location once, built by the geo travel model.

Shared by the solver and the validator: it is input data (how long a drive takes), not the
solver's model, so both may read it without the validator trusting the solver.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dispatchopt.geo import Euclidean, GivenMatrix, Haversine, TravelMatrices, TravelModel
from dispatchopt.models import Location, Problem
from dispatchopt.models.travel import TravelSettings


def travel_model(settings: TravelSettings) -> TravelModel:
    """The geo implementation for a problem's travel settings."""
    if settings.kind == "haversine":
        return Haversine(speed_kmh=settings.speed_kmh, detour_factor=settings.detour_factor)
    if settings.kind == "euclidean":
        return Euclidean(
            speed_kmh=settings.speed_kmh,
            truncate_decimals=settings.truncate_decimals,
            round_up=settings.round_up,
        )
    return GivenMatrix(
        duration_s=np.asarray(settings.durations_s, dtype=np.int32),
        distance_m=None
        if settings.distances_m is None
        else np.asarray(settings.distances_m, dtype=np.int32),
    )


def _point(loc: Location, kind: str) -> tuple[float, float]:
    if kind == "haversine":
        return (float(loc.lat), float(loc.lon))  # type: ignore[arg-type]
    if kind == "euclidean":
        return (float(loc.x), float(loc.y))  # type: ignore[arg-type]
    return (float(loc.matrix_index), 0.0)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ProblemMatrices:
    """Travel matrices over a problem's distinct locations, and where each job/engineer sits."""

    matrices: TravelMatrices
    job_point: dict[str, int]
    start_point: dict[str, int]
    end_point: dict[str, int]
    depot_point: dict[str, int]

    def duration(self, a: int, b: int) -> int:
        """Seconds from point ``a`` to point ``b``."""
        return int(self.matrices.duration_s[a, b])

    def distance(self, a: int, b: int) -> int:
        """Metres from point ``a`` to point ``b``."""
        return int(self.matrices.distance_m[a, b])


def problem_matrices(problem: Problem) -> ProblemMatrices:
    """Collect the distinct locations of ``problem`` and compute their travel matrices."""
    kind = problem.travel.kind
    index: dict[tuple[float, float], int] = {}

    def place(loc: Location) -> int:
        return index.setdefault(_point(loc, kind), len(index))

    job_point = {j.id: place(j.location) for j in problem.jobs}
    start_point = {e.id: place(e.start_location) for e in problem.engineers}
    end_point = {e.id: place(e.home) for e in problem.engineers}
    depot_point = {d.id: place(d.location) for d in problem.depots}
    points = np.array(list(index), dtype=np.float64).reshape(len(index), 2)
    return ProblemMatrices(
        matrices=travel_model(problem.travel).matrices(points),
        job_point=job_point,
        start_point=start_point,
        end_point=end_point,
        depot_point=depot_point,
    )

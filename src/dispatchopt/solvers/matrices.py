"""A problem's travel matrices: every distinct location once, built by the geo travel model.

Shared by the solver and the validator: it is input data (how long a drive takes), not the
solver's model, so both may read it without the validator trusting the solver.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dispatchopt.errors import InputError
from dispatchopt.geo import (
    CachedTravelModel,
    Euclidean,
    GivenMatrix,
    Haversine,
    OsrmTable,
    TravelMatrices,
    TravelModel,
)
from dispatchopt.geo.road_graph import load_road_graph
from dispatchopt.models import Location, Problem
from dispatchopt.models.travel import TravelSettings

_LAT_LON_KINDS = frozenset({"haversine", "road_graph", "osrm"})
_MATRIX_KINDS = frozenset({"matrix", "matrix_file"})


def travel_model(settings: TravelSettings) -> TravelModel:
    """The geo implementation for a problem's travel settings (base speeds: the time-of-day
    and vehicle profiles are applied on top, see ``docs/travel.md``)."""
    if settings.kind == "haversine":
        return Haversine(speed_kmh=settings.speed_kmh, detour_factor=settings.detour_factor)
    if settings.kind == "euclidean":
        return Euclidean(
            speed_kmh=settings.speed_kmh,
            truncate_decimals=settings.truncate_decimals,
            round_up=settings.round_up,
        )
    if settings.kind == "matrix":
        return GivenMatrix(
            duration_s=np.asarray(settings.durations_s, dtype=np.int32),
            distance_m=None
            if settings.distances_m is None
            else np.asarray(settings.distances_m, dtype=np.int32),
        )
    if settings.kind == "matrix_file":
        return GivenMatrix.from_file(settings.path)
    model: TravelModel
    if settings.kind == "road_graph":
        model = load_road_graph(
            settings.path,
            access_speed_kmh=settings.access_speed_kmh,
            max_snap_m=settings.max_snap_m,
        )
    else:
        model = OsrmTable(
            base_url=settings.base_url,
            profile=settings.profile,
            timeout_s=settings.timeout_s,
            retries=settings.retries,
            backoff_s=settings.backoff_s,
            max_batch=settings.max_batch,
            fallback=Haversine() if settings.fallback == "haversine" else None,
        )
    if settings.cache_dir is not None:
        model = CachedTravelModel(model, settings.cache_dir)
    return model


def _point(loc: Location, kind: str) -> tuple[float, float]:
    if kind in _LAT_LON_KINDS:
        if loc.lat is None or loc.lon is None:
            raise InputError([("location", _shown(loc), f"{kind} travel needs lat/lon")])
        return (float(loc.lat), float(loc.lon))
    if kind in _MATRIX_KINDS:
        if loc.matrix_index is None:
            raise InputError([("location", _shown(loc), f"{kind} travel needs matrix_index")])
        return (float(loc.matrix_index), 0.0)
    if loc.x is None or loc.y is None:
        raise InputError([("location", _shown(loc), f"{kind} travel needs x/y")])
    return (float(loc.x), float(loc.y))


def _shown(loc: Location) -> dict[str, float | int]:
    return {k: v for k, v in loc.model_dump().items() if v is not None}


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

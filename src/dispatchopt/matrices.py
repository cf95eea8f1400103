"""A problem's travel matrices: every distinct location once, built by the geo travel model.

Shared by the solvers, the validator and the simulator: it is input data (how long a drive
takes), not the solver's model, so all may read it without the validator trusting the solver.
The matrices of a problem are computed once (:func:`problem_matrices` remembers them for as long
as the problem object lives) and a sub-problem cut from it reuses them (:func:`share_matrices`),
so an OSRM server or a road graph is asked once per plan.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from dispatchopt.errors import InputError
from dispatchopt.geo import (
    CachedTravelModel,
    Euclidean,
    GivenMatrix,
    Haversine,
    TravelMatrices,
    TravelModel,
)
from dispatchopt.geo.time_dependent import SpeedProfile, slot_duration, travel_time_at
from dispatchopt.geo.vehicle import VehicleProfile
from dispatchopt.models import Location, Problem, Stop
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
        from dispatchopt.geo.road_graph import load_road_graph  # networkx: only when asked for

        model = load_road_graph(
            settings.path,
            access_speed_kmh=settings.access_speed_kmh,
            max_snap_m=settings.max_snap_m,
        )
    else:
        from dispatchopt.geo.osrm import OsrmTable

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
    """Travel matrices over a problem's distinct locations, and where each job/engineer sits.

    ``matrices`` are free-flow durations for the default vehicle; ``vehicles`` rescale them per
    vehicle profile and ``speed_profile`` (anchored at the problem's epoch, so it takes engine
    seconds) slows them by time of day.
    """

    matrices: TravelMatrices
    job_point: dict[str, int]
    start_point: dict[str, int]
    end_point: dict[str, int]
    depot_point: dict[str, int]
    speed_profile: SpeedProfile | None = None
    vehicles: dict[str, VehicleProfile] = field(default_factory=dict)
    _memo: dict[object, npt.NDArray[np.int32]] = field(default_factory=dict, compare=False)
    points: dict[tuple[float, float], int] = field(default_factory=dict, compare=False)
    """Each distinct location's matrix point (empty when not known), so that a changed
    problem can be priced for its new locations only (:func:`extend_matrices`)."""

    def duration(self, a: int, b: int) -> int:
        """Free-flow seconds from point ``a`` to point ``b`` for the default vehicle."""
        return int(self.matrices.duration_s[a, b])

    def vehicle_durations(self, vehicle: str | None) -> npt.NDArray[np.int32]:
        """Free-flow seconds for ``vehicle`` (a vehicle profile name; None = default)."""
        if vehicle is None:
            return self.matrices.duration_s
        key = ("vehicle", vehicle)
        if key not in self._memo:
            self._memo[key] = self.vehicles[vehicle].apply(self.matrices).duration_s
        return self._memo[key]

    def profile_of(self, vehicle: str | None) -> SpeedProfile | None:
        """The time-of-day profile ``vehicle`` drives under (None: durations never vary)."""
        if self.speed_profile is None or self.speed_profile.is_flat:
            return None
        profile = self.speed_profile
        if vehicle is not None:
            profile = self.vehicles[vehicle].speed_profile(profile)
        return None if profile.is_flat else profile

    def durations_between(
        self, vehicle: str | None, start_s: int, end_s: int
    ) -> npt.NDArray[np.int32]:
        """Seconds safe for any departure in ``[start_s, end_s]`` (the slowest time of day in
        that span for each pair): what the solver plans a shift with."""
        profile = self.profile_of(vehicle)
        base = self.vehicle_durations(vehicle)
        if profile is None:
            return base
        key = ("span", vehicle, start_s, end_s)
        if key not in self._memo:
            self._memo[key] = slot_duration(base, start_s, end_s, profile)
        return self._memo[key]

    def duration_at(self, a: int, b: int, departure_s: int, vehicle: str | None) -> int:
        """Exact seconds from ``a`` to ``b`` leaving at engine second ``departure_s`` (what the
        validator checks against)."""
        base = int(self.vehicle_durations(vehicle)[a, b])
        profile = self.profile_of(vehicle)
        return base if profile is None else travel_time_at(base, departure_s, profile)

    def stop_point(self, stop: Stop) -> int:
        """The point of a plan stop: its job's place, or its depot's for a pickup."""
        if stop.kind == "pickup":
            return self.depot_point[stop.job_id]
        return self.job_point[stop.job_id]

    def distance(self, a: int, b: int) -> int:
        """Metres from point ``a`` to point ``b``."""
        return int(self.matrices.distance_m[a, b])


_MEMO: dict[int, tuple[weakref.ref[Problem], ProblemMatrices]] = {}
_MEMO_LOCK = threading.Lock()


def _forget(key: int) -> None:
    with _MEMO_LOCK:
        _MEMO.pop(key, None)


def _remember(problem: Problem, matrices: ProblemMatrices) -> None:
    key = id(problem)
    with _MEMO_LOCK:
        _MEMO[key] = (weakref.ref(problem), matrices)
    weakref.finalize(problem, _forget, key)


def problem_matrices(problem: Problem) -> ProblemMatrices:
    """The travel matrices of ``problem``: computed on first use, then remembered for as long as
    this problem object lives (a changed copy is another object and gets its own)."""
    key = id(problem)
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
    if hit is not None and hit[0]() is problem:
        return hit[1]
    matrices = compute_matrices(problem)
    _remember(problem, matrices)
    return matrices


def share_matrices(parent: ProblemMatrices, sub: Problem) -> ProblemMatrices:
    """Let ``sub`` (a problem cut from ``parent``'s, with a subset of its jobs, engineers and
    depots, same travel settings) use ``parent``'s matrices instead of computing its own."""
    matrices = replace(
        parent,
        job_point=_subset(parent.job_point, (j.id for j in sub.jobs)),
        start_point=_subset(parent.start_point, (e.id for e in sub.engineers)),
        end_point=_subset(parent.end_point, (e.id for e in sub.engineers)),
        depot_point=_subset(parent.depot_point, (d.id for d in sub.depots)),
    )
    _remember(sub, matrices)
    return matrices


EXTEND_BLOCK = 512
"""Existing points per travel-model call when :func:`extend_matrices` prices new ones."""


def extend_matrices(parent: Problem, grown: Problem) -> ProblemMatrices:
    """Let ``grown`` (``parent`` with jobs added, dropped or changed; same engineers, depots and
    travel settings) use ``parent``'s matrices, pricing only its new locations, and remember
    them for it. A new point's row and column are asked of the travel model in blocks of
    :data:`EXTEND_BLOCK` existing points, each block's points first, so every pair is
    computed exactly as a whole-problem build computes it. Falls back to a full build when the
    epoch (which anchors the rush-hour profile) moved."""
    base = problem_matrices(parent)
    if grown.epoch() != parent.epoch() or not base.points:
        fresh = compute_matrices(grown)
        _remember(grown, fresh)
        return fresh
    kind = grown.travel.kind
    index = dict(base.points)
    old = len(index)
    job_point = {j.id: index.setdefault(_point(j.location, kind), len(index)) for j in grown.jobs}
    travel = base.matrices
    if len(index) > old:
        points = np.array(list(index), dtype=np.float64).reshape(len(index), 2)
        travel = _grow(travel_model(grown.travel), points, old, base.matrices)
    grown_matrices = replace(base, matrices=travel, job_point=job_point, _memo={}, points=index)
    _remember(grown, grown_matrices)
    return grown_matrices


def _grow(
    model: TravelModel, points: npt.NDArray[np.float64], old: int, base: TravelMatrices
) -> TravelMatrices:
    n = len(points)
    duration = np.zeros((n, n), dtype=np.int32)
    distance = np.zeros((n, n), dtype=np.int32)
    duration[:old, :old] = base.duration_s
    distance[:old, :old] = base.distance_m
    new = np.arange(old, n)
    for first in range(0, old, EXTEND_BLOCK):
        rows = np.arange(first, min(first + EXTEND_BLOCK, old))
        both = np.concatenate([rows, new])
        block = model.matrices(points[both])
        k = len(rows)
        duration[np.ix_(both, new)] = block.duration_s[:, k:]
        duration[np.ix_(new, rows)] = block.duration_s[k:, :k]
        distance[np.ix_(both, new)] = block.distance_m[:, k:]
        distance[np.ix_(new, rows)] = block.distance_m[k:, :k]
    if old == 0:
        block = model.matrices(points)
        duration, distance = block.duration_s.copy(), block.distance_m.copy()
    return TravelMatrices(duration_s=duration, distance_m=distance)


def _subset(points: dict[str, int], ids: Iterable[str]) -> dict[str, int]:
    return {i: points[i] for i in ids}


def compute_matrices(problem: Problem) -> ProblemMatrices:
    """Collect the distinct locations of ``problem`` and compute their travel matrices (always
    anew; :func:`problem_matrices` is the remembered version)."""
    kind = problem.travel.kind
    index: dict[tuple[float, float], int] = {}

    def place(loc: Location) -> int:
        return index.setdefault(_point(loc, kind), len(index))

    job_point = {j.id: place(j.location) for j in problem.jobs}
    start_point = {e.id: place(e.start_location) for e in problem.engineers}
    end_point = {e.id: place(e.home) for e in problem.engineers}
    depot_point = {d.id: place(d.location) for d in problem.depots}
    points = np.array(list(index), dtype=np.float64).reshape(len(index), 2)
    settings = problem.travel
    speed = getattr(settings, "speed_profile", None)
    profiles = getattr(settings, "vehicle_profiles", {})
    return ProblemMatrices(
        matrices=travel_model(settings).matrices(points),
        job_point=job_point,
        start_point=start_point,
        end_point=end_point,
        depot_point=depot_point,
        speed_profile=None
        if speed is None
        else SpeedProfile(tuple(speed.hourly_factors)).anchored(problem.epoch(), speed.timezone),
        vehicles={
            name: VehicleProfile(name, p.speed_factor, p.follows_speed_profile)
            for name, p in sorted(profiles.items())
        },
        points=index,
    )

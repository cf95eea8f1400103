"""Closed-form travel models: great-circle (haversine), straight line (Euclidean), given matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dispatchopt.geo.matrix import TravelMatrices, to_int32

EARTH_RADIUS_KM = 6371.0088


def haversine_km(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Great-circle distances in km between all pairs of ``(lat, lon)`` degree points."""
    rad = np.radians(np.asarray(points, dtype=np.float64))
    lat, lon = rad[:, 0], rad[:, 1]
    dlat = lat[None, :] - lat[:, None]
    dlon = lon[None, :] - lon[:, None]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class Haversine:
    """Great-circle distance times ``detour_factor``, driven at ``speed_kmh``."""

    speed_kmh: float = 30.0
    detour_factor: float = 1.3

    def matrices(self, points: npt.NDArray[np.float64]) -> TravelMatrices:
        """Durations and distances between all pairs of lat/lon ``points``."""
        km = haversine_km(points) * self.detour_factor
        return TravelMatrices(
            duration_s=to_int32(km / self.speed_kmh * 3600.0, name="duration_s"),
            distance_m=to_int32(km * 1000.0, name="distance_m"),
        )


@dataclass(frozen=True)
class Euclidean:
    """Straight lines on x/y in km; optional DIMACS truncation of each distance."""

    speed_kmh: float = 60.0
    truncate_decimals: int | None = None
    round_up: bool = False

    def matrices(self, points: npt.NDArray[np.float64]) -> TravelMatrices:
        """Durations and distances between all pairs of x/y ``points``."""
        xy = np.asarray(points, dtype=np.float64)
        km = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
        if self.truncate_decimals is not None:
            scale = 10.0**self.truncate_decimals
            km = np.floor(km * scale + 1e-9) / scale
        return TravelMatrices(
            duration_s=to_int32(km / self.speed_kmh * 3600.0, name="duration_s", round_up=self.round_up),
            distance_m=to_int32(km * 1000.0, name="distance_m"),
        )


@dataclass(frozen=True)
class GivenMatrix:
    """A user-supplied matrix; points are row indices into it."""

    duration_s: npt.NDArray[np.int32]
    distance_m: npt.NDArray[np.int32] | None = None

    def matrices(self, points: npt.NDArray[np.float64]) -> TravelMatrices:
        """The sub-matrix for the indices in ``points[:, 0]``."""
        idx = np.asarray(points, dtype=np.int64).reshape(len(points), -1)[:, 0]
        dur = np.asarray(self.duration_s, dtype=np.int32)[np.ix_(idx, idx)]
        dist = (
            np.asarray(self.distance_m, dtype=np.int32)[np.ix_(idx, idx)]
            if self.distance_m is not None
            else np.zeros_like(dur)
        )
        return TravelMatrices(duration_s=dur, distance_m=dist)

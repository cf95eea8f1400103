"""Closed-form travel models: great-circle (haversine), straight line (Euclidean), given matrix.

Matrices are filled in row blocks straight into int32 arrays, so 5 000 points never hold more
than a block's worth of float64 temporaries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from dispatchopt.errors import FormatError, InputError
from dispatchopt.geo.matrix import IntMatrix, TravelMatrices, to_int32

EARTH_RADIUS_KM = 6371.0088
BLOCK_CELLS = 2_000_000
"""Float64 cells per row block (16 MB): bounds the temporaries of a block-wise build."""

FloatArray = npt.NDArray[np.float64]


def row_blocks(n_rows: int, n_cols: int) -> list[slice]:
    """Row slices so that one block holds about :data:`BLOCK_CELLS` cells."""
    step = max(1, BLOCK_CELLS // max(1, n_cols))
    return [slice(i, min(i + step, n_rows)) for i in range(0, n_rows, step)]


def haversine_km_block(a: FloatArray, b: FloatArray) -> FloatArray:
    """Great-circle km from each ``(lat, lon)`` point of ``a`` (rows) to each of ``b`` (columns)."""
    ra, rb = np.radians(a), np.radians(b)
    dlat = rb[None, :, 0] - ra[:, None, 0]
    dlon = rb[None, :, 1] - ra[:, None, 1]
    h = np.sin(dlat * 0.5) ** 2
    h += np.cos(ra[:, 0])[:, None] * np.cos(rb[:, 0])[None, :] * np.sin(dlon * 0.5) ** 2
    np.clip(h, 0.0, 1.0, out=h)
    out: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h, out=h), out=h)
    return out


def haversine_km(points: FloatArray) -> FloatArray:
    """Great-circle distances in km between all pairs of ``(lat, lon)`` degree points."""
    pts = _points(points, "points")
    return haversine_km_block(pts, pts)


def _points(points: npt.ArrayLike, field: str) -> FloatArray:
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise InputError([(field, pts.shape, "must be an (n, 2) array of points")])
    if not np.isfinite(pts).all():
        raise InputError([(field, "non-finite", "points must be finite numbers")])
    return pts


def _build(
    pts: FloatArray,
    km_block: Callable[[FloatArray, FloatArray], FloatArray],
    speed_kmh: float,
    *,
    round_up: bool = False,
) -> TravelMatrices:
    """Fill int32 duration and distance matrices block by block from a km function."""
    n = len(pts)
    duration = np.empty((n, n), dtype=np.int32)
    distance = np.empty((n, n), dtype=np.int32)
    # Both closed forms are exactly symmetric (a - b and b - a differ only in sign, and the
    # products commute), so each block computes the columns from its first row on and the
    # lower triangle is mirrored: half the arithmetic, the same integers.
    blocks = row_blocks(n, n // 2 + 1)
    for rows in blocks:
        first = rows.start
        km = km_block(pts[rows], pts[first:])
        distance[rows, first:] = to_int32(km * 1000.0, name="distance_m")
        # Same operation order as the original closed forms, so rounding is unchanged.
        km /= speed_kmh
        km *= 3600.0
        duration[rows, first:] = to_int32(km, name="duration_s", round_up=round_up)
    for rows in blocks:
        first = rows.start
        distance[rows, :first] = distance[:first, rows].T
        duration[rows, :first] = duration[:first, rows].T
    return TravelMatrices(duration_s=duration, distance_m=distance)


@dataclass(frozen=True)
class Haversine:
    """Great-circle distance times ``detour_factor``, driven at ``speed_kmh``."""

    speed_kmh: float = 30.0
    detour_factor: float = 1.3

    def __post_init__(self) -> None:
        if not self.speed_kmh > 0:
            raise InputError([("speed_kmh", self.speed_kmh, "must be > 0")])
        if not self.detour_factor >= 1.0:
            raise InputError([("detour_factor", self.detour_factor, "must be >= 1")])

    def matrices(self, points: FloatArray) -> TravelMatrices:
        """Durations and distances between all pairs of lat/lon ``points``."""
        factor = self.detour_factor

        def km(a: FloatArray, b: FloatArray) -> FloatArray:
            out = haversine_km_block(a, b)
            out *= factor
            return out

        return _build(_points(points, "points"), km, self.speed_kmh)


@dataclass(frozen=True)
class Euclidean:
    """Straight lines on x/y in km; optional DIMACS truncation of each distance."""

    speed_kmh: float = 60.0
    truncate_decimals: int | None = None
    round_up: bool = False

    def __post_init__(self) -> None:
        if not self.speed_kmh > 0:
            raise InputError([("speed_kmh", self.speed_kmh, "must be > 0")])

    def matrices(self, points: FloatArray) -> TravelMatrices:
        """Durations and distances between all pairs of x/y ``points``."""
        decimals = self.truncate_decimals

        def km(a: FloatArray, b: FloatArray) -> FloatArray:
            dx = a[:, None, 0] - b[None, :, 0]
            dy = a[:, None, 1] - b[None, :, 1]
            out = np.sqrt(dx * dx + dy * dy)
            if decimals is not None:
                scale = 10.0**decimals
                out = np.floor(out * scale + 1e-9) / scale
            return out

        return _build(_points(points, "points"), km, self.speed_kmh, round_up=self.round_up)


@dataclass(frozen=True)
class GivenMatrix:
    """A user-supplied matrix; points are row indices into it (``points[:, 0]``)."""

    duration_s: IntMatrix
    distance_m: IntMatrix | None = None

    def __post_init__(self) -> None:
        dur = np.asarray(self.duration_s)
        if dur.ndim != 2 or dur.shape[0] != dur.shape[1]:
            raise InputError([("duration_s", dur.shape, "must be a square matrix")])
        if self.distance_m is not None and np.shape(self.distance_m) != dur.shape:
            raise InputError(
                [("distance_m", np.shape(self.distance_m), f"must have shape {dur.shape}")]
            )

    @classmethod
    def from_file(cls, path: str | Path) -> GivenMatrix:
        """Load a matrix from ``.json`` (``durations_s``, optional ``distances_m``), ``.npy``
        (durations only) or ``.npz`` (``duration_s``, optional ``distance_m``)."""
        p = Path(path)
        if not p.is_file():
            raise InputError([("path", str(p), "matrix file not found")])
        suffix = p.suffix.lower()
        try:
            if suffix == ".json":
                data = json.loads(p.read_text(encoding="utf-8"))
                dur, dist = data["durations_s"], data.get("distances_m")
            elif suffix == ".npy":
                dur, dist = np.load(p, allow_pickle=False), None
            elif suffix == ".npz":
                with np.load(p, allow_pickle=False) as z:
                    dur = z["duration_s"]
                    dist = z["distance_m"] if "distance_m" in z.files else None
            else:
                raise FormatError([("path", str(p), "expected a .json, .npy or .npz file")])
            return cls(
                duration_s=_int32_matrix(dur, "durations_s"),
                distance_m=None if dist is None else _int32_matrix(dist, "distances_m"),
            )
        except (KeyError, ValueError, TypeError) as exc:
            if isinstance(exc, InputError):
                raise
            raise FormatError([("path", str(p), f"not a travel matrix file: {exc}")]) from exc

    def matrices(self, points: FloatArray) -> TravelMatrices:
        """The sub-matrix for the indices in ``points[:, 0]``."""
        idx = np.asarray(points, dtype=np.int64).reshape(len(points), -1)[:, 0]
        n = np.shape(self.duration_s)[0]
        bad = idx[(idx < 0) | (idx >= n)]
        if bad.size:
            raise InputError([("matrix_index", int(bad[0]), f"must be in [0, {n})")])
        dur = np.asarray(self.duration_s, dtype=np.int32)[np.ix_(idx, idx)]
        dist = (
            np.asarray(self.distance_m, dtype=np.int32)[np.ix_(idx, idx)]
            if self.distance_m is not None
            else np.zeros_like(dur)
        )
        return TravelMatrices(duration_s=dur, distance_m=dist)


def _int32_matrix(values: object, field: str) -> IntMatrix:
    arr = np.asarray(values)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise FormatError([(field, arr.shape, "must be a square matrix")])
    if not np.issubdtype(arr.dtype, np.number):
        raise FormatError([(field, str(arr.dtype), "must hold numbers")])
    if arr.size and (arr.min() < 0 or arr.max() > np.iinfo(np.int32).max):
        raise FormatError([(field, "out of range", "entries must lie in [0, 2**31)")])
    out: IntMatrix = np.rint(arr).astype(np.int32)
    return out

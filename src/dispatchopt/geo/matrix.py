"""Travel matrices: integer seconds and metres between every pair of points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

IntMatrix = npt.NDArray[np.int32]


@dataclass(frozen=True)
class TravelMatrices:
    """``duration_s[i, j]`` seconds and ``distance_m[i, j]`` metres from point i to j (int32)."""

    duration_s: IntMatrix
    distance_m: IntMatrix

    def __post_init__(self) -> None:
        n = self.duration_s.shape[0]
        for name in ("duration_s", "distance_m"):
            m = getattr(self, name)
            if m.shape != (n, n):
                raise ValueError(f"{name} must be {n}x{n}, got {m.shape}")
            if m.dtype != np.int32:
                raise ValueError(f"{name} must be int32, got {m.dtype}")

    @property
    def size(self) -> int:
        """Number of points."""
        return int(self.duration_s.shape[0])


class TravelModel(Protocol):
    """Anything that turns an ``(n, 2)`` array of points into travel matrices."""

    def matrices(self, points: npt.NDArray[np.float64]) -> TravelMatrices:
        """Durations and distances between all pairs of ``points``."""
        ...


def to_int32(values: npt.NDArray[np.float64], *, name: str, round_up: bool = False) -> IntMatrix:
    """Round (or round up) a float matrix to int32, refusing values int32 cannot hold."""
    rounded = np.ceil(values - 1e-9) if round_up else np.rint(values)
    if rounded.size and float(rounded.max()) > np.iinfo(np.int32).max:
        raise ValueError(f"{name} exceeds int32 range (max {float(rounded.max()):.0f})")
    return rounded.astype(np.int32)

"""The disk cache: same points and settings are read back, anything else is recomputed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from dispatchopt.geo import CachedTravelModel, Haversine, TravelMatrices

POINTS = np.array([[52.37, 4.90], [52.38, 4.88], [52.35, 4.93]])


@dataclass
class CountingHaversine:
    """Haversine that counts how often it really computes."""

    speed_kmh: float = 30.0
    calls: list[int] = field(default_factory=list)

    def cache_key(self) -> str:
        return f"speed={self.speed_kmh}"

    def matrices(self, points: npt.NDArray[np.float64]) -> TravelMatrices:
        self.calls.append(len(points))
        return Haversine(speed_kmh=self.speed_kmh).matrices(points)


def test_replanning_the_same_day_reads_the_matrices_back(tmp_path: Path) -> None:
    inner = CountingHaversine()
    first = CachedTravelModel(inner, tmp_path).matrices(POINTS)
    again = CachedTravelModel(inner, tmp_path)  # a new run, same cache folder
    second = again.matrices(POINTS)
    assert inner.calls == [3]
    assert (again.hits, again.misses) == (1, 0)
    assert np.array_equal(first.duration_s, second.duration_s)
    assert second.duration_s.dtype == np.int32
    assert len(list(tmp_path.glob("*.npz"))) == 1


def test_other_points_or_settings_miss_the_cache(tmp_path: Path) -> None:
    inner = CountingHaversine()
    cached = CachedTravelModel(inner, tmp_path)
    cached.matrices(POINTS)
    cached.matrices(POINTS[::-1])  # same places, other order: other matrix
    CachedTravelModel(CountingHaversine(speed_kmh=15.0), tmp_path).matrices(POINTS)
    assert cached.misses == 2
    assert len(list(tmp_path.glob("*.npz"))) == 3


def test_dataclass_settings_are_part_of_the_key_without_a_cache_key(tmp_path: Path) -> None:
    slow = CachedTravelModel(Haversine(speed_kmh=20.0), tmp_path)
    fast = CachedTravelModel(Haversine(speed_kmh=40.0), tmp_path)
    assert slow.path_for(POINTS) != fast.path_for(POINTS)
    slow_s = int(slow.matrices(POINTS).duration_s[0, 1])
    fast_s = int(fast.matrices(POINTS).duration_s[0, 1])
    assert abs(slow_s - 2 * fast_s) <= 1


def test_a_corrupt_entry_is_recomputed_not_trusted(tmp_path: Path) -> None:
    inner = CountingHaversine()
    cached = CachedTravelModel(inner, tmp_path)
    cached.path_for(POINTS).parent.mkdir(parents=True, exist_ok=True)
    cached.path_for(POINTS).write_bytes(b"not an npz file")
    m = cached.matrices(POINTS)
    assert inner.calls == [3]
    assert m.size == 3
    assert CachedTravelModel(inner, tmp_path).matrices(POINTS).size == 3
    assert inner.calls == [3]

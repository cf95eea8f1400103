"""Vehicle profiles: how an engineer's vehicle (van, e-bike) changes the base travel times.

Kept deliberately simple: one speed multiplier on the base durations (distances unchanged) and
whether rush hours slow the vehicle down. A profile with other roads needs its own TravelModel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dispatchopt.errors import InputError
from dispatchopt.geo.distance import row_blocks
from dispatchopt.geo.matrix import TravelMatrices, to_int32
from dispatchopt.geo.time_dependent import SpeedProfile


@dataclass(frozen=True)
class VehicleProfile:
    """``speed_factor`` times the base speed (0.8 = 25 % longer trips); a vehicle with
    ``follows_speed_profile=False`` (an e-bike passing queues) ignores the time-of-day profile."""

    name: str = "default"
    speed_factor: float = 1.0
    follows_speed_profile: bool = True

    def __post_init__(self) -> None:
        if not (math.isfinite(self.speed_factor) and 0.05 <= self.speed_factor <= 5.0):
            raise InputError(
                [
                    (
                        f"vehicle_profiles.{self.name}.speed_factor",
                        self.speed_factor,
                        "must lie in [0.05, 5]",
                    )
                ]
            )

    def apply(self, base: TravelMatrices) -> TravelMatrices:
        """The base matrices as this vehicle drives them (durations rounded up, never shorter
        than the exact scaled time)."""
        if self.speed_factor == 1.0:
            return base
        n = base.size
        duration = np.empty((n, n), dtype=np.int32)
        for rows in row_blocks(n, n):
            scaled = base.duration_s[rows] / self.speed_factor
            duration[rows] = to_int32(scaled, name="duration_s", round_up=True)
        return TravelMatrices(duration_s=duration, distance_m=base.distance_m)

    def speed_profile(self, profile: SpeedProfile) -> SpeedProfile:
        """The time-of-day profile this vehicle actually sees."""
        return profile if self.follows_speed_profile else SpeedProfile(origin_s=profile.origin_s)

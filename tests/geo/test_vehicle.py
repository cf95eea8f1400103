"""Vehicle profiles: an e-bike drives the same map slower but ignores the rush hour."""

from __future__ import annotations

import numpy as np
import pytest

from dispatchopt.errors import InputError
from dispatchopt.geo import SpeedProfile, TravelMatrices, VehicleProfile, travel_time_at

BASE = TravelMatrices(
    duration_s=np.array([[0, 600], [601, 0]], dtype=np.int32),
    distance_m=np.array([[0, 4000], [4100, 0]], dtype=np.int32),
)


def test_an_ebike_at_three_quarters_speed_takes_a_third_longer() -> None:
    ebike = VehicleProfile("ebike", speed_factor=0.75, follows_speed_profile=False)
    m = ebike.apply(BASE)
    assert m.duration_s.tolist() == [[0, 800], [802, 0]]  # 601 / 0.75 = 801.3, rounded up
    assert m.distance_m is BASE.distance_m


def test_the_ebike_passes_the_rush_hour_queue_the_van_sits_in() -> None:
    rush = SpeedProfile.rush_hours(morning=0.5)
    van = VehicleProfile("van")
    ebike = VehicleProfile("ebike", speed_factor=0.75, follows_speed_profile=False)
    leave = 8 * 3600
    van_s = travel_time_at(int(van.apply(BASE).duration_s[0, 1]), leave, van.speed_profile(rush))
    bike_s = travel_time_at(
        int(ebike.apply(BASE).duration_s[0, 1]), leave, ebike.speed_profile(rush)
    )
    assert (van_s, bike_s) == (1200, 800)


def test_a_default_vehicle_changes_nothing() -> None:
    assert VehicleProfile().apply(BASE) is BASE


def test_a_zero_speed_vehicle_is_refused() -> None:
    with pytest.raises(InputError, match="cargo.speed_factor"):
        VehicleProfile("cargo", speed_factor=0.0)

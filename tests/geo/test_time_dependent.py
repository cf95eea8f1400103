"""Time-of-day travel: exact travel times, FIFO, and per-slot matrices that are never too short."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatchopt.errors import InputError
from dispatchopt.geo import (
    SpeedProfile,
    TimeDependentTravel,
    TravelMatrices,
    slot_matrices,
    travel_time_at,
    travel_times_at,
)

HOUR = 3600
RUSH = SpeedProfile.rush_hours(morning=0.6, evening=0.7)

factors = st.lists(st.floats(min_value=0.2, max_value=2.0), min_size=24, max_size=24)
profiles = st.builds(
    lambda f, o: SpeedProfile(tuple(f), origin_s=o), factors, st.integers(0, 86_399)
)


def test_a_flat_profile_gives_the_base_time_at_any_hour() -> None:
    flat = SpeedProfile.flat()
    assert [travel_time_at(900, t, flat) for t in (0, 8 * HOUR, 23 * HOUR + 3599)] == [900] * 3


def test_a_trip_inside_the_morning_rush_takes_base_over_factor() -> None:
    # 600 s of free-flow driving at 60 % speed takes 1000 s.
    assert travel_time_at(600, 7 * HOUR + 60, RUSH) == 1000


def test_a_trip_running_out_of_the_rush_speeds_up_when_the_rush_ends() -> None:
    # Leaves 08:55: five minutes at 0.6 cover 180 s, the remaining 420 s at full speed.
    assert travel_time_at(600, 8 * HOUR + 55 * 60, RUSH) == 300 + 420


def test_a_trip_running_into_the_rush_slows_down() -> None:
    # Leaves 06:55: five minutes at full speed, then 300 s of base at 0.6 = 500 s.
    assert travel_time_at(600, 6 * HOUR + 55 * 60, RUSH) == 300 + 500


def test_the_profile_repeats_the_next_day() -> None:
    assert travel_time_at(1234, 7 * HOUR, RUSH) == travel_time_at(1234, 31 * HOUR, RUSH)


def test_anchoring_reads_hours_in_the_local_time_zone() -> None:
    # Engine second 0 = 06:00 UTC = 07:00 in Amsterdam (CET, winter): the morning rush.
    epoch = datetime(2025, 1, 15, 6, 0, tzinfo=UTC)
    local = RUSH.anchored(epoch, "Europe/Amsterdam")
    assert local.origin_s == 7 * HOUR
    assert travel_time_at(600, 0, local) == 1000
    assert travel_time_at(600, 2 * HOUR, local) == 600


def test_anchoring_refuses_naive_datetimes_and_unknown_zones() -> None:
    with pytest.raises(InputError, match="epoch"):
        RUSH.anchored(datetime(2025, 1, 15, 6, 0), "Europe/Amsterdam")
    with pytest.raises(InputError, match="timezone"):
        RUSH.anchored(datetime(2025, 1, 15, tzinfo=timezone(timedelta(hours=1))), "Mars/Olympus")


def test_a_profile_needs_24_sane_factors() -> None:
    with pytest.raises(InputError, match="hourly_factors"):
        SpeedProfile((1.0,) * 23)
    with pytest.raises(InputError, match=r"hourly_factors\[3\]"):
        SpeedProfile((1.0,) * 3 + (0.0,) + (1.0,) * 20)


@settings(max_examples=60, deadline=None)
@given(profiles, st.integers(1, 20_000), st.integers(0, 3 * 86_400), st.integers(1, 7_200))
def test_leaving_later_never_arrives_earlier(
    profile: SpeedProfile, base: int, t1: int, gap: int
) -> None:
    t2 = t1 + gap
    assert t1 + travel_time_at(base, t1, profile) <= t2 + travel_time_at(base, t2, profile)


@settings(max_examples=40, deadline=None)
@given(profiles, st.integers(1, 20_000), st.integers(0, 86_400))
def test_travel_time_lies_between_the_fastest_and_slowest_hour(
    profile: SpeedProfile, base: int, t: int
) -> None:
    got = travel_time_at(base, t, profile)
    assert base / max(profile.hourly_factors) - 1 <= got <= base / min(profile.hourly_factors) + 1


def test_the_matrix_version_agrees_with_the_scalar_one() -> None:
    base = np.array([[0, 600, 4000], [650, 0, 90], [3900, 80, 0]], dtype=np.int32)
    got = travel_times_at(base, 8 * HOUR + 50 * 60, RUSH)
    want = [[travel_time_at(int(b), 8 * HOUR + 50 * 60, RUSH) for b in row] for row in base]
    assert got.dtype == np.int32
    assert got.tolist() == want


@settings(max_examples=15, deadline=None)
@given(profiles, st.lists(st.integers(0, 15_000), min_size=4, max_size=4))
def test_a_slot_matrix_is_never_shorter_than_the_exact_time_in_its_slot(
    profile: SpeedProfile, values: list[int]
) -> None:
    base = np.array(values, dtype=np.int32).reshape(2, 2)
    for start, matrix in slot_matrices(base, profile, horizon_s=6 * HOUR):
        exact = np.max(
            [travel_times_at(base, t, profile) for t in range(start, start + HOUR, 97)], axis=0
        )
        assert (matrix >= exact).all()


def test_a_slot_matrix_is_tight_when_the_whole_trip_stays_in_one_speed() -> None:
    base = np.array([[0, 600], [600, 0]], dtype=np.int32)
    slots = dict(slot_matrices(base, RUSH, horizon_s=24 * HOUR))
    assert slots[3 * HOUR].tolist() == [[0, 600], [600, 0]]
    # Leaving at 06:59:59 spends almost all 600 s in the rush: the slot takes the worst case.
    assert slots[6 * HOUR][0, 1] == pytest.approx(1000, abs=1)


def test_the_solver_and_validator_views_share_one_object() -> None:
    base = TravelMatrices(
        duration_s=np.array([[0, 600], [700, 0]], dtype=np.int32),
        distance_m=np.array([[0, 5000], [5500, 0]], dtype=np.int32),
    )
    travel = TimeDependentTravel(base, RUSH)
    k = travel.slot_of(7 * HOUR + 1800)
    assert travel.slot_starts[k] == 7 * HOUR
    assert travel.slot_duration_s(k)[0, 1] >= travel.duration_at(0, 1, 7 * HOUR + 1800) == 1000
    assert travel.slot_of(-5) == 0
    assert travel.slot_of(10**7) == len(travel.slot_starts) - 1

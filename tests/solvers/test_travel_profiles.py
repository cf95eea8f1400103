"""Vehicle profiles and rush hours reach the plan: slower vehicles and peak-hour drives."""

from __future__ import annotations

from typing import Any

from dispatchopt.models import Problem
from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.solvers.engines.ortools import solve_ortools as solve
from dispatchopt.validate import validate
from tests.solvers.scenarios import at

# Home (0) and two customers (1, 2); a 20-minute drive between any two of them at free flow.
MINUTES_20 = [[0, 1200, 1200], [1200, 0, 1200], [1200, 1200, 0]]


def _engineer(eid: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": eid,
        "start_location": {"matrix_index": 0},
        "shifts": [{"start": at("07:00"), "end": at("17:00")}],
        **extra,
    }


def _day(travel: dict[str, Any], engineers: list[dict[str, Any]], slot: tuple[str, str]) -> Problem:
    jobs = [
        {
            "id": f"j{k}",
            "location": {"matrix_index": k},
            "duration_minutes": 30,
            "time_windows": [{"start": at(slot[0]), "end": at(slot[1])}],
        }
        for k in (1, 2)
    ]
    return Problem.model_validate(
        {
            "jobs": jobs,
            "engineers": engineers,
            "travel": {"kind": "matrix", "durations_s": MINUTES_20, **travel},
            "objective": {"kind": "travel_time"},
        }
    )


def test_an_ebike_at_half_speed_takes_twice_as_long() -> None:
    day = _day(
        {"vehicle_profiles": {"ebike": {"speed_factor": 0.5}}},
        [_engineer("eva", vehicle_profile="ebike")],
        ("09:00", "16:00"),
    )
    for plan in (solve(day, time_limit=0.3), solve_greedy(day)):
        assert validate(day, plan) == []
        assert {s.travel_s for s in plan.routes[0].stops} == {2400}


def test_morning_rush_hour_lengthens_the_drive_the_plan_assumes() -> None:
    rush = {"hourly_factors": [1.0] * 7 + [0.5, 0.5] + [1.0] * 15, "timezone": "UTC"}
    day = _day({"speed_profile": rush}, [_engineer("ana")], ("07:00", "10:00"))
    for plan in (solve(day, time_limit=0.3), solve_greedy(day)):
        assert validate(day, plan) == []
        legs = [s.travel_s for s in plan.routes[0].stops]
        # Planned with the slowest hour of the shift: 20 free-flow minutes take 40 in the rush.
        assert legs == [2400, 2400]


def test_unknown_vehicle_profile_is_named() -> None:
    import pytest

    from dispatchopt.errors import InputError

    with pytest.raises(InputError, match=r"engineers\[0\]\.vehicle_profile"):
        Problem.from_data(
            {
                "engineers": [
                    {
                        **_engineer("eva", vehicle_profile="boat"),
                        "shifts": [
                            {"start": "2025-06-02T07:00:00Z", "end": "2025-06-02T17:00:00Z"}
                        ],
                    }
                ],
                "travel": {"kind": "matrix", "durations_s": MINUTES_20},
            }
        )


def test_validator_checks_each_leg_at_its_real_departure_time() -> None:
    from dispatchopt.models import Plan, Rule

    rush = {"hourly_factors": [1.0] * 8 + [0.5] + [1.0] * 15, "timezone": "UTC"}
    day = _day({"speed_profile": rush}, [_engineer("ana")], ("07:00", "16:00"))

    def one_visit(leave: str, start: str, home: str) -> Plan:
        end = f"{start[:3]}{int(start[3:]) + 30:02d}"
        return Plan.model_validate(
            {
                "routes": [
                    {
                        "engineer_id": "ana",
                        "departure": at(leave),
                        "arrival": at(home),
                        "stops": [
                            {
                                "job_id": "j1",
                                "arrival": at(start),
                                "start": at(start),
                                "end": at(end),
                            }
                        ],
                    }
                ],
                "unassigned": [{"job_id": "j2", "reason": "capacity", "detail": "test"}],
            }
        )

    # At 07:00 the 20-minute drive is free-flowing; at 08:00 the rush halves the speed.
    assert validate(day, one_visit("07:00", "07:20", "08:20")) == []
    late = validate(day, one_visit("08:00", "08:20", "09:15"))
    assert [(v.rule, v.job_id, v.amount) for v in late] == [(Rule.TRAVEL_TIME, "j1", 1200.0)]


def test_drives_after_a_timed_visit_are_priced_for_when_they_can_leave() -> None:
    # Rush hour 07-09 doubles every drive. A shift 07:00-12:00 with visits fixed at 10:00 and
    # 10:50-11:10: priced at the shift's slowest hour (40 min a leg) the engineer could not be
    # home by 12:00 after both; priced for when each visit can actually be left (after 10:30,
    # free-flowing: 20 min) both fit, and the validator agrees at the real departure times.
    rush = {"hourly_factors": [1.0] * 7 + [0.5, 0.5] + [1.0] * 15, "timezone": "UTC"}
    jobs = [
        {
            "id": "j1",
            "location": {"matrix_index": 1},
            "duration_minutes": 30,
            "time_windows": [{"start": at("10:00"), "end": at("10:00")}],
        },
        {
            "id": "j2",
            "location": {"matrix_index": 2},
            "duration_minutes": 30,
            "time_windows": [{"start": at("10:50"), "end": at("11:10")}],
        },
    ]
    day = Problem.model_validate(
        {
            "jobs": jobs,
            "engineers": [
                {**_engineer("ana"), "shifts": [{"start": at("07:00"), "end": at("12:00")}]}
            ],
            "travel": {"kind": "matrix", "durations_s": MINUTES_20, "speed_profile": rush},
            "objective": {"kind": "travel_time"},
        }
    )
    plan = solve(day, time_limit=0.5)
    assert validate(day, plan) == []
    assert plan.unassigned == []
    # The plan reports each drive as really driven: the engine kept 40 min for the first leg
    # (leaving at 09:20, inside the shift's rush), the road takes 20 min then, so ana waits.
    first, second = plan.routes[0].stops
    assert (first.travel_s, first.wait_s, second.travel_s) == (1200, 1200, 1200)
    assert plan.routes[0].return_travel_s == 1200


def test_the_optional_second_rush_hour_pass_returns_a_valid_plan() -> None:
    from dispatchopt.solvers.front_door import solve as front_door

    rush = {"hourly_factors": [1.0] * 7 + [0.5, 0.5] + [1.0] * 15, "timezone": "UTC"}
    day = _day({"speed_profile": rush}, [_engineer("ana")], ("07:00", "12:00"))
    plan = front_door(day, time_limit=1, strategy="departure_pass")
    assert validate(day, plan) == []
    assert plan.unassigned == []

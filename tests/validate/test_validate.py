"""The validator on hand-built days: a valid plan passes, each broken rule is reported once.

Travel is x/y Euclidean at 60 km/h, so 1 km takes exactly one minute and every time below can
be checked on paper. The day is Monday 2024-03-04, in UTC.
"""

from __future__ import annotations

from datetime import date, timedelta, timezone
from typing import Any

import pytest

from dispatchopt.errors import InputError
from dispatchopt.models import Plan, Violation
from dispatchopt.validate import is_valid, validate
from tests.days import Day

DAY = Day(date(2024, 3, 4), job_minutes=60)
at, engineer, job, problem = DAY.at, DAY.engineer, DAY.job, DAY.problem


def stop(jid: str, start: str, end: str, arrival: str | None = None) -> dict[str, Any]:
    came = at(arrival or start)
    waits = max(0, int((at(start) - came).total_seconds()))
    return {"job_id": jid, "arrival": came, "start": at(start), "end": at(end), "wait_s": waits}


def route(
    eid: str,
    departure: str,
    arrival: str,
    stops: list[dict[str, Any]],
    breaks: list[tuple[str, str]] | None = None,
    shift_index: int = 0,
) -> dict[str, Any]:
    return {
        "engineer_id": eid,
        "shift_index": shift_index,
        "departure": at(departure),
        "arrival": at(arrival),
        "stops": stops,
        "breaks": [{"start": at(a), "end": at(b)} for a, b in breaks or []],
    }


def plan(*routes: dict[str, Any], unassigned: list[str] | None = None) -> Plan:
    return Plan.model_validate(
        {
            "routes": list(routes),
            "unassigned": [
                {"job_id": j, "reason": "not_worth_its_penalty", "detail": "test"}
                for j in unassigned or []
            ],
        }
    )


def found(violations: list[Violation]) -> list[tuple[str, str | None, str | None]]:
    return [(str(v.rule), v.job_id, v.engineer_id) for v in violations]


# A boiler repair 10 km east of the depot, 09:00-11:00, needing gas at level 2. Ana (gas 2) and
# Ben (gas 1) both start at the depot at (0, 0).
BOILER = job("boiler", x=10, windows=[("09:00", "11:00")], skills=[{"skill": "gas", "level": 2}])
ANA = engineer("ana", skills={"gas": 2})
BEN = engineer("ben", skills={"gas": 1})
BOILER_DAY = problem([BOILER], [ANA, BEN])


def boiler_route(eid: str = "ana", start: str = "09:00", end: str = "10:00") -> dict[str, Any]:
    """Leave 10 min before ``start``, repair, drive 10 min back."""
    drive = timedelta(minutes=10)
    leave = (at(start) - drive).strftime("%H:%M")
    back = (at(end) + drive).strftime("%H:%M")
    return route(eid, leave, back, [stop("boiler", start, end)])


def test_a_boiler_repair_by_the_gas_2_engineer_is_valid() -> None:
    assert validate(BOILER_DAY, plan(boiler_route())) == []
    assert is_valid(BOILER_DAY, plan(boiler_route()))


def test_a_boiler_repair_needing_gas_2_given_to_the_level_1_engineer() -> None:
    violations = validate(BOILER_DAY, plan(boiler_route("ben")))
    assert found(violations) == [("skill", "boiler", "ben")]
    assert violations[0].message == "needs gas level 2, but the engineer has level 1"
    assert violations[0].amount == 1


def test_a_job_needing_a_skill_the_engineer_lacks_entirely() -> None:
    day = problem([BOILER], [engineer("cal", skills={"electric": 3})])
    violations = validate(day, plan(boiler_route("cal")))
    assert found(violations) == [("skill", "boiler", "cal")]
    assert "no gas skill" in violations[0].message


def test_the_repair_starting_12_minutes_after_its_window_closes() -> None:
    violations = validate(BOILER_DAY, plan(boiler_route(start="11:12", end="12:12")))
    assert found(violations) == [("time_window", "boiler", "ana")]
    assert violations[0].amount == 720
    assert violations[0].unit == "s"
    assert violations[0].message == "starts 11:12, 12 min after its window closes at 11:00"


def test_a_start_between_two_windows_reports_the_nearest_miss() -> None:
    day = problem([job("meter", x=10, windows=[("09:00", "10:00"), ("13:00", "14:00")])], [ANA])
    at_noon = route("ana", "11:50", "13:10", [stop("meter", "12:00", "13:00")])
    violations = validate(day, plan(at_noon))
    assert found(violations) == [("time_window", "meter", "ana")]
    assert violations[0].amount == 3600
    assert "before its window opens at 13:00" in violations[0].message
    in_second = route("ana", "12:50", "14:10", [stop("meter", "13:00", "14:00")])
    assert validate(day, plan(in_second)) == []


def test_a_visit_before_the_job_is_released() -> None:
    day = problem([job("survey", x=10, earliest_start=at("10:00"))], [ANA])
    violations = validate(
        day, plan(route("ana", "08:50", "10:10", [stop("survey", "09:00", "10:00")]))
    )
    assert found(violations) == [("release_time", "survey", "ana")]
    assert violations[0].amount == 3600
    assert (
        validate(day, plan(route("ana", "09:50", "11:10", [stop("survey", "10:00", "11:00")])))
        == []
    )


def test_on_site_time_follows_the_engineers_level() -> None:
    # A senior (gas 3) fits a boiler in 30 minutes instead of 60.
    fast_boiler = job(
        "boiler",
        x=10,
        skills=[{"skill": "gas", "level": 2}],
        duration_by_level={3: 30},
    )
    day = problem([fast_boiler], [engineer("sue", skills={"gas": 3})])
    ok = route("sue", "08:50", "09:40", [stop("boiler", "09:00", "09:30")])
    assert validate(day, plan(ok)) == []
    slow = route("sue", "08:50", "10:10", [stop("boiler", "09:00", "10:00")])
    violations = validate(day, plan(slow))
    assert found(violations) == [("duration", "boiler", "sue")]
    assert violations[0].amount == 1800
    assert "takes 30 min for a level-3 engineer" in violations[0].message


def test_only_the_required_engineer_may_do_the_job() -> None:
    day = problem([job("vip", x=10, required_engineers=["ana"])], [ANA, BEN])
    assert validate(day, plan(boiler_like("ana", "vip"))) == []
    assert found(validate(day, plan(boiler_like("ben", "vip")))) == [
        ("engineer_restriction", "vip", "ben")
    ]


def test_an_excluded_engineer_may_not_do_the_job() -> None:
    day = problem([job("grumpy", x=10, excluded_engineers=["ben"])], [ANA, BEN])
    assert validate(day, plan(boiler_like("ana", "grumpy"))) == []
    violations = validate(day, plan(boiler_like("ben", "grumpy")))
    assert found(violations) == [("engineer_restriction", "grumpy", "ben")]
    assert "excluded" in violations[0].message


def boiler_like(eid: str, jid: str) -> dict[str, Any]:
    """The standard 09:00-10:00 visit 10 km out, for any job."""
    return route(eid, "08:50", "10:10", [stop(jid, "09:00", "10:00")])


def test_a_job_locked_to_another_engineer() -> None:
    day = problem([job("fixed", x=10, lock={"engineer_id": "ana"})], [ANA, BEN])
    assert validate(day, plan(boiler_like("ana", "fixed"))) == []
    assert found(validate(day, plan(boiler_like("ben", "fixed")))) == [("lock", "fixed", "ben")]


def test_a_job_locked_to_an_exact_start_that_moved() -> None:
    day = problem([job("fixed", x=10, lock={"engineer_id": "ana", "start": at("09:00")})], [ANA])
    assert validate(day, plan(boiler_like("ana", "fixed"))) == []
    moved = route("ana", "09:05", "10:25", [stop("fixed", "09:15", "10:15")])
    violations = validate(day, plan(moved))
    assert found(violations) == [("lock", "fixed", "ana")]
    assert violations[0].amount == 900


def test_a_drive_shorter_than_the_distance_allows() -> None:
    # Leaves at 08:55 and starts 10 km away at 09:00: five minutes short.
    rushed = route("ana", "08:55", "10:10", [stop("boiler", "09:00", "10:00")])
    violations = validate(BOILER_DAY, plan(rushed))
    assert found(violations) == [("travel_time", "boiler", "ana")]
    assert violations[0].amount == 300
    assert "the drive takes 10 min" in violations[0].message


def test_the_drive_home_is_checked_too() -> None:
    early_home = route("ana", "08:50", "10:05", [stop("boiler", "09:00", "10:00")])
    violations = validate(BOILER_DAY, plan(early_home))
    assert found(violations) == [("travel_time", None, "ana")]
    assert "is back home" in violations[0].message


def test_a_reported_arrival_earlier_than_the_drive_allows() -> None:
    liar = route("ana", "08:50", "10:10", [stop("boiler", "09:00", "10:00", arrival="08:55")])
    assert found(validate(BOILER_DAY, plan(liar))) == [("travel_time", "boiler", "ana")]


def test_a_start_before_the_stops_own_arrival() -> None:
    odd = route("ana", "08:50", "10:10", [stop("boiler", "09:00", "10:00", arrival="09:05")])
    violations = validate(BOILER_DAY, plan(odd))
    assert found(violations) == [("travel_time", "boiler", "ana")]
    assert "before arriving at 09:05" in violations[0].message


def test_back_home_later_than_the_drive_explains_is_a_phantom_end_of_day() -> None:
    # The repair ends 10:00 and home is 10 min away, yet the route says back at 10:33: 23 min
    # that are neither driving nor waiting would show as overtime.
    phantom = route("ana", "08:50", "10:33", [stop("boiler", "09:00", "10:00")])
    violations = validate(BOILER_DAY, plan(phantom))
    assert found(violations) == [("travel_time", None, "ana")]
    assert violations[0].amount == 23 * 60
    assert "unaccounted for" in violations[0].message
    assert validate(BOILER_DAY, plan(boiler_route())) == []


def test_an_arrival_later_than_the_drive_explains_hides_waiting() -> None:
    # Leaves 08:30, 10 min drive, but says it arrived 09:00 with no wait: 20 min unaccounted.
    hidden = route("ana", "08:30", "10:10", [stop("boiler", "09:00", "10:00")])
    assert found(validate(BOILER_DAY, plan(hidden))) == [("travel_time", "boiler", "ana")]
    honest = route("ana", "08:30", "10:10", [stop("boiler", "09:00", "10:00", arrival="08:40")])
    assert validate(BOILER_DAY, plan(honest)) == []


def test_a_reported_wait_must_match_arrival_and_start() -> None:
    told = stop("boiler", "09:00", "10:00", arrival="08:40")
    told["wait_s"] = 0
    violations = validate(BOILER_DAY, plan(route("ana", "08:30", "10:10", [told])))
    assert found(violations) == [("travel_time", "boiler", "ana")]
    assert "20 min" in violations[0].message and "waiting" in violations[0].message


LUNCH = [("12:00", "14:00", 30.0)]


def test_lunch_taken_between_two_visits_needs_room_in_the_gap() -> None:
    # Two jobs 10 km apart; lunch is taken on the way. 11:00 -> 11:40 holds 10 min drive + 30 min.
    day = problem(
        [job("a", x=10), job("b", x=20)],
        [engineer("ana", breaks=[("11:00", "14:00", 30.0)])],
    )
    fits = route(
        "ana",
        "09:50",
        "13:00",
        [stop("a", "10:00", "11:00"), stop("b", "11:40", "12:40")],
        breaks=[("11:05", "11:35")],
    )
    assert validate(day, plan(fits)) == []
    squeezed = route(
        "ana",
        "09:50",
        "12:50",
        [stop("a", "10:00", "11:00"), stop("b", "11:30", "12:30")],
        breaks=[("11:00", "11:30")],
    )
    violations = validate(day, plan(squeezed))
    assert found(violations) == [("travel_time", "b", "ana")]
    assert violations[0].amount == 600
    assert "plus 30 min of breaks" in violations[0].message


def test_lunch_break_overlapping_a_visit() -> None:
    day = problem(
        [job("boiler", x=10, windows=[("11:00", "13:00")])], [engineer("ana", breaks=LUNCH)]
    )
    ok = route(
        "ana", "11:50", "13:10", [stop("boiler", "12:00", "13:00")], breaks=[("13:10", "13:40")]
    )
    assert validate(day, plan(ok)) == []
    clash = route(
        "ana", "11:50", "13:10", [stop("boiler", "12:00", "13:00")], breaks=[("12:30", "13:00")]
    )
    violations = validate(day, plan(clash))
    assert found(violations) == [("break", "boiler", "ana")]
    assert violations[0].amount == 1800
    assert "overlaps the visit to boiler (12:00-13:00) by 30 min" in violations[0].message


def test_only_the_part_of_a_break_after_departure_takes_time_from_the_drive() -> None:
    day = problem([job("boiler", x=10)], [engineer("ana", breaks=LUNCH)])
    before = route(
        "ana", "12:30", "13:50", [stop("boiler", "12:40", "13:40")], breaks=[("12:00", "12:30")]
    )
    assert validate(day, plan(before)) == []
    # Lunch 12:00-12:30 at home, leaving 12:15: 15 min of lunch + 10 min drive fit by 12:40.
    spanning = route(
        "ana", "12:15", "13:50", [stop("boiler", "12:40", "13:40")], breaks=[("12:00", "12:30")]
    )
    assert validate(day, plan(spanning)) == []
    rushed = route(
        "ana", "12:15", "13:40", [stop("boiler", "12:30", "13:30")], breaks=[("12:00", "12:30")]
    )
    violations = validate(day, plan(rushed))
    assert found(violations) == [("travel_time", "boiler", "ana")]
    assert violations[0].amount == 600
    assert "plus 15 min of breaks" in violations[0].message


def test_a_missing_lunch_break() -> None:
    day = problem([job("boiler", x=10)], [engineer("ana", breaks=LUNCH)])
    violations = validate(day, plan(boiler_like("ana", "boiler")))
    assert found(violations) == [("break", None, "ana")]
    assert violations[0].message == "break 1 (30 min in 12:00-14:00) is missing"


def test_a_lunch_break_outside_its_window_or_too_short() -> None:
    day = problem([job("boiler", x=10)], [engineer("ana", breaks=LUNCH)])
    late = plan(
        route(
            "ana", "08:50", "10:10", [stop("boiler", "09:00", "10:00")], breaks=[("13:45", "14:15")]
        )
    )
    violations = validate(day, late)
    assert found(violations) == [("break", None, "ana")]
    assert violations[0].amount == 900
    short = plan(
        route(
            "ana", "08:50", "10:10", [stop("boiler", "09:00", "10:00")], breaks=[("12:00", "12:20")]
        )
    )
    violations = validate(day, short)
    assert found(violations) == [("break", None, "ana")]
    assert "should last 30 min" in violations[0].message


def test_a_break_the_shift_does_not_have() -> None:
    extra = route(
        "ana", "08:50", "10:10", [stop("boiler", "09:00", "10:00")], breaks=[("15:00", "15:10")]
    )
    violations = validate(BOILER_DAY, plan(extra))
    assert found(violations) == [("break", None, "ana")]
    assert "not one of the shift's 0 break(s)" in violations[0].message


def test_leaving_before_the_shift_starts() -> None:
    day = problem([job("boiler", x=10)], [ANA])
    dawn = route("ana", "07:40", "09:00", [stop("boiler", "07:50", "08:50")])
    violations = validate(day, plan(dawn))
    assert found(violations) == [("shift", None, "ana")]
    assert violations[0].amount == 1200


def test_coming_home_late_within_and_beyond_the_overtime_allowance() -> None:
    day = problem([job("boiler", x=10)], [engineer("ana", overtime_minutes=30)])
    within = route("ana", "16:00", "17:20", [stop("boiler", "16:10", "17:10")])
    assert validate(day, plan(within)) == []
    beyond = route("ana", "16:30", "17:50", [stop("boiler", "16:40", "17:40")])
    violations = validate(day, plan(beyond))
    assert found(violations) == [("shift", None, "ana")]
    assert violations[0].amount == 1200
    assert "plus 30 min overtime" in violations[0].message


def test_a_route_for_a_shift_the_engineer_does_not_have() -> None:
    bad = boiler_like("ana", "boiler")
    bad["shift_index"] = 1
    violations = validate(BOILER_DAY, plan(bad))
    assert found(violations) == [("shift", None, "ana")]
    assert "has 1 shift(s)" in violations[0].message


def test_two_routes_for_the_same_shift() -> None:
    day = problem([job("a", x=10), job("b", x=10, y=0.0)], [ANA])
    first = route("ana", "08:50", "10:10", [stop("a", "09:00", "10:00")])
    second = route("ana", "10:50", "12:10", [stop("b", "11:00", "12:00")])
    assert found(validate(day, plan(first, second))) == [("shift", None, "ana")]


def test_working_longer_than_the_daily_limit() -> None:
    day = problem([job("boiler", x=10)], [engineer("ana", max_working_minutes=60)])
    violations = validate(day, plan(boiler_like("ana", "boiler")))
    assert found(violations) == [("max_working_time", None, "ana")]
    assert violations[0].amount == 1200
    assert "1 h 20 min" in violations[0].message


def test_a_van_loaded_beyond_its_capacity() -> None:
    day = problem(
        [job("a", x=10, minutes=10, demand=3), job("b", x=10, minutes=10, demand=2)],
        [engineer("ana", capacity=4)],
    )
    both = route(
        "ana", "08:50", "09:30", [stop("a", "09:00", "09:10"), stop("b", "09:10", "09:20")]
    )
    violations = validate(day, plan(both))
    assert found(violations) == [("capacity", None, "ana")]
    assert (violations[0].amount, violations[0].unit) == (1, "units")
    assert (
        validate(
            day,
            plan(route("ana", "08:50", "09:20", [stop("a", "09:00", "09:10")]), unassigned=["b"]),
        )
        == []
    )


def test_a_follow_up_visit_must_come_after_the_first() -> None:
    day = problem(
        [job("survey", x=10, minutes=30), job("install", x=20, minutes=30, after=["survey"])],
        [ANA, BEN],
    )
    in_order = plan(
        route("ana", "08:50", "09:40", [stop("survey", "09:00", "09:30")]),
        route("ben", "09:10", "10:20", [stop("install", "09:30", "10:00")]),
    )
    assert validate(day, in_order) == []
    overlapping = plan(
        route("ana", "08:50", "09:40", [stop("survey", "09:00", "09:30")]),
        route("ben", "08:50", "10:00", [stop("install", "09:10", "09:40")]),
    )
    violations = validate(day, overlapping)
    assert found(violations) == [("precedence", "install", "ben")]
    assert violations[0].amount == 1200
    alone = plan(
        route("ben", "09:10", "10:20", [stop("install", "09:30", "10:00")]), unassigned=["survey"]
    )
    violations = validate(day, alone)
    assert found(violations) == [("precedence", "install", "ben")]
    assert "not served" in violations[0].message


def test_a_job_neither_served_nor_unassigned_is_missing() -> None:
    violations = validate(BOILER_DAY, plan())
    assert found(violations) == [("missing_job", "boiler", None)]
    assert validate(BOILER_DAY, plan(unassigned=["boiler"])) == []


def test_a_job_served_twice() -> None:
    day = problem([job("boiler", x=10)], [ANA, BEN])
    twice = plan(boiler_like("ana", "boiler"), boiler_like("ben", "boiler"))
    violations = validate(day, twice)
    assert found(violations) == [("duplicate_job", "boiler", None)]
    assert violations[0].message == "served 2 times (by ana, ben)"


def test_a_job_served_and_also_listed_as_unassigned() -> None:
    both = plan(boiler_route(), unassigned=["boiler"])
    assert found(validate(BOILER_DAY, both)) == [("duplicate_job", "boiler", "ana")]


def test_a_job_listed_twice_as_unassigned() -> None:
    assert found(validate(BOILER_DAY, plan(unassigned=["boiler", "boiler"]))) == [
        ("duplicate_job", "boiler", None)
    ]


def test_a_job_or_engineer_the_problem_does_not_know() -> None:
    ghost_job = plan(boiler_route(), unassigned=["ghost"])
    assert found(validate(BOILER_DAY, ghost_job)) == [("unknown_job", "ghost", None)]
    stranger = plan(boiler_route("zed"))
    assert found(validate(BOILER_DAY, stranger)) == [("unknown_engineer", None, "zed")]
    visiting_ghost = route(
        "ana", "08:50", "10:40", [stop("boiler", "09:00", "10:00"), stop("ghost", "10:10", "10:30")]
    )
    assert found(validate(BOILER_DAY, plan(visiting_ghost))) == [("unknown_job", "ghost", "ana")]


def test_a_plan_with_naive_datetimes_is_refused_naming_the_field() -> None:
    naive = plan(boiler_route())
    naive.routes[0].stops[0].start = naive.routes[0].stops[0].start.replace(tzinfo=None)
    with pytest.raises(InputError, match=r"routes\[0\]\.stops\[0\]\.start"):
        validate(BOILER_DAY, naive)


def test_times_in_another_zone_are_compared_as_moments() -> None:
    paris = timezone(timedelta(hours=1))
    shifted = plan(boiler_route())
    for s in shifted.routes[0].stops:
        s.start, s.end, s.arrival = (t.astimezone(paris) for t in (s.start, s.end, s.arrival))
    assert validate(BOILER_DAY, shifted) == []

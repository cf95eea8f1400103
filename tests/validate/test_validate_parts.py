"""The validator's parts, depot, tools and SLA rules on hand-built plans: the valid plan passes,
each broken one yields exactly the violation it breaks.

x/y km at 60 km/h (1 km = 1 minute) on Monday 2024-03-04 (UTC). Ana starts at the office (0, 0)
with one drain pump in her van. The north depot (0, 10) is open 08:00-12:00, holds the last
fridge compressor and lends torque wrenches; the south depot (0, -10) is always open and expects
one oven control board (pcb) at 14:00. Pickups take 10 minutes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from dispatchopt.matrices import ProblemMatrices, problem_matrices
from dispatchopt.models import Plan, Problem, Rule, Violation
from dispatchopt.validate import recompute_sla_compliance, validate
from tests.validate.test_validate import DAY, at, engineer, job


def day(
    jobs: list[dict[str, Any]], engineers: list[dict[str, Any]] | None = None, **extra: Any
) -> Problem:
    return DAY.problem(
        jobs,
        engineers or [engineer("ana", van_stock={"drain_pump": 1})],
        parts=[{"sku": "compressor"}, {"sku": "drain_pump"}, {"sku": "pcb"}],
        depots=[
            {
                "id": "north",
                "location": {"x": 0, "y": 10},
                "opening_hours": [{"start": at("08:00"), "end": at("12:00")}],
                "stock": {"compressor": 1},
                "tools": ["torque_wrench"],
                "pickup_minutes": 10,
            },
            {"id": "south", "location": {"x": 0, "y": -10}, "pickup_minutes": 10},
        ],
        part_arrivals=[
            {"sku": "pcb", "quantity": 1, "depot_id": "south", "expected_at": at("14:00")}
        ],
        **extra,
    )


def drive(mats: ProblemMatrices, a: int, b: int, leaves: timedelta) -> timedelta:
    return timedelta(seconds=mats.duration_at(a, b, int(leaves.total_seconds()), None))


def validate_as_driven(day: Problem, plan: Plan) -> list[Violation]:
    """Validate ``plan`` after giving each stop the arrival its drive implies (these
    hand-written plans give times of service only; the scenarios are about parts and clocks)."""
    mats = problem_matrices(day)
    epoch = day.epoch()
    routes = []
    for r in plan.routes:
        point, leaves, stops = mats.start_point[r.engineer_id], r.departure, []
        for s in r.stops:
            places = mats.depot_point if s.kind == "pickup" else mats.job_point
            if s.job_id not in places:
                stops.append(s)
                continue
            here = places[s.job_id]
            arrival = min(s.start, leaves + drive(mats, point, here, leaves - epoch))
            wait = int((s.start - arrival).total_seconds())
            stops.append(s.model_copy(update={"arrival": arrival, "wait_s": wait}))
            point, leaves = here, s.end
        home = leaves + drive(mats, point, mats.end_point[r.engineer_id], leaves - epoch)
        routes.append(r.model_copy(update={"stops": stops, "arrival": min(r.arrival, home)}))
    return validate(day, plan.model_copy(update={"routes": routes}))


def stop(
    jid: str, start: str, end: str, parts: dict[str, int] | None = None, kind: str = "job"
) -> dict[str, Any]:
    return {
        "job_id": jid,
        "kind": kind,
        "arrival": at(start),
        "start": at(start),
        "end": at(end),
        "parts": [{"sku": s, "quantity": q} for s, q in (parts or {}).items()],
    }


def pickup(depot: str, start: str, end: str, parts: dict[str, int] | None = None) -> dict[str, Any]:
    return stop(depot, start, end, parts, kind="pickup")


def route(
    eid: str, departure: str, arrival: str, *stops: dict[str, Any], shift: int = 0
) -> dict[str, Any]:
    return {
        "engineer_id": eid,
        "shift_index": shift,
        "departure": at(departure),
        "arrival": at(arrival),
        "stops": list(stops),
    }


def plan(*routes: dict[str, Any], unassigned: list[str] | None = None) -> Plan:
    return Plan.model_validate(
        {
            "routes": list(routes),
            "unassigned": [
                {"job_id": j, "reason": "awaiting_parts", "detail": "test"}
                for j in unassigned or []
            ],
        }
    )


def found(violations: list[Violation]) -> list[tuple[str, str | None, str | None]]:
    return [(str(v.rule), v.job_id, v.engineer_id) for v in violations]


FRIDGE = job("fridge", x=10, y=10, minutes=30, parts=[{"sku": "compressor"}])
WASHER = job("washer", x=10, y=0, minutes=30, parts=[{"sku": "drain_pump"}])
FRIDGE_AND_WASHER = day([FRIDGE, WASHER])


def fridge_then_washer(pickup_stop: dict[str, Any] | None = None, **fridge: Any) -> Plan:
    """08:10 compressor pickup at north, fridge 08:30-09:00, washer 09:10-09:40, home 09:50."""
    first = pickup_stop or pickup("north", "08:10", "08:20", {"compressor": 1})
    fridge_stop = stop("fridge", "08:30", "09:00", {"compressor": 1}) | fridge
    return plan(
        route(
            "ana",
            "08:00",
            "09:50",
            first,
            fridge_stop,
            stop("washer", "09:10", "09:40", {"drain_pump": 1}),
        )
    )


def test_compressor_picked_up_before_the_fridge_and_van_pump_for_the_washer_is_valid() -> None:
    assert validate_as_driven(FRIDGE_AND_WASHER, fridge_then_washer()) == []


def test_fridge_served_without_visiting_the_depot_lacks_its_compressor() -> None:
    no_pickup = plan(
        route(
            "ana",
            "08:00",
            "09:50",
            stop("fridge", "08:30", "09:00", {"compressor": 1}),
            stop("washer", "09:10", "09:40", {"drain_pump": 1}),
        )
    )
    violations = validate_as_driven(FRIDGE_AND_WASHER, no_pickup)
    assert found(violations) == [("parts", "fridge", "ana")]
    assert violations[0].amount == 1
    assert "compressor" in violations[0].message


def test_a_stop_reporting_other_parts_than_the_job_needs() -> None:
    violations = validate_as_driven(FRIDGE_AND_WASHER, fridge_then_washer(parts=[]))
    assert found(violations) == [("parts", "fridge", "ana")]
    assert "needs 1 x compressor" in violations[0].message


def test_one_van_pump_cannot_serve_two_washers() -> None:
    second = job("washer-2", x=20, y=0, minutes=30, parts=[{"sku": "drain_pump"}])
    p = day([WASHER, second])
    two = plan(
        route(
            "ana",
            "08:00",
            "09:40",
            stop("washer", "08:10", "08:40", {"drain_pump": 1}),
            stop("washer-2", "08:50", "09:20", {"drain_pump": 1}),
        )
    )
    assert found(validate_as_driven(p, two)) == [("parts", "washer-2", "ana")]


def test_van_stock_is_loaded_for_the_first_shift_only() -> None:
    split = engineer("ana", van_stock={"drain_pump": 1})
    split["shifts"] = [
        {"start": at("08:00"), "end": at("12:00")},
        {"start": at("13:00"), "end": at("17:00")},
    ]
    p = day([WASHER], [split])
    morning = route("ana", "08:00", "08:50", stop("washer", "08:10", "08:40", {"drain_pump": 1}))
    assert validate_as_driven(p, plan(morning)) == []
    afternoon = route(
        "ana", "13:00", "13:50", stop("washer", "13:10", "13:40", {"drain_pump": 1}), shift=1
    )
    assert found(validate_as_driven(p, plan(afternoon))) == [("parts", "washer", "ana")]


def test_pickup_after_the_depot_closes_at_noon() -> None:
    late = plan(
        route(
            "ana",
            "12:00",
            "13:50",
            pickup("north", "12:10", "12:20", {"compressor": 1}),
            stop("fridge", "12:30", "13:00", {"compressor": 1}),
            stop("washer", "13:10", "13:40", {"drain_pump": 1}),
        )
    )
    violations = validate_as_driven(FRIDGE_AND_WASHER, late)
    assert found(violations) == [("depot_hours", None, "ana")]
    assert violations[0].amount == 20 * 60


def test_pickup_that_would_run_past_closing_time() -> None:
    edge = pickup("north", "11:55", "12:05", {"compressor": 1})
    p = day([FRIDGE])
    late = plan(
        route("ana", "11:45", "13:00", edge, stop("fridge", "12:15", "12:45", {"compressor": 1}))
    )
    violations = validate_as_driven(p, late)
    assert [v.rule for v in violations] == [Rule.DEPOT_HOURS]
    assert violations[0].amount == 5 * 60


def test_pickup_shorter_than_the_depot_pickup_time() -> None:
    quick = pickup("north", "08:10", "08:15", {"compressor": 1})
    violations = validate_as_driven(FRIDGE_AND_WASHER, fridge_then_washer(quick))
    assert found(violations) == [("duration", None, "ana")]
    assert violations[0].amount == 5 * 60


def test_pickup_at_a_depot_the_problem_does_not_know() -> None:
    nowhere = pickup("west", "08:10", "08:20", {"compressor": 1})
    violations = validate_as_driven(FRIDGE_AND_WASHER, fridge_then_washer(nowhere))
    assert found(violations) == [("parts", None, "ana"), ("parts", "fridge", "ana")]
    assert "'west'" in violations[0].message


def test_two_engineers_cannot_both_take_the_last_compressor() -> None:
    left = job("fridge-west", x=-10, y=10, minutes=30, parts=[{"sku": "compressor"}])
    p = day([FRIDGE, left], [engineer("ana"), engineer("ben")])
    both = plan(
        route(
            "ana",
            "08:00",
            "09:20",
            pickup("north", "08:10", "08:20", {"compressor": 1}),
            stop("fridge", "08:30", "09:00", {"compressor": 1}),
        ),
        route(
            "ben",
            "08:05",
            "09:25",
            pickup("north", "08:15", "08:25", {"compressor": 1}),
            stop("fridge-west", "08:35", "09:05", {"compressor": 1}),
        ),
    )
    violations = validate_as_driven(p, both)
    assert found(violations) == [("parts", None, "ben")]
    assert violations[0].amount == 1
    one = plan(both.routes[0].model_dump(), unassigned=["fridge-west"])
    assert validate_as_driven(p, one) == []


def test_oven_board_cannot_be_picked_up_before_it_arrives_at_14_00() -> None:
    oven = job("oven", x=10, y=-10, minutes=30, parts=[{"sku": "pcb"}])
    p = day([oven])

    def at_south(
        departure: str, start: str, end: str, job_start: str, job_end: str, home: str
    ) -> Plan:
        return plan(
            route(
                "ana",
                departure,
                home,
                pickup("south", start, end, {"pcb": 1}),
                stop("oven", job_start, job_end, {"pcb": 1}),
            )
        )

    assert (
        validate_as_driven(p, at_south("14:00", "14:10", "14:20", "14:30", "15:00", "15:15")) == []
    )
    violations = validate_as_driven(
        p, at_south("11:00", "11:10", "11:20", "11:30", "12:00", "12:15")
    )
    assert found(violations) == [("parts", None, "ana")]
    assert "14:00" in violations[0].message


def test_torque_wrench_collected_at_the_north_depot() -> None:
    drum = job("drum", x=10, y=10, minutes=30, tools=["torque_wrench"])
    p = day([drum])
    with_wrench = plan(
        route(
            "ana",
            "08:00",
            "09:15",
            pickup("north", "08:10", "08:20"),
            stop("drum", "08:30", "09:00"),
        )
    )
    assert validate_as_driven(p, with_wrench) == []
    without = plan(route("ana", "08:00", "09:15", stop("drum", "08:30", "09:00")))
    violations = validate_as_driven(p, without)
    assert found(violations) == [("parts", "drum", "ana")]
    assert "torque_wrench" in violations[0].message


def test_torque_wrench_already_in_the_van_needs_no_pickup() -> None:
    drum = job("drum", x=10, y=10, minutes=30, tools=["torque_wrench"])
    p = day([drum], [engineer("ana", tools=["torque_wrench"])])
    assert (
        validate_as_driven(p, plan(route("ana", "08:00", "09:15", stop("drum", "08:30", "09:00"))))
        == []
    )


URGENT: dict[str, Any] = {
    "sla_policies": [
        {
            "name": "urgent-4h",
            "stages": [{"name": "on_site", "target_minutes": 240, "clock": "wall_clock"}],
        }
    ],
    "sla_tiers": {"urgent": "urgent-4h"},
}


def boiler_day(kind: str, opened: str = "05:00") -> Problem:
    """An urgent boiler 10 km east, its ticket opened at ``opened``: on site by 4 h later."""
    boiler = job("boiler", x=10, minutes=30, sla_tier="urgent", sla={"started_at": at(opened)})
    return day([boiler], sla_mode={"kind": kind}, **URGENT)


def boiler_at(start: str, end: str, home: str) -> Plan:
    return plan(route("ana", "08:00", home, stop("boiler", start, end)))


@pytest.mark.parametrize("kind", ["hard", "soft"])
def test_urgent_boiler_on_site_before_its_09_00_deadline(kind: str) -> None:
    assert validate_as_driven(boiler_day(kind), boiler_at("08:30", "09:00", "09:10")) == []


def test_urgent_boiler_half_an_hour_late_breaks_a_hard_deadline() -> None:
    violations = validate_as_driven(boiler_day("hard"), boiler_at("09:30", "10:00", "10:10"))
    assert found(violations) == [("sla_deadline", "boiler", "ana")]
    assert violations[0].amount == 30 * 60


def test_urgent_boiler_half_an_hour_late_is_only_a_cost_when_soft() -> None:
    assert validate_as_driven(boiler_day("soft"), boiler_at("09:30", "10:00", "10:10")) == []


def test_compliance_counts_late_and_unplanned_jobs_due_today_but_not_tomorrow() -> None:
    jobs = [
        job("on-time", x=10, minutes=30, sla_tier="urgent", sla={"started_at": at("05:00")}),
        job("late", x=20, minutes=30, sla_tier="urgent", sla={"started_at": at("05:00")}),
        job("dropped", x=30, minutes=30, sla_tier="urgent", sla={"started_at": at("06:00")}),
        job("tomorrow", x=5, minutes=30, sla_tier="urgent", sla={"started_at": at("20:00")}),
        job("no-clock", x=5, minutes=30),
    ]
    p = day(jobs, **URGENT)
    answer = plan(
        route(
            "ana",
            "08:00",
            "10:00",
            stop("on-time", "08:10", "08:40"),
            stop("late", "09:10", "09:40"),
        ),
        unassigned=["dropped", "tomorrow", "no-clock"],
    )
    assert validate_as_driven(p, answer) == []
    # Met: on-time. Missed: late (due 09:00), dropped (due 10:00, inside the shift).
    assert recompute_sla_compliance(p, answer) == {"urgent": pytest.approx(100 / 3)}


def test_compliance_is_empty_without_tiers() -> None:
    assert recompute_sla_compliance(FRIDGE_AND_WASHER, fridge_then_washer()) == {}

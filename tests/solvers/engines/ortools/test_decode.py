"""Decoding an OR-Tools route: a depot visit that picked nothing up is dropped, and the route
is re-timed so that what it says (arrivals, waits, back home) follows from the drives."""

from __future__ import annotations

from datetime import date, timedelta

from dispatchopt.models import Plan, Route, Stop
from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.engines.ortools.decode import _without_idle_pickups
from dispatchopt.validate import validate
from tests.days import Day

DAY = Day(date(2026, 6, 2))
at = DAY.at

# Emma lives at x=0. Two washer repairs at x=10 and x=20 (10 min apart, 20 min from home); a
# depot at y=15 beside the first, so going there and on costs as much as a straight line would
# not: the engine kept an empty visit to it between the two jobs, and timed the second job and
# the way home after that detour.
WASHERS = DAY.problem(
    [DAY.job("w1", 10, windows=[("08:00", "17:00")]), DAY.job("w2", 20)],
    [DAY.engineer("emma")],
    parts=[{"sku": "drain_pump"}],
    depots=[{"id": "vaise", "location": {"x": 10, "y": 15}, "pickup_minutes": 10}],
)


def _stop(jid: str, arrival: str, start: str, end: str, travel_min: int, **extra: object) -> Stop:
    return Stop(
        job_id=jid,
        arrival=at(arrival),
        start=at(start),
        end=at(end),
        travel_s=travel_min * 60,
        **extra,  # type: ignore[arg-type]
    )


def test_an_empty_depot_visit_is_dropped_and_its_time_shows_as_waiting() -> None:
    # As decoded: w1 08:10-08:40, empty pickup at vaise 08:55-09:05 (15 min there), then w2
    # at 09:23 (18 min from vaise), home 09:53 + 20 = 10:13.
    detour = Route(
        engineer_id="emma",
        departure=at("08:00"),
        arrival=at("10:13"),
        stops=[
            _stop("w1", "08:10", "08:10", "08:40", 10),
            _stop("vaise", "08:55", "08:55", "09:05", 15, kind="pickup"),
            _stop("w2", "09:23", "09:23", "09:53", 18),
        ],
        return_travel_s=20 * 60,
    )
    cp = compile_problem(WASHERS)
    route = _without_idle_pickups(cp, detour, 0)
    w1, w2 = route.stops
    assert (w1.job_id, w2.job_id) == ("w1", "w2")
    # Straight from w1 to w2 takes 10 min: she arrives 08:50 and waits 33 min for 09:23.
    assert (w2.arrival, w2.travel_s, w2.wait_s) == (at("08:50"), 600, 33 * 60)
    assert route.arrival == at("10:13")
    assert validate(WASHERS, Plan(routes=[route])) == []


def test_an_empty_depot_visit_on_the_way_home_brings_her_home_earlier() -> None:
    # Last job ends 09:20, an empty pickup at vaise, home at 09:55. Straight home from w2 (20
    # min) she is back at 09:40, not 09:55: no phantom quarter of an hour of overtime.
    detour = Route(
        engineer_id="emma",
        departure=at("08:00"),
        arrival=at("09:55"),
        stops=[
            _stop("w1", "08:10", "08:10", "08:40", 10),
            _stop("w2", "08:50", "08:50", "09:20", 10),
            _stop("vaise", "09:38", "09:38", "09:48", 18, kind="pickup"),
        ],
        return_travel_s=18 * 60,
    )
    route = _without_idle_pickups(compile_problem(WASHERS), detour, 0)
    assert [s.job_id for s in route.stops] == ["w1", "w2"]
    assert (route.arrival, route.return_travel_s) == (at("09:40"), 20 * 60)
    assert route.arrival - route.stops[-1].end == timedelta(minutes=20)
    assert validate(WASHERS, Plan(routes=[route])) == []

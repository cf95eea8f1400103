"""Spare parts: depot hours, when a job's parts can be ready, and stock never promised twice."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from dispatchopt.models import (
    Depot,
    Location,
    PartArrival,
    PartRequirement,
    StockHolder,
    TimeWindow,
    Withdrawal,
    parts_readiness,
    stock_shortfalls,
)
from tests.days import Day

DAY = Day(date(2026, 6, 10), tz=ZoneInfo("Europe/Berlin"))


def depot(id: str, stock: dict[str, int] | None = None, hours: bool = True) -> Depot:
    windows = (
        [TimeWindow(start=DAY.at("08:00", days=d), end=DAY.at("17:00", days=d)) for d in (0, 1)]
        if hours
        else []
    )
    return Depot(
        id=id,
        location=Location(x=0, y=0),
        opening_hours=windows,
        stock=stock or {},
        pickup_minutes=15,
    )


COMPRESSOR = [PartRequirement(sku="compressor")]


def test_urgent_job_whose_part_arrives_at_1400() -> None:
    north = depot("north")
    ready = parts_readiness(
        COMPRESSOR,
        {"ana": {}},
        [north, depot("south")],
        [PartArrival(sku="compressor", quantity=1, depot_id="north", expected_at=DAY.at("14:00"))],
    )
    assert ready.unavailable == []
    assert ready.ready_at == DAY.at("14:00")
    assert ready.skus[0].source == StockHolder("depot", "north")


def test_part_arriving_after_closing_is_ready_when_the_depot_reopens() -> None:
    ready = parts_readiness(
        COMPRESSOR,
        {},
        [depot("north")],
        [PartArrival(sku="compressor", quantity=1, depot_id="north", expected_at=DAY.at("16:50"))],
    )
    # 16:50 + a 15-minute pickup would end after 17:00: next morning at 08:00.
    assert ready.ready_at == DAY.at("08:00", days=1)


def test_two_units_needed_wait_for_the_second_delivery() -> None:
    arrivals = [
        PartArrival(sku="compressor", quantity=1, depot_id="north", expected_at=DAY.at("10:00")),
        PartArrival(sku="compressor", quantity=1, depot_id="north", expected_at=DAY.at("12:00")),
    ]
    ready = parts_readiness(
        [PartRequirement(sku="compressor", quantity=2)], {}, [depot("north")], arrivals
    )
    assert ready.ready_at == DAY.at("12:00")


def test_parts_in_stock_now_need_no_wait_and_the_van_comes_first() -> None:
    ready = parts_readiness(
        [PartRequirement(sku="belt"), PartRequirement(sku="pump")],
        {"ana": {"belt": 2}},
        [depot("north", {"pump": 1, "belt": 5})],
        [],
    )
    assert ready.ready_at is None and ready.unavailable == []
    assert [s.source for s in ready.skus] == [
        StockHolder("van", "ana"),
        StockHolder("depot", "north"),
    ]


def test_part_in_stock_nowhere_and_not_expected_is_unavailable() -> None:
    ready = parts_readiness(COMPRESSOR, {"ana": {"belt": 1}}, [depot("north", {"belt": 3})], [])
    assert ready.unavailable == ["compressor"]


def test_pickup_must_fit_inside_opening_hours() -> None:
    north = depot("north")
    assert north.can_pick_up(DAY.at("16:45"))
    assert not north.can_pick_up(DAY.at("16:46"))
    assert not north.can_pick_up(DAY.at("07:59"))
    assert north.next_pickup_start(DAY.at("06:00")) == DAY.at("08:00")
    assert north.next_pickup_start(DAY.at("17:00", days=1)) is None
    assert depot("always", hours=False).can_pick_up(DAY.at("03:00"))


def test_fridge_compressor_only_in_the_north_depot_two_jobs_want_the_last_one() -> None:
    north = depot("north", {"compressor": 1})
    first = Withdrawal(
        holder=StockHolder("depot", "north"),
        sku="compressor",
        quantity=1,
        at=DAY.at("09:00"),
        job_id="fridge-1",
    )
    second = Withdrawal(
        holder=StockHolder("depot", "north"),
        sku="compressor",
        quantity=1,
        at=DAY.at("11:00"),
        job_id="fridge-2",
    )
    short = stock_shortfalls({}, [north], [], [second, first])
    assert len(short) == 1
    assert short[0].withdrawal.job_id == "fridge-2"
    assert (short[0].on_hand, short[0].missing) == (0, 1)
    # A delivery landing between the two pickups covers the second job.
    delivery = PartArrival(
        sku="compressor", quantity=1, depot_id="north", expected_at=DAY.at("10:00")
    )
    assert stock_shortfalls({}, [north], [delivery], [first, second]) == []
    # ... but not when it lands after the second pickup.
    late = delivery.model_copy(update={"expected_at": DAY.at("11:00") + timedelta(seconds=1)})
    assert len(stock_shortfalls({}, [north], [late], [first, second])) == 1


def test_van_stock_is_consumed_too() -> None:
    van = StockHolder("van", "ana")
    uses = [
        Withdrawal(holder=van, sku="belt", quantity=1, at=DAY.after(hours=h), job_id=f"j{h}")
        for h in (9, 10, 11)
    ]
    short = stock_shortfalls({"ana": {"belt": 2}}, [], [], uses)
    assert [s.withdrawal.job_id for s in short] == ["j11"]

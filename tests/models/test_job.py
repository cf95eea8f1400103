"""A job's customer and address: optional, bounded, carried to the plan's stops."""

from __future__ import annotations

from datetime import date

import pytest

from dispatchopt.errors import InputError
from dispatchopt.models import Plan
from dispatchopt.models.job import ADDRESS_MAX_CHARS, CUSTOMER_MAX_CHARS
from tests.days import Day

DAY = Day(date(2026, 3, 10))


def test_customer_and_address_are_optional() -> None:
    job = DAY.problem([DAY.job("boiler", 1)], [DAY.engineer("ann")]).jobs[0]
    assert job.customer is None and job.address is None


@pytest.mark.parametrize(
    ("field", "limit"), [("customer", CUSTOMER_MAX_CHARS), ("address", ADDRESS_MAX_CHARS)]
)
def test_an_overlong_customer_or_address_is_refused_naming_the_field(
    field: str, limit: int
) -> None:
    fits = {**DAY.job("boiler", 1), field: "x" * limit}
    DAY.problem([fits], [DAY.engineer("ann")])
    with pytest.raises(InputError, match=rf"jobs\[0\]\.{field}"):
        DAY.problem([{**fits, field: "x" * (limit + 1)}], [DAY.engineer("ann")])


def test_a_plan_written_before_stops_had_a_customer_still_reads() -> None:
    old = (
        '{"routes": [{"engineer_id": "ann", "departure": "2026-03-10T08:00:00Z",'
        ' "arrival": "2026-03-10T09:00:00Z", "stops": [{"job_id": "boiler",'
        ' "arrival": "2026-03-10T08:10:00Z", "start": "2026-03-10T08:10:00Z",'
        ' "end": "2026-03-10T08:40:00Z"}]}]}'
    )
    stop = Plan.from_json(old).routes[0].stops[0]
    assert stop.customer is None and stop.address is None

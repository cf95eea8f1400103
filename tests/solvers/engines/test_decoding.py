"""What every engine's decoder puts on a job stop beside its times (``job_stop_details``)."""

from __future__ import annotations

from datetime import date

import pytest

from dispatchopt.models import Problem
from dispatchopt.solvers import solve
from dispatchopt.solvers.front_door import EngineName
from tests.days import Day

DAY = Day(date(2026, 3, 10))


def mme_roux_day() -> Problem:
    """Ann has one visit, Mme Roux's boiler at 3 rue Cler, and one job with no customer."""
    return DAY.problem(
        [
            DAY.job("boiler", 5, customer="Mme Roux", address="3 rue Cler, Paris"),
            DAY.job("fridge", 8),
        ],
        [DAY.engineer("ann")],
    )


@pytest.mark.parametrize("engine", ["greedy", "ortools", "vroom", "pyvrp"])
def test_each_engine_carries_customer_and_address_to_the_stop(engine: EngineName) -> None:
    plan = solve(mme_roux_day(), time_limit=2, engine=engine)
    stops = {s.job_id: s for r in plan.routes for s in r.stops}
    assert (stops["boiler"].customer, stops["boiler"].address) == ("Mme Roux", "3 rue Cler, Paris")
    assert (stops["fridge"].customer, stops["fridge"].address) == (None, None)

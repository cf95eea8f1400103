"""An appointment is compiled as a hard window: solvers keep the promise."""

from __future__ import annotations

from datetime import date

import pytest

from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.front_door import solve
from dispatchopt.validate import validate
from tests.days import Day

DAY = Day(date(2024, 3, 4))
at = DAY.at

# The job may be done all day, but the customer was promised 14:00-15:00.
DAY_WITH_PROMISE = DAY.problem(
    [
        DAY.job(
            "promised",
            10,
            windows=[("08:00", "17:00")],
            appointment={"start": at("14:00"), "end": at("15:00")},
        )
    ],
    [DAY.engineer("ana")],
)


def test_the_appointment_narrows_the_compiled_window() -> None:
    cp = compile_problem(DAY_WITH_PROMISE)
    assert cp.jobs[0].windows == ((cp.clock.seconds(at("14:00")), cp.clock.seconds(at("15:00"))),)


@pytest.mark.parametrize("engine", ["greedy", "ortools"])
def test_solvers_start_the_visit_inside_the_appointment(engine: str) -> None:
    plan = solve(DAY_WITH_PROMISE, time_limit=1, engine=engine)  # type: ignore[arg-type]
    assert validate(DAY_WITH_PROMISE, plan) == []
    start = plan.routes[0].stops[0].start
    assert at("14:00") <= start <= at("15:00")


def test_an_appointment_outside_every_window_leaves_the_job_unassigned() -> None:
    day = DAY.problem(
        [
            DAY.job(
                "clash",
                10,
                windows=[("08:00", "10:00")],
                appointment={"start": at("14:00"), "end": at("15:00")},
            )
        ],
        [DAY.engineer("ana")],
    )
    plan = solve(day, time_limit=1, engine="greedy")
    assert [u.job_id for u in plan.unassigned] == ["clash"]

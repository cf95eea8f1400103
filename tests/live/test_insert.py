"""insert_job on named days: the new job at its cheapest place, nobody else moved away."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatchopt.errors import InputError
from dispatchopt.live import insert_job
from dispatchopt.models import Job, UnassignedReason
from dispatchopt.validate import validate
from tests.live.days import THURSDAY, planned, stop_of

at, job, engineer = THURSDAY.at, THURSDAY.job, THURSDAY.engineer

# Ana is at a boiler 10 km east from 09:40 until 10:40 (locked: she is there), and has a
# customer promised 11:30-12:00 at 20 km east. Ben starts 40 km west, with one job there.
MID_VISIT_DAY = THURSDAY.problem(
    [
        job("boiler", 10, minutes=60, lock={"engineer_id": "ana", "start": at("09:40")}),
        job(
            "promised",
            20,
            appointment={"start": at("11:30"), "end": at("12:00")},
        ),
        job("west", -40, windows=[("09:00", "10:00")], required_engineers=["ben"]),
    ],
    [engineer("ana"), engineer("ben", -40)],
)
EMERGENCY = Job.model_validate(
    {
        "id": "gas_leak",
        "location": {"x": 12, "y": 0},
        "duration_minutes": 20,
        "time_windows": [{"start": at("10:05"), "end": at("12:00")}],
        "priority": 5,
    }
)


def test_emergency_at_10_05_goes_to_the_nearest_engineer_after_her_visit() -> None:
    plan = planned(MID_VISIT_DAY)
    problem, after = insert_job(MID_VISIT_DAY, plan, EMERGENCY, now=at("10:05"))
    assert validate(problem, after) == []
    assert "gas_leak" in problem.job_by_id
    engineer_id, start = stop_of(after, "gas_leak")
    # 10:40 end of the boiler, 2 km drive.
    assert (engineer_id, start) == ("ana", at("10:42"))
    assert stop_of(after, "boiler") == stop_of(plan, "boiler")
    promised_by, promised_at = stop_of(after, "promised")
    assert promised_by == "ana"
    assert at("11:30") <= promised_at <= at("12:00")
    assert stop_of(after, "west") == stop_of(plan, "west")
    assert after.summary is not None and after.summary.jobs_served == 4


def test_a_job_that_fits_nowhere_comes_back_unassigned_with_its_reason() -> None:
    plan = planned(MID_VISIT_DAY)
    gas = Job.model_validate(
        {**EMERGENCY.model_dump(), "id": "gas", "skills": [{"skill": "gas", "level": 3}]}
    )
    problem, after = insert_job(MID_VISIT_DAY, plan, gas, now=at("10:05"))
    assert validate(problem, after) == []
    assert [(u.job_id, u.reason) for u in after.unassigned] == [
        ("gas", UnassignedReason.NO_ENGINEER_WITH_SKILL)
    ]
    assert after.routes == plan.routes


def test_the_frozen_horizon_keeps_the_next_visit_ahead_of_the_new_one() -> None:
    # At 09:00 Ana's 09:20 visit is within 30 minutes: the new job may not go before it.
    day = THURSDAY.problem(
        [
            job("first", 10, windows=[("09:20", "09:20")]),
            job("later", 30, windows=[("13:00", "14:00")]),
        ],
        [engineer("ana")],
    )
    plan = planned(day)
    near_home = Job.model_validate(
        {"id": "near", "location": {"x": 5, "y": 0}, "duration_minutes": 10}
    )
    problem, after = insert_job(day, plan, near_home, now=at("09:00"))
    assert validate(problem, after) == []
    order = [s.job_id for s in after.routes[0].stops]
    assert order.index("first") < order.index("near")
    _, start = stop_of(after, "near")
    assert start >= at("09:50")


def test_a_job_id_already_in_the_problem_is_refused() -> None:
    plan = planned(MID_VISIT_DAY)
    taken = EMERGENCY.model_copy(update={"id": "boiler"})
    with pytest.raises(InputError):
        insert_job(MID_VISIT_DAY, plan, taken, now=at("10:05"))


def test_nothing_starts_before_now() -> None:
    plan = planned(MID_VISIT_DAY)
    anytime = EMERGENCY.model_copy(update={"id": "any", "time_windows": []})
    problem, after = insert_job(MID_VISIT_DAY, plan, anytime, now=at("10:05"))
    assert validate(problem, after) == []
    _, start = stop_of(after, "any")
    assert start >= at("10:05") + timedelta(minutes=0)

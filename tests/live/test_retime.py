"""Re-timing an old plan on the changed day: same engineers and order, pushed later, valid."""

from __future__ import annotations

from dispatchopt.live import VisitOverrun, apply_event
from dispatchopt.live.retime import retimed
from dispatchopt.validate import validate
from tests.live.days import THURSDAY, planned

at, job, engineer = THURSDAY.at, THURSDAY.job, THURSDAY.engineer

# Ann's morning: three visits along a road east of her home, lunch between 12:00 and 13:30.
ANN_DAY = THURSDAY.problem(
    [
        job("n1", 10, minutes=60, windows=[("09:00", "09:00")]),
        job("n2", 20, minutes=60, windows=[("10:30", "12:00")]),
        job("n3", 30, minutes=60, windows=[("11:00", "15:00")]),
    ],
    [engineer("ann", 0, breaks=[("12:00", "13:30", 30)])],
)


def starts(plan) -> dict[str, object]:
    return {s.job_id: s.start for r in plan.routes for s in r.jobs}


def test_an_hour_overrun_pushes_her_day_later_keeping_order_and_lunch() -> None:
    plan = planned(ANN_DAY)
    assert [s.job_id for s in plan.routes[0].jobs] == ["n1", "n2", "n3"]
    overrun = VisitOverrun(job_id="n1", expected_end=at("11:00"))
    day = apply_event(ANN_DAY, plan, overrun, now=at("09:30"))
    assert validate(day, plan) != []  # the old times no longer hold
    again = retimed(day, plan, at("09:30"))
    assert validate(day, again) == []
    route = again.routes[0]
    assert [s.job_id for s in route.jobs] == ["n1", "n2", "n3"]
    before, after = starts(plan), starts(again)
    assert after["n1"] == before["n1"]
    assert after["n2"] == at("11:10")  # as soon as she can get there, not earlier than before
    assert after["n3"] > before["n3"]
    lunch = route.breaks[0]
    assert at("12:00") <= lunch.start and lunch.end <= at("13:30")


def test_a_visit_whose_window_closes_before_she_can_come_is_left_for_the_search() -> None:
    plan = planned(ANN_DAY)
    overrun = VisitOverrun(job_id="n1", expected_end=at("12:30"))
    day = apply_event(ANN_DAY, plan, overrun, now=at("09:30"))
    again = retimed(day, plan, at("09:30"))
    assert [s.job_id for s in again.routes[0].jobs] == ["n1", "n3"]
    assert {v.rule for v in validate(day, again)} == {"missing_job"}

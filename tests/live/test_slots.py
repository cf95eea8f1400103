"""offer_slots and accept_offer: a customer on the phone, offered slots over three days."""

from __future__ import annotations

from typing import Any

from dispatchopt.live import accept_offer, default_slots, offer_slots
from dispatchopt.models import Job
from dispatchopt.validate import validate
from tests.live.days import THURSDAY, planned, stop_of

at = THURSDAY.at


def three_day_engineer(eid: str, x: float) -> dict[str, Any]:
    """Works Wednesday to Friday, 08:00-17:00, starting from (x, 0)."""
    return {
        "id": eid,
        "start_location": {"x": x, "y": 0},
        "shifts": [{"start": at("08:00", days=d), "end": at("17:00", days=d)} for d in (-1, 0, 1)],
    }


# Wednesday to Friday; Ana is busy on Thursday afternoon near (30, 0), with a promise there.
WEEK = THURSDAY.problem(
    [
        THURSDAY.job("thu_pm", 30, appointment={"start": at("13:00"), "end": at("15:00")}),
        THURSDAY.job("thu_am", 5, windows=[("09:00", "12:00")]),
    ],
    [three_day_engineer("ana", 0), three_day_engineer("ben", 60)],
)
CALLER = Job.model_validate({"id": "caller", "location": {"x": 32, "y": 0}, "duration_minutes": 45})


def test_default_slots_are_two_hour_windows_of_the_shift_hours_from_now() -> None:
    slots = default_slots(WEEK, now=at("07:00", days=-1), days=3)
    assert len(slots) == 3 * 5  # 08-10, 10-12, 12-14, 14-16, 16-17 each day
    assert slots[0].start == at("08:00", days=-1)
    assert slots[-1].end == at("17:00", days=1)
    later = default_slots(WEEK, now=at("11:00", days=-1), days=1)
    assert later[0].start == at("12:00", days=-1)


def test_customer_wants_thursday_afternoon() -> None:
    plan = planned(WEEK)
    now = at("07:00", days=-1)
    offers = offer_slots(WEEK, plan, CALLER, now=now, days=3, limit=20)
    assert offers, "some slot must be offered"
    assert [o.added_cost for o in offers] == sorted(o.added_cost for o in offers)
    thursday_pm = [
        o for o in offers if o.window.start >= at("12:00") and o.window.end <= at("17:00")
    ]
    assert thursday_pm
    offer = thursday_pm[0]
    assert offer.window.start <= offer.start <= offer.window.end
    problem, booked = accept_offer(WEEK, plan, CALLER, offer, now=now)
    assert validate(problem, booked) == []
    assert problem.job_by_id["caller"].appointment == offer.window
    engineer_id, start = stop_of(booked, "caller")
    assert engineer_id == offer.engineer_id
    assert offer.window.start <= start <= offer.window.end
    _, kept = stop_of(booked, "thu_pm")
    assert at("13:00") <= kept <= at("15:00")


def test_every_offer_can_be_booked() -> None:
    plan = planned(WEEK)
    now = at("07:00", days=-1)
    for offer in offer_slots(WEEK, plan, CALLER, now=now, days=3, limit=20):
        problem, booked = accept_offer(WEEK, plan, CALLER, offer, now=now)
        assert validate(problem, booked) == []

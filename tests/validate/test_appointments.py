"""The appointment rule: a visit outside the window promised to its customer is a violation,
unless the plan lists the job as a broken appointment."""

from __future__ import annotations

from datetime import date

from dispatchopt.models import BrokenAppointment, Plan, Rule
from dispatchopt.validate import validate
from tests.days import Day

DAY = Day(date(2024, 3, 4), job_minutes=60)
at = DAY.at

# Ana promised the Jansens 09:00-10:00; the boiler is 10 km east of the depot.
PROMISED = DAY.problem(
    [DAY.job("jansen", 10, appointment={"start": at("09:00"), "end": at("10:00")})],
    [DAY.engineer("ana")],
)


def visit_at(start: str, end: str, depart: str, back: str) -> Plan:
    return Plan.model_validate(
        {
            "routes": [
                {
                    "engineer_id": "ana",
                    "departure": at(depart),
                    "arrival": at(back),
                    "stops": [
                        {
                            "job_id": "jansen",
                            "arrival": at(start),
                            "start": at(start),
                            "end": at(end),
                        }
                    ],
                }
            ]
        }
    )


def test_a_visit_inside_its_appointment_is_valid() -> None:
    assert validate(PROMISED, visit_at("09:30", "10:30", "09:20", "10:40")) == []


def test_a_visit_after_its_appointment_is_reported_with_how_late() -> None:
    found = validate(PROMISED, visit_at("11:00", "12:00", "10:50", "12:10"))
    assert [(v.rule, v.job_id, v.amount) for v in found] == [(Rule.APPOINTMENT, "jansen", 3600)]
    assert "1 h after the appointment 09:00-10:00" in found[0].message


def test_a_broken_appointment_the_plan_owns_up_to_is_excused() -> None:
    plan = visit_at("11:00", "12:00", "10:50", "12:10")
    plan.broken_appointments = [BrokenAppointment(job_id="jansen", reason="van broke down")]
    assert validate(PROMISED, plan) == []


def test_old_plan_json_without_broken_appointments_still_reads() -> None:
    text = visit_at("09:30", "10:30", "09:20", "10:40").model_dump_json(
        exclude={"broken_appointments"}
    )
    assert Plan.from_json(text).broken_appointments == []

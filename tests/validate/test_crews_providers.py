"""The validator on crews, providers, territories and job caps, on hand-built plans.

Travel is x/y Euclidean at 60 km/h (1 km = 1 minute); the day is 2024-03-04, in UTC. Two
engineers live at x=0 and x=20; the fridge install is at x=10 and takes an hour.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dispatchopt.models import Plan, Problem
from dispatchopt.validate import validate
from tests.days import Day

DAY = Day(date(2024, 3, 4), job_minutes=60)
at = DAY.at


def _stop(jid: str, start: str, end: str, arrival: str, crew: list[str]) -> dict[str, Any]:
    wait = int((at(start) - at(arrival)).total_seconds())
    return {
        "job_id": jid,
        "arrival": at(arrival),
        "start": at(start),
        "end": at(end),
        "wait_s": wait,
        "crew": crew,
    }


def _route(eid: str, dep: str, arr: str, stops: list[dict[str, Any]]) -> dict[str, Any]:
    return {"engineer_id": eid, "departure": at(dep), "arrival": at(arr), "stops": stops}


def _fridge_day(**job: Any) -> Problem:
    return DAY.problem(
        [
            DAY.job(
                "fridge",
                10,
                **{
                    "crew_size": 2,
                    "skills": [{"skill": "fridge"}],
                    "helper_skills": [{"skill": "lift"}],
                    **job,
                },
            )
        ],
        [
            DAY.engineer("lead", 0, skills={"fridge": 1}),
            DAY.engineer("mate", 20, skills={"lift": 1}),
        ],
    )


def _rules(problem: Problem, plan: dict[str, Any]) -> list[str]:
    return [str(v.rule) for v in validate(problem, Plan.model_validate(plan))]


def _crew_plan(mate_start: str, mate_crew: list[str] | None = None) -> dict[str, Any]:
    lead = ["lead", "mate"]
    h, m = (int(p) for p in mate_start.split(":"))
    end = f"{h + 1:02d}:{m:02d}"
    return {
        "routes": [
            _route("lead", "09:50", "11:10", [_stop("fridge", "10:00", "11:00", "10:00", lead)]),
            _route(
                "mate",
                "09:50",
                f"{h + 1:02d}:{m + 10:02d}",
                [_stop("fridge", mate_start, end, "10:00", mate_crew or lead)],
            ),
        ]
    }


def test_a_two_person_install_with_both_on_site_at_ten_is_valid() -> None:
    assert _rules(_fridge_day(), _crew_plan("10:00")) == []


def test_the_mate_arriving_at_half_past_breaks_the_crew_rule() -> None:
    assert _rules(_fridge_day(), _crew_plan("10:30")) == ["crew"]


def test_a_crew_of_one_is_reported_not_a_duplicate() -> None:
    plan = _crew_plan("10:00")
    plan["routes"] = plan["routes"][:1]
    plan["routes"][0]["stops"][0]["crew"] = ["lead"]
    assert _rules(_fridge_day(), plan) == ["crew"]


def test_a_helper_without_the_helper_skill_and_a_swapped_crew_list_are_reported() -> None:
    assert _rules(_fridge_day(helper_skills=[{"skill": "crane"}]), _crew_plan("10:00")) == ["crew"]
    assert "crew" in _rules(_fridge_day(), _crew_plan("10:00", ["mate", "lead"]))


def _contractor_day(max_jobs: int) -> Problem:
    return DAY.problem(
        [DAY.job(f"j{i}", i + 1, windows=[("08:00", "17:00")]) for i in range(4)],
        [DAY.engineer("ann")],
        providers=[{"id": "north", "max_jobs": max_jobs, "fee": 45, "earliest_start": at("09:00")}],
    )


def _outsourced(n: int, fee: float = 45, start: str = "09:00") -> dict[str, Any]:
    return {
        "outsourced": [
            {
                "job_id": f"j{i}",
                "provider_id": "north",
                "fee": fee,
                "window": {"start": at(start), "end": at("17:00")},
            }
            for i in range(n)
        ],
        "unassigned": [
            {"job_id": f"j{i}", "reason": "provider_quota", "detail": "t"} for i in range(n, 4)
        ],
    }


def test_the_north_contractor_with_room_for_3_more_jobs_at_45_each() -> None:
    assert _rules(_contractor_day(3), _outsourced(3)) == []
    assert _rules(_contractor_day(3), _outsourced(4)) == ["provider_quota"]


def test_a_wrong_fee_an_early_window_and_an_unknown_provider_are_reported() -> None:
    assert _rules(_contractor_day(3), _outsourced(1, fee=40)) == ["provider"]
    assert _rules(_contractor_day(3), _outsourced(1, start="08:00")) == ["provider"]
    plan = _outsourced(1)
    plan["outsourced"][0]["provider_id"] = "south"
    assert _rules(_contractor_day(3), plan) == ["provider"]


def test_a_job_both_outsourced_and_routed_is_a_duplicate() -> None:
    plan = _outsourced(1)
    plan["routes"] = [_route("ann", "08:00", "09:02", [_stop("j0", "08:01", "09:01", "08:01", [])])]
    assert _rules(_contractor_day(3), plan) == ["duplicate_job"]


def test_paul_stepping_out_of_the_7th_and_doing_too_many_jobs_is_reported() -> None:
    problem = DAY.problem(
        [DAY.job("cler", 1, zone="75007"), DAY.job("gare", 2, zone="75010")],
        [DAY.engineer("paul", territory=["75007"], max_jobs=1)],
    )
    plan = {
        "routes": [
            _route(
                "paul",
                "08:00",
                "10:05",
                [
                    _stop("cler", "08:01", "09:01", "08:01", []),
                    _stop("gare", "09:02", "10:02", "09:02", []),
                ],
            )
        ]
    }
    assert sorted(_rules(problem, plan)) == ["max_jobs", "territory"]

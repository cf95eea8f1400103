"""Small named days for the output tests: a plan as the printed day and the schedules see it."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from tests.days import Day

from dispatchopt.models import Plan, Problem, Route, Stop
from dispatchopt.models.plan import PartUse

PARIS = Day(date(2026, 6, 2), tz=ZoneInfo("Europe/Paris"))


def paris_problem() -> Problem:
    """A Tuesday in June in Paris (summer time): Dora's boiler is promised 10:00-12:00 or
    14:00-16:00, for Mme Roux at 3 rue Cler; the leak and the fridge have SLA clocks."""
    return PARIS.problem(
        [
            PARIS.job(
                "boiler",
                5,
                windows=[("10:00", "12:00"), ("14:00", "16:00")],
                customer="Mme Roux",
                address="3 rue Cler, 75007 Paris",
            ),
            PARIS.job("leak", 10),
            PARIS.job("fridge", 15),
        ],
        [PARIS.engineer("dora")],
        time_zone="Europe/Paris",
    )


def paris_plan(*, boiler_start: str = "14:30") -> Plan:
    """Dora collects a compressor at DEPOT-1, serves the boiler, then two SLA jobs 74 and 120
    minutes past their due times."""
    at = PARIS.at
    pickup = Stop(
        job_id="DEPOT-1",
        kind="pickup",
        arrival=at("08:10"),
        start=at("08:10"),
        end=at("08:20"),
        parts=[PartUse(sku="compressor-A", quantity=1)],
    )
    boiler = Stop(
        job_id="boiler",
        arrival=at("08:30"),
        start=at(boiler_start),
        end=at(boiler_start) + timedelta(minutes=30),
        customer="Mme Roux",
        address="3 rue Cler, 75007 Paris",
    )
    leak = Stop(
        job_id="leak",
        arrival=at("15:14"),
        start=at("15:14"),
        end=at("15:44"),
        sla_due=at("14:00"),
        sla_slack_s=-74 * 60,
    )
    fridge = Stop(
        job_id="fridge",
        arrival=at("16:00"),
        start=at("16:00"),
        end=at("16:30"),
        sla_due=at("14:00"),
        sla_slack_s=-120 * 60,
    )
    route = Route(
        engineer_id="dora",
        departure=at("08:00"),
        arrival=at("16:45"),
        stops=[pickup, boiler, leak, fridge],
    )
    return Plan(routes=[route])

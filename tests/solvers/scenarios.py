"""Small named days shared by the solver tests (x/y km at 60 km/h: 1 km = 1 minute)."""

from __future__ import annotations

from datetime import date

from dispatchopt.models import Problem
from tests.days import Day

DAY = Day(date(2025, 6, 2))
at, engineer, job, problem = DAY.at, DAY.engineer, DAY.job, DAY.problem


def fridge_and_boiler_day() -> Problem:
    """Two engineers: Ana (fridge 2, gas 1) in the west, Ben (gas 2) in the east; six jobs,
    a gas-2 boiler that only Ben may do, a morning-only fridge repair, lunch breaks."""
    lunch = [("11:30", "13:30", 30)]
    return problem(
        jobs=[
            job(
                "fridge-am",
                2,
                1,
                45,
                [("08:00", "10:00")],
                skills=[{"skill": "fridge", "level": 2}],
            ),
            job("fridge-2", 4, 3, 60, skills=[{"skill": "fridge"}]),
            job("boiler", 18, 2, 90, skills=[{"skill": "gas", "level": 2}]),
            job("gas-check", 10, 5, 30, [("13:00", "16:00")], skills=[{"skill": "gas"}]),
            job("washer", 15, 8, 40),
            job("install", 6, 9, 120, [("09:00", "12:00")]),
        ],
        engineers=[
            engineer("ana", 0, 0, breaks=lunch, skills={"fridge": 2, "gas": 1}, cost_per_hour=30),
            engineer("ben", 20, 0, breaks=lunch, skills={"gas": 2}, cost_per_hour=35),
        ],
    )

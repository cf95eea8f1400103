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


TOWNS = {"west": 0.0, "middle": 40.0, "east": 80.0}
"""Three towns on a line, 40 km (40 minutes) apart: near enough to help across a border."""


def three_towns_day() -> Problem:
    """Two engineers and five jobs in each of three towns; the west has no gas engineer, so its
    boiler job can only be done from the middle town (an offer across the border)."""
    jobs, engineers = [], []
    for town, x in TOWNS.items():
        for k in range(2):
            skills = {"fridge": 1, "gas": 1} if town != "west" else {"fridge": 1}
            engineers.append(engineer(f"{town}-e{k + 1}", x + 3 * k, 0, skills=skills))
        for k in range(5):
            jobs.append(job(f"{town}-j{k + 1}", x + k, 2 + k % 2, 40, skills=[{"skill": "fridge"}]))
    jobs.append(job("west-boiler", 2, 4, 60, skills=[{"skill": "gas"}]))
    return problem(jobs=jobs, engineers=engineers)

"""Small named days shared by the solver tests (x/y km at 60 km/h: 1 km = 1 minute)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dispatchopt.models import Problem

DAY = datetime(2025, 6, 2, tzinfo=UTC)


def at(clock: str) -> datetime:
    """'09:30' on the scenario day."""
    h, m = (int(p) for p in clock.split(":"))
    return DAY + timedelta(hours=h, minutes=m)


def engineer(
    eid: str,
    x: float = 0,
    y: float = 0,
    shift: tuple[str, str] = ("08:00", "17:00"),
    breaks: list[tuple[str, str, float]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An engineer dict starting and ending at (x, y)."""
    return {
        "id": eid,
        "start_location": {"x": x, "y": y},
        "shifts": [
            {
                "start": at(shift[0]),
                "end": at(shift[1]),
                "breaks": [
                    {"window": {"start": at(a), "end": at(b)}, "duration_minutes": d}
                    for a, b, d in breaks or []
                ],
            }
        ],
        **extra,
    }


def job(
    jid: str,
    x: float,
    y: float,
    minutes: float = 30,
    windows: list[tuple[str, str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A job dict at (x, y)."""
    return {
        "id": jid,
        "location": {"x": x, "y": y},
        "duration_minutes": minutes,
        "time_windows": [{"start": at(a), "end": at(b)} for a, b in windows or []],
        **extra,
    }


def problem(jobs: list[dict[str, Any]], engineers: list[dict[str, Any]], **extra: Any) -> Problem:
    """A problem on x/y Euclidean travel at 60 km/h."""
    return Problem.model_validate(
        {
            "jobs": jobs,
            "engineers": engineers,
            "travel": {"kind": "euclidean"},
            **extra,
        }
    )


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

"""Tiny hand-made days for the simulator tests, and a stand-in solver (one line per rule)."""

from __future__ import annotations

from datetime import date, timedelta, timezone
from typing import Any

from dispatchopt.models import Engineer, Job, Location, Outsourced, Plan, Problem, Route, Stop
from dispatchopt.models.skills import missing_skills
from dispatchopt.scenarios import Scenario
from tests.days import Day

DAY = Day(date(2026, 6, 2), tz=timezone(timedelta(hours=2)))
CATALOGUE = [{"sku": "drain_pump"}, {"sku": "door_lock"}]


def place(km_east: float, km_north: float = 0.0) -> Location:
    """A point ``km_east`` / ``km_north`` of Amsterdam's centre."""
    return Location(lat=52.37 + km_north / 111.2, lon=4.90 + km_east / 67.9)


def engineer(
    eid: str,
    km_east: float = 0.0,
    *,
    start: float = 8,
    end: float = 17,
    skills: dict[str, int] | None = None,
    lunch: bool = False,
) -> Engineer:
    breaks = (
        [{"window": {"start": DAY.at("12:00"), "end": DAY.at("13:00")}, "duration_minutes": 30}]
        if lunch
        else []
    )
    return Engineer.model_validate(
        {
            "id": eid,
            "start_location": place(km_east),
            "shifts": [
                {"start": DAY.after(hours=start), "end": DAY.after(hours=end), "breaks": breaks}
            ],
            "skills": skills or {"washer": 1},
            "cost_per_hour": 40.0,
            "cost_per_km": 0.5,
        }
    )


def job(
    jid: str,
    km_east: float,
    *,
    minutes: float = 60,
    window: tuple[float, float] = (8, 17),
    skill: str = "washer",
    priority: int = 0,
    release: float | None = None,
) -> Job:
    return Job(
        id=jid,
        location=place(km_east),
        duration_minutes=minutes,
        priority=priority,
        time_windows=[{"start": DAY.after(hours=window[0]), "end": DAY.after(hours=window[1])}],  # type: ignore[list-item]
        skills=[{"skill": skill}],  # type: ignore[list-item]
        earliest_start=None if release is None else DAY.after(hours=release),
    )


def scenario(jobs: list[Job], engineers: list[Engineer], **extra: Any) -> Scenario:
    return Scenario(
        name="test day",
        planned_at=DAY.after(hours=-2),
        problem=Problem.model_validate(
            {"name": "test day", "jobs": jobs, "engineers": engineers, "parts": CATALOGUE}
        ),
        **extra,
    )


def first_fit(problem: Problem) -> Plan:
    """Stand-in solver: every job to the first engineer (by id) with its skills, in id order."""
    routes: dict[str, list[str]] = {}
    for j in sorted(problem.jobs, key=lambda j: (j.lock is None, j.id)):
        if j.lock is not None:
            routes.setdefault(j.lock.engineer_id, []).append(j.id)
            continue
        for e in sorted(problem.engineers, key=lambda e: e.id):
            if not missing_skills(j.skills, e.skills):
                routes.setdefault(e.id, []).append(j.id)
                break
    return queues_plan(problem, dict(sorted(routes.items())))


def queues_plan(
    problem: Problem,
    routes: dict[str, list[str]],
    outsourced: dict[str, list[str]] | None = None,
) -> Plan:
    """A plan that only says who does what in which order (the simulator reads no times), and
    which jobs each provider gets."""
    t = problem.epoch()
    return Plan(
        routes=[
            Route(
                engineer_id=eid,
                departure=t,
                arrival=t,
                stops=[Stop(job_id=jid, arrival=t, start=t, end=t) for jid in jids],
            )
            for eid, jids in routes.items()
        ],
        outsourced=[
            Outsourced(job_id=j, provider_id=pid, fee=0.0)
            for pid, jids in (outsourced or {}).items()
            for j in jids
        ],
    )

"""The live-dispatch test days: a Thursday in UTC on the Day builder (1 km = 1 minute)."""

from __future__ import annotations

from datetime import date

from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.solvers.front_door import solve
from dispatchopt.validate import validate
from tests.days import Day

THURSDAY = Day(date(2024, 3, 7), job_minutes=30)


def planned(problem: Problem) -> Plan:
    """The greedy plan of ``problem``, checked valid (the day a live test starts from)."""
    plan = solve_greedy(problem)
    assert validate(problem, plan) == []
    return plan


def solved(problem: Problem, seconds: float = 1.0) -> Plan:
    """The OR-Tools plan of ``problem`` (which weighs preferred engineers), checked valid."""
    plan = solve(problem, time_limit=seconds, engine="ortools")
    assert validate(problem, plan) == []
    return plan


def stop_of(plan: Plan, job_id: str) -> tuple[str, object]:
    """``(engineer, start)`` of the job's visit."""
    route = plan.route_of(job_id)
    assert route is not None, f"{job_id} is not served"
    stop = next(s for s in route.jobs if s.job_id == job_id)
    return route.engineer_id, stop.start


__all__ = ["THURSDAY", "planned", "solved", "stop_of"]

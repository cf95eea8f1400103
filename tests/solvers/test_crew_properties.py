"""Properties over small random days with crews, providers, territories and job caps: crew
members always start together, providers' quotas are never exceeded, hard territories are
never left, and every plan validates with every job placed once (routed, outsourced or
unassigned with a reason)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatchopt.models import Plan, Problem
from dispatchopt.models.eligibility import territory_bars
from dispatchopt.solvers import Deadline
from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.engines.greedy import plan_greedy
from dispatchopt.solvers.engines.ortools import OrTools
from dispatchopt.validate import validate
from tests.days import Day

DAY = Day(date(2024, 3, 4), job_minutes=30)
SETTINGS = settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ZONES = ["north", "south"]


@st.composite
def crew_days(draw: st.DrawFn) -> Problem:
    """2-4 engineers (some with a zone territory, hard or soft, some with a job cap), 3-7 jobs
    (some needing a crew of 2 or 3, some a skill), and up to two providers with small quotas."""
    engineers = []
    for i in range(draw(st.integers(2, 4))):
        extra: dict[str, Any] = {"skills": {"gas": 1} if draw(st.booleans()) else {}}
        if draw(st.booleans()):
            extra["territory"] = [draw(st.sampled_from(ZONES))]
            extra["territory_mode"] = draw(st.sampled_from(["hard", "soft"]))
        if draw(st.booleans()):
            extra["max_jobs"] = draw(st.integers(1, 3))
        engineers.append(DAY.engineer(f"e{i}", draw(st.integers(0, 20)), **extra))
    jobs = []
    for i in range(draw(st.integers(3, 7))):
        opens = draw(st.integers(8 * 60, 15 * 60))
        extra = {
            "zone": draw(st.sampled_from(ZONES)),
            "crew_size": draw(st.sampled_from([1, 1, 2, 3])),
        }
        if draw(st.booleans()):
            extra["skills"] = [{"skill": "gas"}]
        if draw(st.booleans()):
            extra["outsourcing_allowed"] = False
        window = (f"{opens // 60:02d}:{opens % 60:02d}", f"{opens // 60 + 1:02d}:{opens % 60:02d}")
        jobs.append(DAY.job(f"j{i}", draw(st.integers(0, 20)), windows=[window], **extra))
    providers = [
        {
            "id": f"p{k}",
            "skills": {"gas": 1},
            "max_jobs": draw(st.integers(0, 2)),
            "fee": draw(st.sampled_from([20, 200])),
            "territory": [draw(st.sampled_from(ZONES))] if draw(st.booleans()) else None,
        }
        for k in range(draw(st.integers(0, 2)))
    ]
    return DAY.problem(jobs, engineers, providers=providers)


def _ortools(problem: Problem) -> Plan:
    cp = compile_problem(problem)
    start = plan_greedy(cp)
    return OrTools().solve(cp, deadline=Deadline.after(0.5, max_solutions=50), initial=start)


def _greedy(problem: Problem) -> Plan:
    return plan_greedy(compile_problem(problem))


def _check(problem: Problem, plan: Plan) -> None:
    assert validate(problem, plan) == []
    placed = Counter(s.job_id for r in plan.routes for s in r.jobs)
    for job in problem.jobs:
        routed = placed[job.id] // job.crew_size if placed[job.id] else 0
        outsourced = sum(o.job_id == job.id for o in plan.outsourced)
        unassigned = sum(u.job_id == job.id for u in plan.unassigned)
        assert routed + outsourced + unassigned == 1, job.id
    # Crew members always start together, each on a different engineer's route.
    starts: dict[str, set[object]] = {}
    members: dict[str, list[str]] = {}
    for route in plan.routes:
        for stop in route.jobs:
            starts.setdefault(stop.job_id, set()).add(stop.start)
            members.setdefault(stop.job_id, []).append(route.engineer_id)
    for job_id, moments in starts.items():
        job = problem.job_by_id[job_id]
        assert len(moments) == 1
        assert len(set(members[job_id])) == len(members[job_id]) == job.crew_size
    # Quotas are never exceeded.
    given_to = Counter(o.provider_id for o in plan.outsourced)
    for provider in problem.providers:
        assert given_to[provider.id] <= provider.max_jobs
    # Hard territories are never left.
    for route in plan.routes:
        engineer = problem.engineer_by_id[route.engineer_id]
        for stop in route.jobs:
            assert not territory_bars(problem.job_by_id[stop.job_id], engineer)


@SETTINGS
@given(problem=crew_days())
def test_greedy_crews_start_together_quotas_hold_and_territories_are_kept(
    problem: Problem,
) -> None:
    _check(problem, _greedy(problem))


@SETTINGS
@given(problem=crew_days())
def test_ortools_crews_start_together_quotas_hold_and_territories_are_kept(
    problem: Problem,
) -> None:
    _check(problem, _ortools(problem))

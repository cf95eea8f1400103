"""The hybrid strategy: a greedy first plan at once, VROOM explores, OR-Tools finishes."""

from __future__ import annotations

from datetime import date

from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.solvers.front_door import solve
from dispatchopt.solvers.objective import plan_score, weighted_service
from dispatchopt.solvers.progress import SolveProgress
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies import hybrid
from dispatchopt.validate import validate
from tests.days import Day

DAY = Day(date(2025, 6, 2))


def busy_tuesday():  # type: ignore[no-untyped-def]
    """Three engineers with lunch breaks, one fridge specialist; 24 jobs across town, a third
    of them urgent, more than the day can hold."""
    jobs = []
    for i in range(24):
        skills = [{"skill": "fridge"}] if i % 4 == 0 else []
        window = [("08:00", "12:00")] if i % 2 else [("12:00", "17:00")]
        jobs.append(
            DAY.job(
                f"j{i:02d}",
                (i * 7) % 23,
                (i * 5) % 17,
                60,
                window,
                priority=5 if i % 3 == 0 else 0,
                skills=skills,
            )
        )
    lunch = [("11:30", "13:30", 30)]
    engineers = [
        DAY.engineer("ana", 0, 0, breaks=lunch, skills={"fridge": 1}, cost_per_hour=40),
        DAY.engineer("ben", 20, 0, breaks=lunch, cost_per_hour=35),
        DAY.engineer("cem", 10, 15, breaks=lunch, cost_per_hour=35),
    ]
    return DAY.problem(jobs, engineers)


def test_the_front_door_sends_a_field_day_to_the_hybrid_and_it_beats_greedy() -> None:
    day = busy_tuesday()
    plan = solve(day, time_limit=2)
    assert validate(day, plan) == []
    assert plan.summary is not None
    assert any(n.startswith("strategy hybrid") for n in plan.summary.solver_notes)
    greedy = solve_greedy(day)
    assert plan_score(day, plan) <= plan_score(day, greedy)
    assert weighted_service(day, plan) >= weighted_service(day, greedy)


def test_the_first_plan_arrives_at_once_and_every_stage_reports() -> None:
    day = busy_tuesday()
    seen: list[SolveProgress] = []
    plan = hybrid(day, deadline=Deadline.after(1.5), progress=seen.append)
    assert validate(day, plan) == []
    assert seen and seen[0].elapsed_s < 0.15  # the greedy plan, long before 10 % of the limit
    assert [p.objective for p in seen] == sorted((p.objective for p in seen), reverse=True)

"""The OR-Tools engine on named days: every plan passes the independent validator."""

from __future__ import annotations

import pytest

from dispatchopt.errors import InputError
from dispatchopt.models import UnassignedReason
from dispatchopt.solvers.engines.ortools import solve_ortools as solve
from dispatchopt.solvers.progress import SolveProgress
from dispatchopt.validate import validate
from tests.solvers.scenarios import at, engineer, fridge_and_boiler_day, job, problem


def _served(plan):  # type: ignore[no-untyped-def]
    return {s.job_id: r.engineer_id for r in plan.routes for s in r.stops}


def test_fridge_and_boiler_day_serves_everything_validly() -> None:
    day = fridge_and_boiler_day()
    plan = solve(day, time_limit=1)
    assert validate(day, plan) == []
    assert plan.unassigned == []
    served = _served(plan)
    assert served["boiler"] == "ben"  # only Ben has gas level 2
    assert served["fridge-am"] == "ana"  # only Ana has fridge
    assert plan.summary is not None and plan.summary.jobs_served == 6
    for route in plan.routes:
        assert len(route.breaks) == 1  # both lunch breaks are planned


def test_job_needing_a_skill_nobody_has_is_unassigned_with_reason() -> None:
    day = problem(
        [job("aircon", 1, 1, skills=[{"skill": "aircon"}]), job("ok", 2, 2)], [engineer("ana")]
    )
    plan = solve(day, time_limit=0.3)
    assert [(u.job_id, u.reason) for u in plan.unassigned] == [
        ("aircon", UnassignedReason.NO_ENGINEER_WITH_SKILL)
    ]
    assert validate(day, plan) == []


def test_job_whose_window_misses_every_shift_is_outside_all_shifts() -> None:
    day = problem([job("evening", 1, 1, windows=[("18:00", "20:00")])], [engineer("ana")])
    plan = solve(day, time_limit=0.3)
    assert plan.unassigned[0].reason == UnassignedReason.OUTSIDE_ALL_SHIFTS
    assert plan.routes == []


def test_too_many_jobs_for_one_short_day_drop_the_cheapest_to_lose() -> None:
    # Four 2-hour jobs but a 5-hour shift: at most two fit; the urgent ones must be among them.
    jobs = [job(f"j{i}", 1 + i, 0, 120, priority=(5 if i in (1, 3) else 0)) for i in range(4)]
    day = problem(jobs, [engineer("ana", shift=("08:00", "13:00"))])
    plan = solve(day, time_limit=0.5)
    assert validate(day, plan) == []
    assert set(_served(plan)) == {"j1", "j3"}
    assert {u.reason for u in plan.unassigned} == {UnassignedReason.CAPACITY}


def test_optional_job_far_away_is_not_worth_its_penalty() -> None:
    day = problem(
        [job("near", 1, 0), job("far", 200, 0, optional=True, penalty=1.0)],
        [engineer("ana", cost_per_km=1.0, shift=("08:00", "18:00"))],
    )
    plan = solve(day, time_limit=0.5)
    assert [u.job_id for u in plan.unassigned] == ["far"]
    assert plan.unassigned[0].reason == UnassignedReason.NOT_WORTH_ITS_PENALTY


def test_lock_pins_engineer_and_start() -> None:
    day = problem(
        [
            job("pinned", 5, 5, lock={"engineer_id": "ben", "start": "2025-06-02T10:00:00Z"}),
            job("free", 1, 1),
        ],
        [engineer("ana"), engineer("ben", 10, 10)],
    )
    plan = solve(day, time_limit=0.5)
    assert validate(day, plan) == []
    stop = next(s for r in plan.routes for s in r.stops if s.job_id == "pinned")
    assert plan.route_of("pinned").engineer_id == "ben"  # type: ignore[union-attr]
    assert stop.start.isoformat() == "2025-06-02T10:00:00+00:00"


def test_precedence_and_capacity_are_kept() -> None:
    day = problem(
        [
            job("deliver", 3, 0, 20, demand=3),
            job("install", 6, 0, 60, after=["deliver"], demand=1),
            job("other", 2, 2, 20, demand=2),
        ],
        [engineer("ana", capacity=4), engineer("ben", 6, 0, capacity=4)],
    )
    plan = solve(day, time_limit=0.5)
    assert validate(day, plan) == []
    assert plan.unassigned == []


def test_skill_level_changes_duration() -> None:
    day = problem(
        [job("ac", 1, 0, 90, skills=[{"skill": "aircon", "level": 1}], duration_by_level={3: 45})],
        [
            engineer("senior", skills={"aircon": 3}, cost_per_hour=10),
            engineer("junior", skills={"aircon": 1}, cost_per_hour=10),
        ],
    )
    plan = solve(day, time_limit=0.3)
    assert validate(day, plan) == []
    route = plan.routes[0]
    minutes = (route.stops[0].end - route.stops[0].start).total_seconds() / 60
    assert (route.engineer_id, minutes) == ("senior", 45)


def test_progress_is_reported_and_time_limit_is_checked() -> None:
    seen: list[SolveProgress] = []
    plan = solve(fridge_and_boiler_day(), time_limit=0.5, progress=seen.append)
    assert seen and seen[-1].objective == pytest.approx(plan.summary.engine_objective)  # type: ignore[union-attr]
    with pytest.raises(InputError, match="time_limit"):
        solve(fridge_and_boiler_day(), time_limit=0)


def test_repeated_runs_are_both_valid_and_complete() -> None:
    # A time limit makes the amount of search machine-dependent, so compare validity, not routes.
    a = solve(fridge_and_boiler_day(), time_limit=0.2)
    b = solve(fridge_and_boiler_day(), time_limit=0.2)
    assert validate(fridge_and_boiler_day(), a) == validate(fridge_and_boiler_day(), b) == []
    assert a.summary is not None and b.summary is not None
    assert a.summary.jobs_served == b.summary.jobs_served == 6


def test_first_time_fix_weight_sends_the_better_matched_engineer() -> None:
    # Jo (aircon level 1, next door) would be sent on distance alone; with a failed first
    # visit priced at 500, Sam (level 3, a little further away) is worth the extra drive.
    jobs = [job("ac", 1, 0, 60, skills=[{"skill": "aircon", "level": 1}])]
    team = [
        engineer("jo", 0, 0, skills={"aircon": 1}, cost_per_km=1.0),
        engineer("sam", 3, 0, skills={"aircon": 3}, cost_per_km=1.0),
    ]
    plain = problem(jobs, team)
    weighted = problem(jobs, team, objective={"first_time_fix_weight": 500.0})
    for day, who in ((plain, "jo"), (weighted, "sam")):
        plan = solve(day, time_limit=0.3)
        assert validate(day, plan) == []
        assert [r.engineer_id for r in plan.routes] == [who]
    sent = plan.routes[0].stops[0].first_time_fix
    assert sent is not None and sent > 0.85


def test_a_day_without_engineers_explains_every_job() -> None:
    from dispatchopt.models import Problem
    from dispatchopt.solvers.engines.greedy import solve_greedy
    from dispatchopt.solvers.front_door import solve as front_door

    day = Problem.model_validate(
        {"jobs": [job("a", 1, 1), job("b", 2, 2)], "engineers": [], "travel": {"kind": "euclidean"}}
    )
    for plan in (front_door(day, time_limit=0.2), solve_greedy(day)):
        assert validate(day, plan) == []
        assert [(u.job_id, u.reason) for u in plan.unassigned] == [
            ("a", UnassignedReason.NO_ENGINEERS),
            ("b", UnassignedReason.NO_ENGINEERS),
        ]


def test_a_successor_locked_too_early_for_its_predecessor_is_left_out_not_fatal() -> None:
    # Found by hypothesis: j2 must follow j1, but both are locked so that j2 would start
    # before j1 ends; the day must still plan (j2 unassigned), not fail as infeasible.
    day = problem(
        [
            job("j1", 0, 4, 5, lock={"engineer_id": "e2", "start": at("09:01")}),
            job("j2", 0, 0, 5, after=["j1"], lock={"engineer_id": "e3", "start": at("09:02")}),
        ],
        [engineer("e2"), engineer("e3")],
    )
    plan = solve(day, time_limit=0.5)
    assert validate(day, plan) == []
    assert [u.job_id for u in plan.unassigned] == ["j2"]

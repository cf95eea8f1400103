"""Crews, providers, territories, job caps, balance and continuity, planned and validated.

Travel is x/y Euclidean at 60 km/h (1 km = 1 minute); the day is 2024-03-04, in UTC. Every
plan is checked by the independent validator; the engines are asked for a fixed number of
solutions, so each test runs the same search on any machine.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dispatchopt import improve, solve, solve_greedy
from dispatchopt.errors import InputError
from dispatchopt.models import Plan, Problem, UnassignedReason
from dispatchopt.solvers.breakdown import cost_breakdown
from dispatchopt.solvers.capabilities import Capabilities
from dispatchopt.solvers.front_door import choose_engine, choose_strategy
from dispatchopt.solvers.objective import balance_targets
from dispatchopt.validate import validate
from tests.days import Day

DAY = Day(date(2024, 3, 4), job_minutes=60)
at = DAY.at


def _plans(problem: Problem) -> list[tuple[str, Plan]]:
    """The greedy plan and the front door's, both validated."""
    out = [("greedy", solve_greedy(problem)), ("solve", solve(problem, time_limit=1))]
    for name, plan in out:
        assert validate(problem, plan) == [], name
    return out


def _stops(plan: Plan, job_id: str) -> list[tuple[str, str, list[str]]]:
    return sorted(
        (r.engineer_id, s.start.strftime("%H:%M"), s.crew)
        for r in plan.routes
        for s in r.jobs
        if s.job_id == job_id
    )


def _reason(plan: Plan, job_id: str) -> UnassignedReason | None:
    return next((u.reason for u in plan.unassigned if u.job_id == job_id), None)


def _install_day(*, other: bool) -> Problem:
    """A fridge install at x=10 that must start at 10:00 and needs two people: Lea leads
    (fridge skill), Max would help but is locked into a job across town (x=40) until 10:30;
    Ola (x=20), who can lift too, is free when ``other``."""
    engineers = [
        DAY.engineer("lea", 0, skills={"fridge": 1}),
        DAY.engineer("max", 20, skills={"lift": 1}),
    ]
    if other:
        engineers.append(DAY.engineer("ola", 20, skills={"lift": 1}))
    return DAY.problem(
        [
            DAY.job(
                "fridge",
                10,
                windows=[("10:00", "10:00")],
                crew_size=2,
                skills=[{"skill": "fridge"}],
                helper_skills=[{"skill": "lift"}],
            ),
            DAY.job("across-town", 40, lock={"engineer_id": "max", "start": at("09:30")}),
        ],
        engineers,
    )


def test_two_person_install_at_ten_while_one_of_the_two_is_across_town_until_half_past() -> None:
    for name, plan in _plans(_install_day(other=True)):
        assert _stops(plan, "fridge") == [
            ("lea", "10:00", ["lea", "ola"]),
            ("ola", "10:00", ["lea", "ola"]),
        ], name
        assert _stops(plan, "across-town") == [("max", "09:30", [])]


def test_without_a_free_second_pair_of_hands_the_install_has_no_crew() -> None:
    for name, plan in _plans(_install_day(other=False)):
        assert _reason(plan, "fridge") is UnassignedReason.NO_CREW_AVAILABLE, name
        assert _stops(plan, "across-town") == [("max", "09:30", [])]


def test_a_crew_larger_than_the_fleet_is_left_out_with_its_reason() -> None:
    problem = DAY.problem(
        [DAY.job("piano", 5, crew_size=3)], [DAY.engineer("a"), DAY.engineer("b")]
    )
    for name, plan in _plans(problem):
        assert _reason(plan, "piano") is UnassignedReason.NO_CREW_AVAILABLE, name
        assert "needs 3 engineers" in plan.unassigned[0].detail


def _contractor_day() -> Problem:
    """Five gas jobs nobody of ours may do; the north contractor has room for 3 at 45 each.
    The sixth job must stay with us."""
    gas = [{"skill": "gas"}]
    jobs = [DAY.job(f"gas-{i}", 5 + i, skills=gas) for i in range(5)]
    jobs.append(DAY.job("gas-own", 3, skills=gas, outsourcing_allowed=False))
    return DAY.problem(
        jobs,
        [DAY.engineer("ann", skills={"boiler": 1})],
        providers=[
            {
                "id": "north",
                "skills": {"gas": 1},
                "max_jobs": 3,
                "fee": 45,
                "earliest_start": at("12:00"),
            }
        ],
    )


def test_the_north_contractor_has_room_for_3_more_jobs_at_45_each() -> None:
    for name, plan in _plans(_contractor_day()):
        assert [(o.provider_id, o.fee) for o in plan.outsourced] == [("north", 45.0)] * 3, name
        assert all(o.window is not None and o.window.start >= at("12:00") for o in plan.outsourced)
        reasons = sorted(str(u.reason) for u in plan.unassigned)
        assert reasons == ["no_engineer_with_skill", "provider_quota", "provider_quota"]
        assert plan.summary is not None and plan.summary.jobs_outsourced == 3
        assert plan.summary.cost_breakdown["contractor_fee"] == 135.0


def test_a_far_job_goes_to_the_contractor_when_its_fee_is_cheaper() -> None:
    problem = DAY.problem(
        # far: 400 min of driving and 60 on site at 30/h (230) > 45; near: 14 min (7) < 45.
        [DAY.job("far", 200, minutes=60), DAY.job("near", 2, minutes=10)],
        [DAY.engineer("ann", cost_per_hour=30, shift=("08:00", "18:00"))],
        providers=[{"id": "north", "max_jobs": 3, "fee": 45}],
    )
    for _, plan in _plans(problem):
        assert [o.job_id for o in plan.outsourced] == ["far"]
        assert _stops(plan, "near")[0][0] == "ann"


def _paris(mode: str = "hard") -> Problem:
    """Paul lives in the 7th and never leaves it (hard) or may at a cost (soft); Rita goes
    anywhere. Paul is nearer to every job; only Paul can fix the lift in the 15th."""
    return DAY.problem(
        [
            DAY.job("cler", 1, zone="75007"),
            DAY.job("grenelle", 2, zone="75007"),
            DAY.job("vaugirard", 3, zone="75015"),
            DAY.job("lift", 4, zone="75015", skills=[{"skill": "lift"}]),
        ],
        [
            DAY.engineer("paul", 0, skills={"lift": 1}, territory=["75007"], territory_mode=mode),
            DAY.engineer("rita", 30),
        ],
        objective={"out_of_territory_cost": 1000.0},
    )


def test_paul_never_leaves_the_7th_arrondissement() -> None:
    for name, plan in _plans(_paris()):
        paul = [s.job_id for r in plan.routes if r.engineer_id == "paul" for s in r.jobs]
        assert set(paul) <= {"cler", "grenelle"}, name
        assert _stops(plan, "vaugirard")[0][0] == "rita"
        assert _reason(plan, "lift") is UnassignedReason.OUTSIDE_TERRITORIES


def test_a_soft_territory_lets_paul_out_at_its_price() -> None:
    problem = _paris("soft")
    plan = solve(problem, time_limit=1)
    assert validate(problem, plan) == []
    assert _stops(plan, "lift")[0][0] == "paul"
    assert _stops(plan, "vaugirard")[0][0] == "rita"  # 1 000 outside costs more than the drive
    assert plan.summary is not None
    assert plan.summary.cost_breakdown["out_of_territory"] == 1000.0


def test_a_polygon_territory_keeps_paul_inside_it() -> None:
    square = {"type": "Polygon", "coordinates": [[[0, -1], [2.5, -1], [2.5, 1], [0, 1], [0, -1]]]}
    problem = DAY.problem(
        [DAY.job("in", 1), DAY.job("out", 3)],
        [DAY.engineer("paul", 0, territory=square), DAY.engineer("rita", 30)],
    )
    for _, plan in _plans(problem):
        assert _stops(plan, "in")  # served (by either)
        assert _stops(plan, "out")[0][0] == "rita"


def test_max_jobs_caps_each_engineer() -> None:
    problem = DAY.problem(
        [DAY.job(f"j{i}", 1 + i, minutes=20) for i in range(4)],
        [DAY.engineer("ann", 0, max_jobs=1), DAY.engineer("bob", 30)],
    )
    for _, plan in _plans(problem):
        ann = [s for r in plan.routes if r.engineer_id == "ann" for s in r.jobs]
        assert len(ann) <= 1
        assert plan.summary is not None and plan.summary.jobs_served == 4


def _busy_day(weight: float | None) -> Problem:
    objective: dict[str, Any] = {}
    if weight is not None:
        objective["balance"] = {"on": "working_time", "weight": weight}
    return DAY.problem(
        [DAY.job(f"j{i}", 1 + i % 3, minutes=60) for i in range(6)],
        [
            DAY.engineer("ann", 0, cost_per_hour=10, fixed_cost=50),
            DAY.engineer("bob", 0, cost_per_hour=10, fixed_cost=50),
        ],
        objective=objective,
    )


def test_balance_spreads_the_work_and_the_summary_reports_the_spread() -> None:
    plans = {}
    for weight in (None, 500.0):
        problem = _busy_day(weight)
        plan = solve(problem, time_limit=1)
        assert validate(problem, plan) == []
        assert plan.summary is not None
        plans[weight] = plan.summary
    assert plans[None].engineers_used == 1  # the fixed cost keeps it to one engineer
    assert plans[500.0].engineers_used == 2
    assert plans[500.0].working_spread_s < 3600
    # Three hours on site each is the fair share exactly: only the drive is above the band.
    balanced = plans[500.0]
    assert balanced.cost_breakdown["balance"] == pytest.approx(500 * balanced.travel_s / 3600)


def _side_by_side(on: str | None) -> Problem:
    """Ann (x=0) and Bob (x=1) side by side, four one-hour jobs in a row at x=10-13, a fixed
    cost of 50 per engineer used: the cheap day sends one engineer to all four; the fair
    share is two hours (two jobs) each."""
    objective: dict[str, Any] = {}
    if on is not None:
        objective["balance"] = {"on": on, "weight": 100}
    return DAY.problem(
        [DAY.job(f"j{i}", 10 + i, minutes=60) for i in range(4)],
        [
            DAY.engineer("ann", 0, cost_per_hour=10, fixed_cost=50),
            DAY.engineer("bob", 1, cost_per_hour=10, fixed_cost=50),
        ],
        objective=objective,
    )


def _jobs_each(plan: Plan) -> list[int]:
    return sorted(len(r.jobs) for r in plan.routes if r.jobs)


def test_balance_off_sends_one_engineer_to_all_four_jobs() -> None:
    problem = _side_by_side(None)
    plan = solve(problem, time_limit=1)
    assert validate(problem, plan) == []
    assert _jobs_each(plan) == [4]
    assert plan.summary is not None
    # Bob's idle day counts as zero hours: the spread is Ann's whole day.
    ann = next(r for r in plan.routes if r.jobs)
    assert plan.summary.working_spread_s == (ann.arrival - ann.departure).total_seconds()


@pytest.mark.parametrize("on", ["working_time", "jobs"])
def test_balance_on_gives_each_engineer_two_of_the_four_jobs(on: str) -> None:
    problem = _side_by_side(on)
    plan = solve(problem, time_limit=1)
    assert validate(problem, plan) == []
    assert _jobs_each(plan) == [2, 2]
    assert plan.summary is not None
    # Two jobs each is the fair share: for working time only the drive is above the band.
    drive = 100 * plan.summary.travel_s / 3600 if on == "working_time" else 0.0
    assert plan.summary.cost_breakdown.get("balance", 0.0) == pytest.approx(drive)
    assert plan.summary.working_spread_s < 15 * 60


def test_balance_prices_the_long_day_above_and_the_idle_day_below_the_fair_share() -> None:
    lopsided = solve(_side_by_side(None), time_limit=1)
    priced = cost_breakdown(_side_by_side("working_time"), lopsided)
    # Four hours on site and the drive against two (2 h and the drive above), and none
    # against two (2 h below), at 100/h.
    route = next(r for r in lopsided.routes if r.jobs)
    idle = ({"ann", "bob"} - {route.engineer_id}).pop()
    above = 200.0 + 100 * route.travel_s / 3600
    assert priced.by_engineer[route.engineer_id]["balance"] == pytest.approx(above)
    assert priced.by_engineer[idle]["balance"] == pytest.approx(200.0)
    assert priced.by_term["balance"] == pytest.approx(above + 200.0)


def _three_jobs(balance: bool) -> Problem:
    """Three one-hour jobs, Ann and Bob side by side, 50 to send an engineer; with balance at
    60 an hour 1.5 h each is fair."""
    return DAY.problem(
        [DAY.job(f"j{i}", 10 + i, minutes=60) for i in range(3)],
        [
            DAY.engineer("ann", 0, cost_per_hour=10, fixed_cost=50),
            DAY.engineer("bob", 1, cost_per_hour=10, fixed_cost=50),
        ],
        objective={"balance": {"weight": 60}} if balance else {},
    )


def test_balance_does_not_empty_a_short_day_to_escape_its_shortfall() -> None:
    """From one engineer doing all three: 2 + 1 costs some 60-90 of balance (0.5 h on site
    below, 0.5 h on site and the drive above) and 100 of fixed cost, 3 + 0 costs 180 and the
    drive (1.5 h above, and Bob's whole 1.5 h below) and 50.
    OR-Tools prices no soft bound on an empty route, so a plain soft lower bound would keep
    3 + 0 (90 + 50 to it); the engine must see Bob's idle day."""
    lopsided = solve(_three_jobs(False), time_limit=1)
    assert _jobs_each(lopsided) == [3]
    problem = _three_jobs(True)
    plan = improve(problem, lopsided, time_limit=1)
    assert plan is not None and validate(problem, plan) == []
    assert _jobs_each(plan) == [1, 2]
    assert plan.summary is not None
    assert plan.summary.cost_breakdown["balance"] < 90.0
    assert cost_breakdown(problem, lopsided).by_term["balance"] > 180.0


def test_a_short_shift_caps_the_balance_target() -> None:
    problem = DAY.problem(
        [DAY.job(f"j{i}", 10 + i, minutes=60) for i in range(4)],
        [
            DAY.engineer("ann", 0),
            DAY.engineer("bob", 1, shift=("08:00", "09:30"), breaks=[("08:30", "09:30", 30)]),
        ],
        objective={"balance": {"weight": 100}},
    )
    # The fair share is two hours; Bob's shift leaves one after his break.
    assert balance_targets(problem) == {("ann", 0): (7200, 7200), ("bob", 0): (3600, 3600)}


def test_continuity_sends_the_engineer_who_came_last_time() -> None:
    problem = DAY.problem(
        [DAY.job("leak-again", 10, last_engineer_id="bob")],
        [DAY.engineer("ann", 9), DAY.engineer("bob", 11)],
        objective={"continuity_bonus": 50},
    )
    plan = solve(problem, time_limit=1)
    assert validate(problem, plan) == []
    assert _stops(plan, "leak-again")[0][0] == "bob"
    assert "continuity" not in (plan.summary.cost_breakdown if plan.summary else {})


def test_a_day_with_every_feature_breaks_down_to_its_objective() -> None:
    problem = DAY.problem(
        [
            DAY.job("fridge", 10, crew_size=2, skills=[{"skill": "fridge"}]),
            DAY.job("gas", 5, skills=[{"skill": "gas"}]),
            DAY.job("cler", 1, zone="75007", last_engineer_id="lea"),
            DAY.job("far", 25, minutes=240, zone="75015", outsourcing_allowed=False),
        ],
        [
            DAY.engineer("lea", 0, skills={"fridge": 1}, cost_per_hour=30),
            DAY.engineer("max", 20, territory=["75007"], territory_mode="soft", cost_per_hour=30),
        ],
        providers=[{"id": "north", "skills": {"gas": 1}, "max_jobs": 2, "fee": 45}],
        objective={"balance": {"weight": 5}, "continuity_bonus": 20, "out_of_territory_cost": 7},
    )
    plan = solve(problem, time_limit=1)
    assert validate(problem, plan) == []
    assert plan.summary is not None
    assert plan.summary.objective == sum(plan.summary.cost_breakdown.values())
    breakdown = cost_breakdown(problem, plan)
    per_engineer = sum(sum(t.values()) for t in breakdown.by_engineer.values())
    assert per_engineer + breakdown.by_term.get("unassigned", 0.0) == pytest.approx(breakdown.total)
    assert {"contractor_fee", "balance"} <= set(plan.summary.cost_breakdown)


def test_days_with_crews_or_providers_go_to_ortools_whole_day() -> None:
    problem = _install_day(other=True)
    plan = solve(problem, time_limit=1)
    assert plan.summary is not None
    assert plan.summary.solver_notes[0].startswith("engine ortools")
    caps = Capabilities.of(problem)
    with pytest.raises(InputError, match="cannot decompose this day"):
        choose_strategy(problem, "decompose", engine="ortools", caps=caps)
    plain = DAY.problem([DAY.job("sofa", 5, crew_size=2)], [DAY.engineer("a"), DAY.engineer("b")])
    for engine in ("pyvrp", "vroom"):
        with pytest.raises(InputError, match="several engineers on site together"):
            choose_engine(plain, engine)
    assert choose_engine(plain)[0] == "ortools"


def test_a_job_left_out_because_everyone_is_at_max_jobs_says_so() -> None:
    problem = DAY.problem(
        [DAY.job(f"j{i}", 1 + i, minutes=20) for i in range(3)],
        [DAY.engineer("ann", 0, max_jobs=1), DAY.engineer("bob", 5, max_jobs=1)],
    )
    plan = solve(problem, time_limit=1)
    assert validate(problem, plan) == []
    assert [u.reason for u in plan.unassigned] == [UnassignedReason.CAPACITY]
    assert "max_jobs" in plan.unassigned[0].detail


def test_improving_a_plan_keeps_its_crews_and_outsourced_jobs() -> None:
    for problem in (_install_day(other=True), _contractor_day()):
        start = solve_greedy(problem)
        better = improve(problem, start, time_limit=1)
        assert better is not None
        assert validate(problem, better) == []
        assert len(better.outsourced) == len(start.outsourced)
        assert _stops(better, "fridge") == _stops(start, "fridge")


def test_a_day_without_engineers_gives_what_it_can_to_a_provider() -> None:
    problem = DAY.problem(
        [DAY.job("a", 1, windows=[("09:00", "12:00")]), DAY.job("b", 2)],
        [],
        providers=[{"id": "north", "max_jobs": 1, "fee": 45}],
    )
    plan = solve(problem, time_limit=1)
    assert validate(problem, plan) == []
    assert [o.job_id for o in plan.outsourced] == ["a"]
    assert [(u.job_id, u.reason) for u in plan.unassigned] == [
        ("b", UnassignedReason.PROVIDER_QUOTA)
    ]

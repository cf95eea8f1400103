"""Every SLA stage a visit can meet is planned and priced (on site at the start of service,
resolve at its end) and reported per job; a stage no visit meets (respond) is reported only."""

from __future__ import annotations

from datetime import date
from typing import Any

from dispatchopt import solve, validate
from dispatchopt.solvers.objective import plan_score
from tests.days import Day

DAY = Day(date(2026, 6, 2))
at = DAY.at


def _policy(**targets: float) -> dict[str, Any]:
    return {
        "name": "repair",
        "stages": [
            {"name": name, "target_minutes": minutes, "clock": "wall_clock"}
            for name, minutes in targets.items()
        ],
    }


def _day(policy: dict[str, Any], **extra: Any) -> Any:
    # Ana leaves x=0 at 08:00 and ends her day at x=30, 1 per km. The dishwasher (x=30, an
    # hour's repair) was reported at 06:00; the dryer (x=5, an hour) has no SLA. Dryer first
    # drives 30 km and the dishwasher ends 10:30; dishwasher first drives 80 km, ends 09:30.
    return DAY.problem(
        [
            DAY.job("dryer", 5, minutes=60),
            DAY.job(
                "dishwasher",
                30,
                minutes=60,
                sla={"started_at": at("06:00")},
                sla_tier="standard",
            ),
        ],
        [DAY.engineer("ana", cost_per_km=1.0, end_location={"x": 30, "y": 0})],
        sla_policies=[policy],
        sla_tiers={"standard": "repair"},
        objective={"kind": "cost"},
        **extra,
    )


def _stop(plan: Any, job_id: str) -> Any:
    return next(s for r in plan.routes for s in r.stops if s.job_id == job_id)


def test_a_repair_due_resolved_by_ten_is_planned_to_end_by_ten() -> None:
    # "Repaired within 4 h" (06:00 -> 10:00) and no on-site stage: before, nothing reached the
    # solver and the dryer went first; now half an hour late (100) outweighs 50 km (50).
    day = _day(_policy(resolve=240))
    plan = solve(day, time_limit=1)
    assert validate(day, plan) == []
    assert [s.job_id for s in plan.routes[0].stops] == ["dishwasher", "dryer"]
    (resolve,) = _stop(plan, "dishwasher").sla_stages
    assert (resolve.stage, resolve.due, resolve.at, resolve.met) == (
        "resolve",
        at("10:00"),
        at("09:30"),
        True,
    )
    assert plan.summary is not None and plan.summary.sla_stage_compliance == {"resolve": 100.0}


def test_resolving_late_costs_money_in_the_plan_score() -> None:
    day = _day(_policy(resolve=240))
    plan = solve(day, time_limit=1)
    route = plan.routes[0]
    dryer, dish = route.stops[1], route.stops[0]
    # The same day with the dryer first: the dishwasher ends 10:30, half an hour late.
    late = plan.model_copy(
        update={
            "routes": [
                route.model_copy(
                    update={
                        "stops": [
                            dryer.model_copy(
                                update={
                                    "arrival": at("08:05"),
                                    "start": at("08:05"),
                                    "end": at("09:05"),
                                }
                            ),
                            dish.model_copy(
                                update={
                                    "arrival": at("09:30"),
                                    "start": at("09:30"),
                                    "end": at("10:30"),
                                }
                            ),
                        ]
                    }
                )
            ]
        }
    )
    # 200 per hour for a standard tier: half an hour late costs 100 more.
    extra = plan_score(day, late).total - plan_score(day, plan).total
    assert abs(extra - 100.0) < 1e-6


def test_each_stage_is_reported_per_job_respond_only_as_a_due_time() -> None:
    # Respond in 1 h (a call meets it, not a visit), on site in 4 h, resolve in 5 h.
    day = _day(_policy(respond=60, on_site=240, resolve=300))
    plan = solve(day, time_limit=1)
    dish = _stop(plan, "dishwasher")
    by_stage = {o.stage: o for o in dish.sla_stages}
    assert list(by_stage) == ["respond", "on_site", "resolve"]
    assert by_stage["respond"].due == at("07:00") and by_stage["respond"].at is None
    assert by_stage["on_site"].at == dish.start and by_stage["on_site"].met
    assert by_stage["resolve"].at == dish.end and by_stage["resolve"].met
    # Met on time, the resolve stage holds as likely as this engineer fixes it first time.
    assert by_stage["resolve"].chance == dish.first_time_fix
    assert dish.sla_due == at("10:00")  # the on-site due time, as before


def test_in_hard_mode_the_on_site_deadline_is_a_rule_and_resolve_still_a_cost() -> None:
    day = _day(_policy(on_site=300, resolve=240), sla_mode={"kind": "hard"})
    plan = solve(day, time_limit=1)
    assert validate(day, plan) == []
    assert [s.job_id for s in plan.routes[0].stops] == ["dishwasher", "dryer"]

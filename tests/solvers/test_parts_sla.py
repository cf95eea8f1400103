"""Spare parts, depots, tools and SLA deadlines end to end: both solvers, checked by the validator.

x/y km at 60 km/h (1 km = 1 minute) on Monday 2025-06-02 (UTC); every engineer starts at the
office at (0, 0). Each scenario is a day a dispatcher would recognise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from dispatchopt.models import Plan, Problem, Stop, UnassignedReason
from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.solvers.engines.ortools import solve_ortools as solve
from dispatchopt.validate import recompute_sla_compliance, validate
from tests.solvers.scenarios import at, engineer, job, problem

Solver = Callable[[Problem], Plan]


def _ortools(p: Problem) -> Plan:
    return solve(p, time_limit=0.5, seed=0)


SOLVERS = [pytest.param(_ortools, id="ortools"), pytest.param(solve_greedy, id="greedy")]

PARTS = [
    {"sku": "compressor", "name": "fridge compressor"},
    {"sku": "drain_pump", "name": "washer drain pump"},
    {"sku": "pcb", "name": "oven control board"},
]

# Two tiers, both "on site within 4 h" of the clock start, in real time.
URGENT_4H: dict[str, Any] = {
    "sla_policies": [
        {
            "name": "urgent-4h",
            "stages": [{"name": "on_site", "target_minutes": 240, "clock": "wall_clock"}],
        },
        {
            "name": "standard-4h",
            "stages": [{"name": "on_site", "target_minutes": 240, "clock": "wall_clock"}],
        },
    ],
    "sla_tiers": {"urgent": "urgent-4h", "standard": "standard-4h"},
}
CLOCK_07_00 = {"started_at": at("07:00")}


def depot(did: str, x: float, y: float, **extra: Any) -> dict[str, Any]:
    return {"id": did, "location": {"x": x, "y": y}, "pickup_minutes": 10, **extra}


def hours(start: str, end: str) -> list[dict[str, Any]]:
    return [{"start": at(start), "end": at(end)}]


def planned(p: Problem, solver: Solver) -> Plan:
    """Solve, and fail on any validator finding or any summary/validator compliance mismatch."""
    plan = solver(p)
    violations = validate(p, plan)
    assert violations == [], "\n".join(str(v) for v in violations)
    assert plan.summary is not None
    assert plan.summary.sla_compliance == recompute_sla_compliance(p, plan)
    return plan


def stops_of(plan: Plan) -> list[Stop]:
    return [s for r in plan.routes for s in r.stops]


def job_stop(plan: Plan, jid: str) -> Stop:
    return next(s for s in stops_of(plan) if s.kind == "job" and s.job_id == jid)


def pickups(plan: Plan) -> list[Stop]:
    return [s for s in stops_of(plan) if s.kind == "pickup"]


def reason(plan: Plan, jid: str) -> tuple[UnassignedReason, str]:
    entry = next(u for u in plan.unassigned if u.job_id == jid)
    return entry.reason, entry.detail


def pickup_before(plan: Plan, jid: str, depot_id: str) -> Stop:
    """The pickup at ``depot_id`` on the route serving ``jid``, earlier than the job."""
    route = plan.route_of(jid)
    assert route is not None
    k = next(i for i, s in enumerate(route.stops) if s.kind == "job" and s.job_id == jid)
    found = [s for s in route.stops[:k] if s.kind == "pickup" and s.job_id == depot_id]
    assert found, f"no pickup at {depot_id} before {jid}: {[s.job_id for s in route.stops]}"
    return found[-1]


@pytest.mark.parametrize("solver", SOLVERS)
def test_fridge_compressor_only_in_the_north_depot_two_jobs_want_the_last_one(
    solver: Solver,
) -> None:
    p = problem(
        [
            job("fridge-east", 10, 5, parts=[{"sku": "compressor"}]),
            job("fridge-west", -10, 5, parts=[{"sku": "compressor"}]),
        ],
        [engineer("ana"), engineer("ben", 1, 0)],
        parts=PARTS,
        depots=[depot("north", 0, 10, stock={"compressor": 1})],
    )
    plan = planned(p, solver)
    served = [s.job_id for s in stops_of(plan) if s.kind == "job"]
    assert len(served) == 1
    pickup = pickup_before(plan, served[0], "north")
    assert [(u.sku, u.quantity) for u in pickup.parts] == [("compressor", 1)]
    assert len(pickups(plan)) == 1
    other = "fridge-west" if served[0] == "fridge-east" else "fridge-east"
    why, detail = reason(plan, other)
    assert why is UnassignedReason.AWAITING_PARTS
    assert "compressor" in detail


@pytest.mark.parametrize("solver", SOLVERS)
def test_urgent_job_whose_part_arrives_at_14_00(solver: Solver) -> None:
    p = problem(
        [job("oven", 0, 30, 45, parts=[{"sku": "pcb"}], sla_tier="urgent", sla=CLOCK_07_00)],
        [engineer("ana")],
        parts=PARTS,
        depots=[depot("north", 0, 10)],
        part_arrivals=[
            {"sku": "pcb", "quantity": 1, "depot_id": "north", "expected_at": at("14:00")}
        ],
        **URGENT_4H,
    )
    plan = planned(p, solver)
    pickup = pickup_before(plan, "oven", "north")
    assert pickup.start >= at("14:00")
    # Pickup 10 min, then 20 km to the customer.
    assert job_stop(plan, "oven").start >= at("14:30")
    assert plan.summary is not None and plan.summary.sla_compliance == {"urgent": 0.0}


def pcb_after_the_horizon() -> Problem:
    """The oven's control board reaches the north depot at 20:00; Ana works until 17:00."""
    return problem(
        [job("oven", 0, 5, parts=[{"sku": "pcb"}])],
        [engineer("ana")],
        parts=PARTS,
        depots=[depot("north", 0, 10)],
        part_arrivals=[
            {"sku": "pcb", "quantity": 1, "depot_id": "north", "expected_at": at("20:00")}
        ],
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_part_expected_only_after_the_horizon_waits_for_it(solver: Solver) -> None:
    plan = planned(pcb_after_the_horizon(), solver)
    assert plan.routes == []
    why, detail = reason(plan, "oven")
    assert why is UnassignedReason.AWAITING_PARTS
    assert "pcb" in detail


@pytest.mark.parametrize("solver", SOLVERS)
def test_part_in_no_van_no_depot_and_not_on_its_way_is_unavailable(solver: Solver) -> None:
    p = problem(
        [job("oven", 0, 5, parts=[{"sku": "pcb"}]), job("washer", 5, 0)],
        [engineer("ana", van_stock={"compressor": 1})],
        parts=PARTS,
        depots=[depot("north", 0, 10, stock={"drain_pump": 3})],
    )
    plan = planned(p, solver)
    assert [s.job_id for s in stops_of(plan)] == ["washer"]
    why, detail = reason(plan, "oven")
    assert why is UnassignedReason.PARTS_UNAVAILABLE
    assert "pcb" in detail


@pytest.mark.parametrize("solver", SOLVERS)
def test_depot_closes_at_noon_so_the_pickup_is_in_the_morning(solver: Solver) -> None:
    p = problem(
        [job("washer", 10, 0, windows=[("14:00", "16:00")], parts=[{"sku": "drain_pump"}])],
        [engineer("ana")],
        parts=PARTS,
        depots=[
            depot("north", 0, 10, stock={"drain_pump": 2}, opening_hours=hours("08:00", "12:00"))
        ],
    )
    plan = planned(p, solver)
    pickup = pickup_before(plan, "washer", "north")
    assert at("08:00") <= pickup.start and pickup.end <= at("12:00")
    assert job_stop(plan, "washer").start >= at("14:00")


@pytest.mark.parametrize("solver", SOLVERS)
def test_van_already_carries_the_part_so_there_is_no_pickup(solver: Solver) -> None:
    p = problem(
        [job("washer", 10, 0, parts=[{"sku": "drain_pump"}])],
        [engineer("ana", van_stock={"drain_pump": 1})],
        parts=PARTS,
        depots=[depot("north", 0, 10, stock={"drain_pump": 5})],
    )
    plan = planned(p, solver)
    assert pickups(plan) == []
    stop = job_stop(plan, "washer")
    assert [(u.sku, u.quantity) for u in stop.parts] == [("drain_pump", 1)]


@pytest.mark.parametrize("solver", SOLVERS)
def test_job_needing_a_torque_wrench_kept_only_at_the_depot(solver: Solver) -> None:
    p = problem(
        [job("washer-drum", 10, 0, tools=["torque_wrench"])],
        [engineer("ana")],
        parts=PARTS,
        depots=[depot("north", 0, 10, tools=["torque_wrench"])],
    )
    plan = planned(p, solver)
    pickup_before(plan, "washer-drum", "north")


@pytest.mark.parametrize("solver", SOLVERS)
def test_hard_sla_deadline_that_cannot_be_met_is_unassigned(solver: Solver) -> None:
    # The ticket was opened at 03:00; on site in 4 h means 07:00, before anyone starts work.
    p = problem(
        [
            job("fridge", 10, 0, sla_tier="urgent", sla={"started_at": at("03:00")}),
            job("washer", 5, 0, sla_tier="standard", sla=CLOCK_07_00),
        ],
        [engineer("ana")],
        sla_mode={"kind": "hard"},
        **URGENT_4H,
    )
    plan = planned(p, solver)
    why, _ = reason(plan, "fridge")
    assert why is UnassignedReason.SLA_DEADLINE_UNREACHABLE
    assert job_stop(plan, "washer").start <= at("11:00")
    assert plan.summary is not None
    assert plan.summary.sla_compliance == {"standard": 100.0, "urgent": 0.0}


def test_soft_sla_serves_the_urgent_job_first_when_two_compete() -> None:
    # Both clocks started at 06:00 (due 10:00); each visit takes 2 h and they lie 30 km apart,
    # so one engineer starting at 08:00 can be on time for only one of them.
    p = problem(
        [
            job("washer", 15, 0, 120, sla_tier="standard", sla={"started_at": at("06:00")}),
            job("fridge", -15, 0, 120, sla_tier="urgent", sla={"started_at": at("06:00")}),
        ],
        [engineer("ana", cost_per_hour=30)],
        **URGENT_4H,
    )
    plan = planned(p, _ortools)
    fridge, washer = job_stop(plan, "fridge"), job_stop(plan, "washer")
    assert fridge.start < washer.start
    assert fridge.sla_due == at("10:00") and fridge.sla_slack_s is not None
    assert fridge.sla_slack_s > 0 > (washer.sla_slack_s or 0)
    assert plan.summary is not None
    assert plan.summary.sla_compliance == {"standard": 0.0, "urgent": 100.0}


def test_soft_sla_lateness_is_allowed_while_hard_mode_would_drop_the_job() -> None:
    # Due 08:30, 60 km away: only reachable late.
    base: dict[str, Any] = {
        "jobs": [job("fridge", 60, 0, sla_tier="urgent", sla={"started_at": at("04:30")})],
        "engineers": [engineer("ana")],
        **URGENT_4H,
    }
    soft = planned(problem(**base), _ortools)
    assert job_stop(soft, "fridge").start >= at("08:30") + timedelta(minutes=30)
    hard = planned(problem(**base, sla_mode={"kind": "hard"}), _ortools)
    assert [u.job_id for u in hard.unassigned] == ["fridge"]

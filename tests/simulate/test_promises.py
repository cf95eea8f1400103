"""Appointments in simulation: promised when first queued, kept, moved, reassigned or broken."""

from __future__ import annotations

from datetime import timedelta

from dispatchopt.scenarios import EngineerOff
from dispatchopt.simulate import BatchPlan, RollingReoptimisation, compute_kpis, simulate
from dispatchopt.simulate.promises import PROMISE_HALF_WIDTH
from tests.simulate.days import DAY, engineer, first_fit, job, scenario

batch = BatchPlan(solver=first_fit)


def test_the_overnight_queue_promises_two_hours_around_each_projected_start() -> None:
    day = scenario([job("a", 1), job("b", 2)], [engineer("ann")])
    result = simulate(day, batch)
    starts = {s.job_id: s.start for r in result.plan.routes for s in r.stops}
    for job_id in ("a", "b"):
        promise = result.promises[job_id]
        assert promise.engineer_id == "ann"
        assert promise.planned_start == starts[job_id]  # no overrun: as projected
        assert promise.window.start == starts[job_id] - PROMISE_HALF_WIDTH
        assert promise.window.end == starts[job_id] + PROMISE_HALF_WIDTH
        assert promise.made_at == day.plan_time()
    kpis = compute_kpis(result)
    assert (kpis.appointments, kpis.appointments_moved, kpis.appointments_broken) == (2, 0, 0)


def test_a_half_hour_overrun_moves_the_next_customer_inside_her_window() -> None:
    day = scenario([job("a", 1), job("b", 2)], [engineer("ann")], actual_minutes={"a": 90})
    kpis = compute_kpis(simulate(day, batch))
    assert (kpis.appointments_moved, kpis.appointments_broken) == (1, 0)


def test_a_two_hour_overrun_breaks_the_next_appointment() -> None:
    day = scenario([job("a", 1), job("b", 2)], [engineer("ann")], actual_minutes={"a": 180})
    kpis = compute_kpis(simulate(day, batch))
    assert (kpis.appointments_moved, kpis.appointments_broken) == (0, 1)


def test_a_colleague_taking_over_after_sickness_is_a_reassignment() -> None:
    day = scenario(
        [job("a", 1), job("b", 2)],
        [engineer("ann"), engineer("bob")],
        events=[EngineerOff(at=DAY.at("08:30"), engineer_id="ann")],
    )
    result = simulate(day, RollingReoptimisation(solver=first_fit, replan_every_minutes=30))
    kpis = compute_kpis(result)
    # first_fit gave both to ann overnight; she started "a" and then went home ill.
    assert result.promises["b"].engineer_id == "ann"
    assert kpis.appointments_reassigned == 1


def test_an_engineer_early_for_a_promised_window_waits_for_it() -> None:
    day = scenario([job("a", 1), job("b", 2)], [engineer("ann")], actual_minutes={"a": 15})
    result = simulate(day, batch)
    b = next(s for r in result.plan.routes for s in r.stops if s.job_id == "b")
    promise = result.promises["b"]
    # "a" ended 45 minutes early, but b's customer was told from an hour before its planned start.
    assert b.start == max(promise.window.start, b.arrival)
    assert b.start >= promise.window.start
    assert b.start - b.arrival <= timedelta(minutes=45)

"""KPIs on days small enough to compute by hand, and the comparison table's formats."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatchopt.scenarios import JobArrives
from dispatchopt.simulate import (
    BatchPlan,
    GreedyNearest,
    compute_kpis,
    simulate,
    to_csv,
    to_markdown,
)
from dispatchopt.simulate.kpis import due_time, sla_tier
from tests.simulate.days import DAY, engineer, first_fit, job, scenario


def test_one_visit_day_adds_up() -> None:
    day = scenario([job("a", 3, minutes=60)], [engineer("ann")])
    result = simulate(day, GreedyNearest())
    k = compute_kpis(result)
    route = result.plan.routes[0]
    leg_h = route.stops[0].travel_s / 3600
    assert (k.served, k.unserved) == (1, 0)
    assert k.travel_km == pytest.approx(route.distance_m / 1000)
    assert k.travel_km == pytest.approx(2 * 3 * 1.3, rel=0.02)  # out and back, detour 1.3
    assert k.travel_hours == pytest.approx(2 * leg_h)
    assert k.utilisation == pytest.approx(1 / 9)
    assert k.response_mean_min == pytest.approx(leg_h * 60)
    working_h = 1 + 2 * leg_h
    assert k.cost == pytest.approx(40 * working_h + 0.5 * k.travel_km)
    assert k.overtime_hours == 0 and k.workload_std_hours == 0
    assert k.sla_compliance == {"standard": 1.0}


def test_emergency_called_at_nine_must_start_by_one() -> None:
    emergency = job("sos", 1, priority=9, release=9)
    assert sla_tier(emergency) == "emergency"
    assert due_time(emergency, DAY.at("09:00")) == DAY.at("13:00")
    # The day opens at 08:00 (bob), but the only washer engineer starts at 14:00.
    late = scenario(
        [emergency],
        [engineer("ann", start=14), engineer("bob", skills={"fridge": 1})],
        events=[JobArrives(at=DAY.at("09:00"), job_id="sos")],
    )
    assert compute_kpis(simulate(late, GreedyNearest())).sla_compliance == {"emergency": 0.0}


def test_weighted_service_counts_an_emergency_as_ten_standard_calls_as_one() -> None:
    # Ann serves the emergency and a standard call; the third job needs a skill nobody has.
    jobs = [job("sos", 1, priority=9), job("std", 2), job("gas", 3, skill="gas")]
    k = compute_kpis(simulate(scenario(jobs, [engineer("ann")]), GreedyNearest()))
    assert (k.served, k.unserved) == (2, 1)
    assert k.weighted_service == (1 + 9) + (1 + 0)


def test_first_time_fix_needs_a_unit_left_on_the_van() -> None:
    ann = engineer("ann").model_copy(update={"van_stock": {"drain_pump": 1}})
    parts = {"a": "drain_pump", "b": "door_lock", "c": "drain_pump"}
    day = scenario([job("a", 1), job("b", 2), job("c", 3)], [ann], on_site_part=parts)
    result = simulate(day, GreedyNearest())
    assert [s.first_time_fix for s in result.plan.routes[0].stops] == [1.0, 0.0, 0.0]
    assert compute_kpis(result).first_time_fix == pytest.approx(1 / 3)


def test_overtime_and_workload_spread_show_an_uneven_day() -> None:
    jobs = [job("a", 1, minutes=330), job("b", 1.5, minutes=30, skill="fridge")]
    day = scenario(
        jobs,
        [engineer("ann", end=14), engineer("bob", skills={"fridge": 1})],
        actual_minutes={"a": 480},
    )
    k = compute_kpis(simulate(day, BatchPlan(solver=first_fit)))
    assert k.served == 2
    assert k.overtime_hours > 1.5  # ann's 8-hour visit runs past her 14:00 end
    assert k.workload_std_hours > 3.0


def test_tables_have_one_column_per_policy_and_every_kpi() -> None:
    day = scenario(
        [job("a", 1), job("b", 2, release=10)],
        [engineer("ann")],
        events=[JobArrives(at=DAY.at("10:00"), job_id="b")],
    )
    table = [compute_kpis(simulate(day, p)) for p in (GreedyNearest(), BatchPlan(solver=first_fit))]
    csv = to_csv(table).splitlines()
    assert csv[0].startswith("policy,jobs,served,unserved,cancelled,sla_standard")
    assert [line.split(",")[0] for line in csv[1:]] == ["greedy", "batch"]
    md = to_markdown(table)
    assert md.splitlines()[0] == "| KPI | greedy | batch |"
    assert "| unserved | 0 | 1 |" in md
    assert timedelta(0) < table[0].response_p95_min * timedelta(minutes=1)


def test_a_modelled_sla_deadline_wins_over_the_priority_rule() -> None:
    from dispatchopt.scenarios import generate_scenario

    day = generate_scenario(60, 6, seed=3)
    urgent = next(j for j in day.problem.jobs if j.sla_tier == "urgent")
    assert due_time(urgent, DAY.at("00:00"), day.problem) == day.problem.sla_deadline(urgent)
    assert due_time(urgent, DAY.at("00:00")) == DAY.at("08:00")

"""The simulator replays days under policies: arrivals, cancellations, parts, sickness, overruns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from dispatchopt.errors import InputError
from dispatchopt.scenarios import EngineerOff, JobArrives, JobCancelled, PartArrives
from dispatchopt.simulate import (
    BatchPlan,
    DispatchPolicy,
    DispatchState,
    GreedyNearest,
    Kpis,
    RollingReoptimisation,
    compute_kpis,
    parse_policy,
    run_policies,
    simulate,
)
from tests.simulate.days import DAY, engineer, first_fit, job, scenario

batch = BatchPlan(solver=first_fit)
rolling = RollingReoptimisation(solver=first_fit, replan_every_minutes=30)


def served(result) -> list[str]:
    return [s.job_id for r in result.plan.routes for s in r.stops]


def test_greedy_sends_the_engineer_to_the_nearest_job_first() -> None:
    day = scenario([job("far", 6), job("near", 1), job("mid", 3)], [engineer("ann")])
    result = simulate(day, GreedyNearest())
    assert served(result) == ["near", "mid", "far"]
    route = result.plan.routes[0]
    for a, b in zip(route.stops, route.stops[1:], strict=False):
        assert b.arrival - a.end == timedelta(seconds=b.travel_s)
        assert b.end - b.start == timedelta(minutes=60)
    assert route.stops[0].start == DAY.at("08:00") + timedelta(seconds=route.stops[0].travel_s)


def test_a_job_called_in_at_ten_is_missed_by_the_overnight_plan_only() -> None:
    day = scenario(
        [job("booked", 1), job("call", 2, release=10)],
        [engineer("ann")],
        events=[JobArrives(at=DAY.at("10:00"), job_id="call")],
    )
    assert served(simulate(day, batch)) == ["booked"]
    greedy = simulate(day, GreedyNearest())
    assert served(greedy) == ["booked", "call"]
    assert greedy.plan.routes[0].stops[1].start >= DAY.at("10:00")
    assert served(simulate(day, rolling)) == ["booked", "call"]


def test_a_cancelled_job_is_not_visited_and_not_counted_unserved() -> None:
    day = scenario(
        [job("a", 1, window=(8, 9)), job("b", 2, window=(14, 17))],
        [engineer("ann")],
        events=[JobCancelled(at=DAY.at("09:00"), job_id="b")],
    )
    result = simulate(day, batch)
    assert served(result) == ["a"]
    kpis = compute_kpis(result)
    assert (kpis.cancelled, kpis.unserved, kpis.served) == (1, 0, 1)


def test_a_job_waiting_for_its_part_is_not_started_before_delivery() -> None:
    day = scenario(
        [job("wait", 1)], [engineer("ann")], events=[PartArrives(at=DAY.at("11:00"), job_id="wait")]
    )
    assert served(simulate(day, batch)) == []
    result = simulate(day, GreedyNearest())
    assert result.plan.routes[0].stops[0].start >= DAY.at("11:00")


def test_when_an_engineer_calls_in_sick_rolling_hands_the_work_to_a_colleague() -> None:
    jobs = [job("a", 1), job("b", 2)]
    day = scenario(
        jobs,
        [engineer("ann"), engineer("bob")],
        events=[EngineerOff(at=DAY.at("07:15"), engineer_id="ann")],
    )
    assert served(simulate(day, batch)) == []  # first_fit gave both to ann overnight
    result = simulate(day, rolling)
    assert sorted(served(result)) == ["a", "b"]
    assert {r.engineer_id for r in result.plan.routes} == {"bob"}
    assert compute_kpis(result).utilisation == pytest.approx(
        sum((s.end - s.start).total_seconds() for s in result.plan.routes[0].stops) / (9 * 3600)
    )


def test_an_overrun_pushes_the_next_visit_later() -> None:
    day = scenario(
        [job("a", 1, window=(8, 9)), job("b", 2)], [engineer("ann")], actual_minutes={"a": 150}
    )
    stops = simulate(day, batch).plan.routes[0].stops
    assert stops[0].end - stops[0].start == timedelta(minutes=150)
    assert stops[1].arrival == stops[0].end + timedelta(seconds=stops[1].travel_s)


def test_lunch_is_taken_in_its_window_and_never_during_a_visit() -> None:
    jobs = [job(f"j{i}", 0.5 * i, minutes=50) for i in range(1, 9)]
    day = scenario(jobs, [engineer("ann", lunch=True)])
    route = simulate(day, GreedyNearest()).plan.routes[0]
    assert len(route.breaks) == 1
    brk = route.breaks[0]
    assert DAY.at("12:00") <= brk.start and brk.end <= DAY.at("13:00")
    assert all(s.end <= brk.start or s.start >= brk.end for s in route.stops)


def test_a_visit_that_cannot_end_before_the_shift_does_is_left_unserved() -> None:
    day = scenario([job("long", 1, minutes=600)], [engineer("ann")])
    result = simulate(day, GreedyNearest())
    assert served(result) == [] and [u.job_id for u in result.plan.unassigned] == ["long"]


def test_the_executor_runs_policies_independently_with_the_same_results() -> None:
    day = scenario(
        [job("a", 1), job("b", 4), job("call", 2, release=9)],
        [engineer("ann")],
        events=[JobArrives(at=DAY.at("09:00"), job_id="call")],
    )
    policies = [GreedyNearest(), batch, rolling]
    alone = [compute_kpis(r) for r in run_policies(day, policies)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pooled = [compute_kpis(r) for r in run_policies(day, policies, executor=pool)]

    def outcome(k: Kpis) -> dict[str, object]:
        return {c: v for c, v in k.row().items() if c != "solve_seconds"}  # wall time varies

    assert [outcome(k) for k in pooled] == [outcome(k) for k in alone]
    assert [k.policy for k in alone] == ["greedy", "batch", "rolling"]


class FurthestFirst:
    """A user policy: send each idle engineer to the furthest job (to prove the protocol)."""

    name = "furthest"
    replan_every_minutes = None

    def decide(self, state: DispatchState) -> Mapping[str, Sequence[str]] | None:
        order = sorted(state.pending, key=lambda j: -state.travel_s("ann", j))
        return {"ann": order} if state.trigger == "day_start" else None


def test_a_user_policy_only_has_to_implement_decide() -> None:
    policy = FurthestFirst()
    assert isinstance(policy, DispatchPolicy)
    day = scenario([job("near", 1), job("far", 6)], [engineer("ann")])
    assert served(simulate(day, policy)) == ["far", "near"]


def test_rolling_keeps_a_started_visit_locked_to_its_engineer() -> None:
    seen = []

    def spy(problem):
        seen.extend((j.id, j.lock.engineer_id) for j in problem.jobs if j.lock is not None)
        return first_fit(problem)

    day = scenario([job("a", 1, minutes=120), job("b", 2)], [engineer("ann")])
    simulate(day, RollingReoptimisation(solver=spy, replan_every_minutes=60))
    assert ("a", "ann") in seen


@pytest.mark.parametrize("spec", ["greedy", "batch", "rolling:45", "rolling:45:events"])
def test_policies_parse_from_their_cli_spelling(spec: str) -> None:
    policy = parse_policy(spec, time_limit=0.5)
    assert policy.name == spec
    if spec.startswith("rolling"):
        assert policy.replan_every_minutes == 45
        assert isinstance(policy, RollingReoptimisation)
        assert bool(policy.replan_on) == spec.endswith(":events")


@pytest.mark.parametrize(
    "spec", ["fastest", "rolling:0", "rolling:soon", "batch:3", "rolling:60:often"]
)
def test_unknown_policy_spellings_are_refused(spec: str) -> None:
    with pytest.raises(InputError, match="policy"):
        parse_policy(spec)


def test_a_re_plan_never_uses_time_the_engineer_has_already_spent() -> None:
    seen = []

    def spy(problem):
        seen.append(problem)
        return first_fit(problem)

    # ann sets off at 08:00 for a 09:00 appointment; the 08:30 re-plan must start her at its door.
    day = scenario([job("a", 1, window=(9, 10)), job("b", 0.5)], [engineer("ann")])
    simulate(day, RollingReoptimisation(solver=spy, replan_every_minutes=30))
    at_half_past = next(p for p in seen if p.name.endswith(DAY.at("08:30").isoformat()))
    ann = at_half_past.engineers[0]
    assert ann.shifts[0].start == DAY.at("08:30")
    assert ann.start_location == day.problem.job_by_id["a"].location
    locked = at_half_past.job_by_id["a"].lock
    assert locked is not None and locked.start == DAY.at("09:00")


def test_rolling_can_re_plan_the_moment_a_call_comes_in() -> None:
    calls = []

    def spy(problem):
        calls.append(problem.name)
        return first_fit(problem)

    day = scenario(
        [job("booked", 1), job("sos", 2, priority=9, release=9.25)],
        [engineer("ann")],
        events=[JobArrives(at=DAY.at("09:15"), job_id="sos")],
    )

    def sos_start(policy: RollingReoptimisation) -> object:
        result = simulate(day, policy)
        return next(s.start for r in result.plan.routes for s in r.stops if s.job_id == "sos")

    assert sos_start(RollingReoptimisation(solver=spy, replan_every_minutes=240)) >= DAY.at("12:00")
    assert not any(name.endswith(DAY.at("09:15").isoformat()) for name in calls)
    eager = RollingReoptimisation(solver=spy, replan_every_minutes=240, replan_on=("job_arrives",))
    assert sos_start(eager) < DAY.at("12:00")
    assert any(name.endswith(DAY.at("09:15").isoformat()) for name in calls)

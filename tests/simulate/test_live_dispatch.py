"""The live policy: insert on arrival, re-plan with the disruption settings on events."""

from __future__ import annotations

import pytest

from dispatchopt.errors import InputError
from dispatchopt.scenarios import EngineerOff, JobArrives
from dispatchopt.simulate import compute_kpis, parse_policy, simulate
from dispatchopt.simulate.live_dispatch import LiveDispatch
from tests.simulate.days import DAY, engineer, job, scenario


def where(result) -> dict[str, str]:
    return {s.job_id: r.engineer_id for r in result.plan.routes for s in r.stops}


def test_emergency_called_at_ten_goes_in_without_touching_the_promised_visits() -> None:
    day = scenario(
        [job("a", 1), job("b", 2), job("c", -1), job("d", -2)]
        + [job("sos", 1.5, priority=9, release=10)],
        [engineer("ann", 1), engineer("bob", -1)],
        events=[JobArrives(at=DAY.at("10:00"), job_id="sos")],
    )
    policy = LiveDispatch(replan_every_minutes=None, time_limit=0.5)
    result = simulate(day, policy)
    kpis = compute_kpis(result)
    assert set(where(result)) == {"a", "b", "c", "d", "sos"}
    assert kpis.sla_compliance["emergency"] == 1.0
    assert kpis.appointments_broken == 0 and kpis.appointments_reassigned == 0
    assert result.promises["sos"].made_at == DAY.at("10:00")


def test_engineer_off_sick_at_eleven_her_afternoon_is_shared_out_morning_untouched() -> None:
    # Long morning visits: both are on site when ann calls in sick at 11:00.
    morning = [job(f"m{i}", i, minutes=200, window=(8, 9)) for i in (1, -1)]
    afternoon = [job(f"p{i}", 1 + i / 2, window=(13, 17)) for i in range(2)]
    day = scenario(
        morning + afternoon,
        [engineer("ann", 1), engineer("bob", -1)],
        events=[EngineerOff(at=DAY.at("11:00"), engineer_id="ann")],
    )
    result = simulate(day, LiveDispatch(replan_every_minutes=None, time_limit=0.5))
    served = where(result)
    promised = {j: p.engineer_id for j, p in result.promises.items()}
    assert {j for j, e in promised.items() if e == "ann" and j.startswith("p")}, "ann had work"
    for j in ("m1", "m-1"):
        assert served[j] == promised[j]  # the morning went as promised
    assert all(served[j] == "bob" for j in ("p0", "p1"))
    assert compute_kpis(result).appointments_broken == 0


@pytest.mark.parametrize(
    ("spec", "name", "every"), [("live", "live", 60.0), ("live:30", "live:30", 30.0)]
)
def test_live_parses_from_its_cli_spelling(spec: str, name: str, every: float) -> None:
    policy = parse_policy(spec, time_limit=1.5, seed=3)
    assert isinstance(policy, LiveDispatch)
    assert (policy.name, policy.replan_every_minutes, policy.time_limit, policy.seed) == (
        name,
        every,
        1.5,
        3,
    )


@pytest.mark.parametrize("spec", ["live:0", "live:soon"])
def test_a_live_policy_without_a_positive_interval_is_refused(spec: str) -> None:
    with pytest.raises(InputError, match="live needs a positive interval"):
        parse_policy(spec)


def test_emergency_at_10_05_with_every_day_full_the_nearest_engineer_gives_up_a_visit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ann and Bob each have five 100-minute visits near home, 25 km apart: no room for an
    # hour anywhere. The emergency next to Ann must start by noon.
    ann = [job(f"a{i}", 1 + i / 10, minutes=100) for i in range(5)]
    bob = [job(f"b{i}", -25 - i / 10, minutes=100) for i in range(5)]
    sos = job("sos", 1.2, priority=9, window=(10, 12), release=10)
    day = scenario(
        [*ann, *bob, sos],
        [engineer("ann", 1), engineer("bob", -25)],
        events=[JobArrives(at=DAY.at("10:05"), job_id="sos")],
    )

    def no_replan(*_: object, **__: object) -> None:
        raise AssertionError("the day was re-planned")

    monkeypatch.setattr("dispatchopt.simulate.live_dispatch.replan", no_replan)
    result = simulate(day, LiveDispatch(replan_every_minutes=None, time_limit=1.0))
    served = where(result)
    assert served["sos"] == "ann"
    assert compute_kpis(result).sla_compliance["emergency"] == 1.0
    given_up = {j.id for j in ann} - set(served)
    assert len(given_up) == 1
    assert all(served[j.id] == "bob" for j in bob)

"""Crews, providers, territories and job caps in the simulator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatchopt import solve
from dispatchopt.models import Provider, Stop
from dispatchopt.models.eligibility import territory_bars
from dispatchopt.scenarios import EngineerOff, Scenario, generate_scenario
from dispatchopt.simulate import BatchPlan, GreedyNearest, compute_kpis, simulate
from tests.simulate.days import DAY, engineer, job, queues_plan, scenario


def following(routes: dict[str, list[str]], outsourced: dict[str, list[str]] | None = None):
    """A stand-in solver that always returns these queues (and providers' jobs)."""
    return BatchPlan(solver=lambda problem: queues_plan(problem, routes, outsourced))


def crew_job(jid: str, km_east: float, **kw: object):
    return job(jid, km_east, **kw).model_copy(update={"crew_size": 2})  # type: ignore[arg-type]


def test_two_person_install_at_ten_waits_for_the_one_across_town_until_half_past() -> None:
    install = crew_job("install", 2, window=(10, 12))
    across = job("across", 10, minutes=150)
    day = scenario([install, across], [engineer("ann", 0), engineer("ben", 10)])
    result = simulate(day, following({"ann": ["install"], "ben": ["across", "install"]}))
    stops = {r.engineer_id: {s.job_id: s for s in r.stops} for r in result.plan.routes}
    ann, ben = stops["ann"]["install"], stops["ben"]["install"]
    assert ben.arrival > stops["ben"]["across"].end >= DAY.at("10:30")
    assert ann.start == ben.start == ben.arrival
    assert ann.crew == ben.crew == ["ann", "ben"]
    assert ann.wait_s == int((ben.arrival - ann.arrival).total_seconds()) > 30 * 60
    assert ann.end == ben.end == ann.start + timedelta(minutes=60)
    assert compute_kpis(result).crew_jobs_served == 1


def test_a_crew_that_never_gathers_disperses_at_the_window_end() -> None:
    install = crew_job("install", 2, window=(9, 12))
    later = job("later", 3)
    day = scenario(
        [install, later],
        [engineer("ann", 0), engineer("ben", 10)],
        events=[EngineerOff(at=DAY.at("07:00"), engineer_id="ben")],
    )
    result = simulate(day, following({"ann": ["install", "later"], "ben": ["install"]}))
    assert [s.job_id for r in result.plan.routes for s in r.stops] == ["later"]
    assert result.plan.routes[0].stops[0].start >= DAY.at("12:00")
    assert any("install" in note for note in result.notes)
    assert [u.job_id for u in result.plan.unassigned] == ["install"]


def test_the_north_contractor_takes_jobs_up_to_its_quota_for_its_fee() -> None:
    jobs = [job("a", 1), job("b", 2), job("c", 3)]
    day = scenario(jobs, [engineer("ann")])
    north = Provider(id="north", skills={"washer": 1}, max_jobs=2, fee=45.0)
    day = day.model_copy(update={"problem": day.problem.model_copy(update={"providers": [north]})})
    result = simulate(day, following({"ann": []}, {"north": ["a", "b", "c"]}))
    assert [(o.job_id, o.fee) for o in result.plan.outsourced] == [("a", 45.0), ("b", 45.0)]
    kpis = compute_kpis(result)
    assert (kpis.outsourced, kpis.contractor_fees, kpis.served) == (2, 90.0, 2)
    assert kpis.cost == 90.0  # ann did nothing


def test_greedy_sends_a_crew_only_when_two_engineers_are_free() -> None:
    alone = scenario([crew_job("install", 1), job("repair", 2)], [engineer("ann")])
    result = simulate(alone, GreedyNearest())
    assert [s.job_id for r in result.plan.routes for s in r.stops] == ["repair"]
    pair = scenario([crew_job("install", 1)], [engineer("ann"), engineer("ben", 1)])
    result = simulate(pair, GreedyNearest())
    starts = {r.engineer_id: r.stops[0].start for r in result.plan.routes}
    assert set(starts) == {"ann", "ben"} and len(set(starts.values())) == 1


def test_an_engineer_stops_at_her_job_cap() -> None:
    capped = engineer("ann").model_copy(update={"max_jobs": 2})
    day = scenario([job("a", 1), job("b", 2), job("c", 3)], [capped])
    result = simulate(day, GreedyNearest())
    assert len(result.plan.routes[0].stops) == 2


@pytest.mark.parametrize("seed", [0, 1])
def test_generated_featured_days_keep_crews_quotas_and_hard_territories(seed: int) -> None:
    sc: Scenario = generate_scenario(
        40, 7, seed=seed, two_person_share=0.6, territories="mixed", providers=2
    )
    problem = sc.problem
    greedy_engine = BatchPlan(solver=lambda p: solve(p, engine="greedy", time_limit=1))
    for policy in (GreedyNearest(), greedy_engine):
        result = simulate(sc, policy)
        members: dict[str, list[Stop]] = {}
        for r in result.plan.routes:
            eng = problem.engineer_by_id[r.engineer_id]
            for s in r.stops:
                members.setdefault(s.job_id, []).append(s)
                assert not territory_bars(problem.job_by_id[s.job_id], eng)
        for jid, stops in members.items():
            assert len(stops) == problem.job_by_id[jid].crew_size
            assert len({s.start for s in stops}) == 1
        taken: dict[str, int] = {}
        for o in result.plan.outsourced:
            taken[o.provider_id] = taken.get(o.provider_id, 0) + 1
            assert o.job_id not in members
        assert all(taken.get(p.id, 0) <= p.max_jobs for p in problem.providers)
        crews_done = [j for j, stops in members.items() if len(stops) > 1]
        assert crews_done and members  # the day really has crews at work

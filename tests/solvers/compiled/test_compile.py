"""compile_problem on tiny named days: node numbering, seconds, eligibility and penalties.

The day is 2025-06-02 in UTC; the first shift starts 08:00, so engine second 0 is 08:00 and
1 km takes 60 s.
"""

from __future__ import annotations

from datetime import date

from dispatchopt.models import UnassignedReason
from dispatchopt.solvers.compiled import (
    LOCK_PENALTY_FACTOR,
    MONEY_SCALE,
    OPEN_END,
    compile_problem,
)
from tests.days import Day

DAY = Day(date(2025, 6, 2))


def two_engineers_three_jobs():  # type: ignore[no-untyped-def]
    """Ana (fridge 2, at home 0,0) and Ben (gas 1, at home 20,0); a morning fridge repair at
    5 km, a gas check only Ben can do, and an install with no window."""
    return DAY.problem(
        [
            DAY.job("fridge", 5, 0, 45, [("08:00", "10:00")], skills=[{"skill": "fridge"}]),
            DAY.job("gas", 15, 0, 30, [("13:00", "15:00")], skills=[{"skill": "gas"}]),
            DAY.job("install", 10, 0, 60, priority=3),
        ],
        [
            DAY.engineer("ana", 0, 0, skills={"fridge": 2}),
            DAY.engineer("ben", 20, 0, skills={"gas": 1}, overtime_minutes=30),
        ],
    )


def test_jobs_come_first_then_the_distinct_homes() -> None:
    cp = compile_problem(two_engineers_three_jobs())
    assert [j.job_id for j in cp.jobs] == ["fridge", "gas", "install"]
    assert [j.node for j in cp.jobs] == [0, 1, 2]
    assert cp.num_nodes == 5  # three jobs, two homes
    assert [(v.start_node, v.end_node) for v in cp.vehicles] == [(3, 3), (4, 4)]
    assert cp.epoch == DAY.at("08:00")


def test_times_are_seconds_from_the_epoch_and_open_windows_stay_open() -> None:
    cp = compile_problem(two_engineers_three_jobs())
    fridge, gas, install = cp.jobs
    assert fridge.windows == ((0, 7200),)
    assert gas.windows == ((5 * 3600, 7 * 3600),)
    assert install.windows == ((0, OPEN_END),)
    ana, ben = cp.vehicles
    assert (ana.shift_start, ana.shift_end, ana.hard_end) == (0, 9 * 3600, 9 * 3600)
    assert ben.hard_end == 9 * 3600 + 1800
    assert cp.at(7200) == DAY.at("10:00")


def test_each_job_may_go_only_to_engineers_with_its_skills() -> None:
    cp = compile_problem(two_engineers_three_jobs())
    assert [j.allowed for j in cp.jobs] == [(0,), (1,), (0, 1)]


def test_a_mandatory_job_costs_more_to_drop_the_higher_its_priority() -> None:
    cp = compile_problem(two_engineers_three_jobs())
    base = round(100_000 * MONEY_SCALE)
    assert [j.penalty for j in cp.jobs] == [base, base, base * 4]


def test_a_locked_start_is_a_one_second_window_and_a_heavier_penalty() -> None:
    day = DAY.problem(
        [DAY.job("pinned", 5, 0, lock={"engineer_id": "ana", "start": DAY.at("09:00")})],
        [DAY.engineer("ana"), DAY.engineer("ben", 3, 0)],
    )
    (pinned,) = compile_problem(day).jobs
    assert pinned.windows == ((3600, 3600),)
    assert pinned.allowed == (0,)
    assert pinned.penalty == round(100_000 * MONEY_SCALE) * LOCK_PENALTY_FACTOR


def test_on_site_time_follows_each_engineers_level() -> None:
    day = DAY.problem(
        [DAY.job("aircon", 5, 0, 90, skills=[{"skill": "aircon"}], duration_by_level={"3": 60})],
        [
            DAY.engineer("junior", skills={"aircon": 1}),
            DAY.engineer("senior", skills={"aircon": 3}),
        ],
    )
    (aircon,) = compile_problem(day).jobs
    assert aircon.service == (5400, 3600)


def test_jobs_no_one_can_ever_serve_are_settled_before_search_with_their_reason() -> None:
    day = DAY.problem(
        [
            DAY.job("aircon", 1, 0, skills=[{"skill": "aircon"}]),
            DAY.job("heavy", 1, 0, demand=5),
            DAY.job("evening", 1, 0, windows=[("18:00", "20:00")]),
            DAY.job("after-evening", 1, 0, after=["evening"]),
            DAY.job("fine", 1, 0),
        ],
        [DAY.engineer("ana", capacity=0)],
    )
    cp = compile_problem(day)
    assert [j.job_id for j in cp.jobs] == ["fine"]
    assert {r.job_id: r.reason for r in cp.rejected} == {
        "aircon": UnassignedReason.NO_ENGINEER_WITH_SKILL,
        "heavy": UnassignedReason.LOAD_EXCEEDS_CAPACITY,
        "evening": UnassignedReason.OUTSIDE_ALL_SHIFTS,
        "after-evening": UnassignedReason.PREDECESSOR_UNASSIGNED,
    }


def test_a_part_on_no_van_makes_a_depot_visit_node_per_engineer() -> None:
    day = DAY.problem(
        [DAY.job("fridge", 5, 0, parts=[{"sku": "compressor"}])],
        [DAY.engineer("ana"), DAY.engineer("ben", 20, 0)],
        parts=[{"sku": "compressor"}],
        depots=[{"id": "vaise", "location": {"x": 2, "y": 2}, "stock": {"compressor": 1}}],
    )
    cp = compile_problem(day)
    assert cp.skus == ["compressor"]
    assert [(v.node, v.vehicle, v.depot_id) for v in cp.visits] == [
        (1, 0, "vaise"),
        (2, 1, "vaise"),
    ]
    assert cp.visit_at(1) is cp.visits[0] and cp.visit_at(0) is None
    assert cp.num_nodes == 5  # one job, two visits, two homes


def test_a_seed_shuffles_the_node_order_but_not_the_jobs() -> None:
    day = two_engineers_three_jobs()
    plain = compile_problem(day)
    shuffled = compile_problem(day, seed=3)
    assert shuffled.seed == 3
    assert sorted(j.job_id for j in shuffled.jobs) == sorted(j.job_id for j in plain.jobs)
    by_id = {j.job_id: j for j in plain.jobs}
    for job in shuffled.jobs:
        assert job.windows == by_id[job.job_id].windows
        assert job.allowed == by_id[job.job_id].allowed

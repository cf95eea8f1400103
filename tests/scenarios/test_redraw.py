"""Redrawing a scenario's luck: same seed same draw, another seed other luck on the same day."""

from __future__ import annotations

from dispatchopt.scenarios import JobArrives, JobCancelled, PartArrives, generate_scenario, redraw


def test_the_same_seed_redraws_the_same_day() -> None:
    day = generate_scenario(40, 4, seed=3)
    assert redraw(day, 5).to_json() == redraw(day, 5).to_json()


def test_another_seed_changes_the_luck_but_not_the_day() -> None:
    day = generate_scenario(60, 6, seed=3)
    a, b = redraw(day, 1), redraw(day, 2)
    assert a.problem == b.problem == day.problem
    assert a.actual_minutes != b.actual_minutes
    assert a.on_site_part != b.on_site_part
    cancelled = [{e.job_id for e in s.events if isinstance(e, JobCancelled)} for s in (a, b)]
    assert cancelled[0] != cancelled[1]


def test_a_redrawn_call_never_comes_after_the_job_could_start() -> None:
    day = generate_scenario(80, 6, seed=9)
    again = redraw(day, 4)
    arrivals = [e for e in again.events if isinstance(e, JobArrives)]
    assert len(arrivals) == sum(isinstance(e, JobArrives) for e in day.events)
    for event in arrivals:
        earliest = day.problem.job_by_id[event.job_id].earliest_start
        assert earliest is not None and event.at <= earliest
    parts = [e for e in day.events if isinstance(e, PartArrives)]
    assert parts == [e for e in again.events if isinstance(e, PartArrives)]

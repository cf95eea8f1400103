"""The seeded day generator: determinism, the city's shape, the mix of jobs and engineers."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from dispatchopt.errors import InputError
from dispatchopt.geo import haversine_km
from dispatchopt.scenarios import (
    NAMED,
    EngineerOff,
    JobArrives,
    JobCancelled,
    PartArrives,
    Scenario,
    generate_day,
    generate_scenario,
    named_scenario,
)
from dispatchopt.scenarios.generator import CITY_CENTRE


def test_same_seed_same_day_and_another_seed_another_day() -> None:
    a = generate_scenario(40, 6, seed=7)
    assert a.to_json() == generate_scenario(40, 6, seed=7).to_json()
    assert a.to_json() != generate_scenario(40, 6, seed=8).to_json()


def test_a_day_round_trips_through_its_json_file(tmp_path) -> None:
    day = generate_scenario(30, 5, seed=1)
    day.save(tmp_path / "day.json")
    assert Scenario.load(tmp_path / "day.json") == day


def test_jobs_lie_in_the_city_and_engineers_live_near_it() -> None:
    problem = generate_day(300, 20, seed=2)
    jobs = np.array([[j.location.lat, j.location.lon] for j in problem.jobs])
    homes = np.array([[e.start_location.lat, e.start_location.lon] for e in problem.engineers])
    from_centre = haversine_km(np.vstack([[CITY_CENTRE], jobs, homes]))[0]
    assert from_centre[1 : 1 + len(jobs)].max() <= 8.05
    assert from_centre[1 + len(jobs) :].max() <= 12.05
    assert problem.travel.kind == "haversine"


def test_smallest_and_largest_sizes_build() -> None:
    assert len(generate_day(20, 3, seed=0).jobs) == 20
    big = generate_day(5000, 250, seed=0)
    assert len(big.jobs) == 5000
    assert len({j.id for j in big.jobs}) == 5000


def test_a_heat_wave_mix_brings_mostly_aircon_jobs() -> None:
    normal = generate_day(400, 20, seed=3)
    hot = generate_day(
        400, 20, seed=3, job_mix={"aircon": 0.6, "fridge": 0.2, "washer": 0.1, "smart_home": 0.1}
    )

    def share(problem) -> float:
        return sum(j.skills[0].skill == "aircon" for j in problem.jobs) / len(problem.jobs)

    assert share(normal) < 0.25 < 0.5 < share(hot)


def test_same_day_calls_are_released_when_they_arrive_and_their_window_follows() -> None:
    day = generate_scenario(200, 15, seed=4)
    arrivals = {e.job_id: e.at for e in day.events if isinstance(e, JobArrives)}
    parts = {e.job_id: e.at for e in day.events if isinstance(e, PartArrives)}
    assert 0.15 < len(arrivals) / 200 < 0.5
    for job in day.problem.jobs:
        window = job.time_windows[0]
        assert window.start <= window.end
        if job.id in arrivals:
            assert job.earliest_start is not None and job.earliest_start >= arrivals[job.id]
            assert window.end >= job.earliest_start
        if job.priority >= 8:
            assert job.id in arrivals, "emergencies are never booked the day before"
            assert job.sla is not None and job.sla.started_at == arrivals[job.id]
            assert day.problem.sla_deadline(job) == arrivals[job.id] + timedelta(hours=4)
        if job.id in parts:
            assert job.earliest_start == max(parts[job.id], arrivals.get(job.id, parts[job.id]))


def test_senior_installers_are_scarce_and_complex_installs_need_them() -> None:
    problem = generate_day(300, 30, seed=5)
    seniors = [e for e in problem.engineers if e.skills.get("smart_home", 0) >= 2]
    complex_jobs = [j for j in problem.jobs if j.skills[0].level == 2]
    assert 1 <= len(seniors) <= 10
    assert complex_jobs and all(j.skills[0].skill == "smart_home" for j in complex_jobs)


def test_third_party_crews_cost_more_and_do_only_white_goods() -> None:
    problem = generate_day(50, 20, seed=6)
    third = [e for e in problem.engineers if e.id.startswith("tp")]
    own = [e for e in problem.engineers if not e.id.startswith("tp")]
    assert len(third) == 3
    assert all(set(e.skills) == {"fridge", "washer"} for e in third)
    assert min(e.cost_per_hour for e in third) > max(e.cost_per_hour for e in own)


def test_cancellations_come_after_the_call_and_sick_calls_before_the_shift() -> None:
    day = generate_scenario(300, 12, seed=9, cancel_rate=0.2, sick_engineers=2)
    cancels = [e for e in day.events if isinstance(e, JobCancelled)]
    sick = [e for e in day.events if isinstance(e, EngineerOff)]
    assert len(cancels) > 30 and len(sick) == 2
    for e in sick:
        assert e.at < day.problem.engineer_by_id[e.engineer_id].shifts[0].start
    assert [e.at for e in day.events] == sorted(e.at for e in day.events)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"size": 0}, "size"),
        ({"speed_of_light": 3}, "speed_of_light"),
        ({"overnight_share": 1.5}, "overnight_share"),
        ({"job_mix": {"boiler": 1.0}}, "job_mix"),
    ],
)
def test_bad_options_name_the_field(kwargs: dict, field: str) -> None:
    args = {"size": 10, "engineers": 2, "seed": 0, **kwargs}
    with pytest.raises(InputError) as err:
        generate_scenario(**args)
    assert err.value.errors[0][0] == field


def test_a_scenario_naming_an_unknown_job_is_refused() -> None:
    data = generate_scenario(5, 1, seed=0).model_dump(mode="json")
    data["events"] = [{"kind": "cancellation", "at": "2026-06-02T09:00:00+02:00", "job_id": "j99"}]
    with pytest.raises(InputError, match="j99"):
        Scenario.from_data(data)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_shipped_named_scenarios_match_the_generator(name: str) -> None:
    from pathlib import Path

    path = Path(__file__).parents[2] / "examples" / "scenarios" / f"{name}.json"
    assert Scenario.load(path) == named_scenario(name)


def test_a_bare_problem_file_loads_as_a_day_without_events(tmp_path) -> None:
    problem = generate_day(12, 2, seed=3)
    path = tmp_path / "plain_day.json"
    path.write_text(problem.model_dump_json(), encoding="utf-8")
    day = Scenario.load(path)
    assert (day.name, day.events, day.problem) == ("plain_day", [], problem)
    assert day.plan_time() == problem.epoch()

"""Benchmark readers: Solomon and VRPLIB files become DIMACS-convention problems."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dispatchopt.io import BENCHMARK_EPOCH, detect_format, load_problem, read_solomon, read_vrplib
from dispatchopt.matrices import problem_matrices

DATA = Path(__file__).parent.parent / "data"
SOLOMON = DATA / "C101.txt"
VRPLIB = DATA / "C1_10_1_head10.vrp"


def minutes(m: float) -> datetime:
    return BENCHMARK_EPOCH + timedelta(minutes=m)


def test_solomon_c101_has_100_customers_and_25_vehicles() -> None:
    problem = read_solomon(SOLOMON)
    assert problem.name == "C101"
    assert [j.id for j in problem.jobs] == [str(i) for i in range(1, 101)]
    assert [e.id for e in problem.engineers] == [f"v{k}" for k in range(1, 26)]
    assert problem.objective.kind == "distance"
    assert problem.travel.kind == "euclidean"


def test_solomon_customer_keeps_window_service_and_demand() -> None:
    # C101 line: "1  55  85  20  647  726  90"
    job = read_solomon(SOLOMON).job_by_id["1"]
    assert (job.location.x, job.location.y) == (55.0, 85.0)
    assert job.demand == 20
    assert job.duration_minutes == 90.0
    assert len(job.time_windows) == 1
    assert job.time_windows[0].start == minutes(647)
    assert job.time_windows[0].end == minutes(726)


def test_solomon_vehicle_works_the_depot_window_from_the_depot() -> None:
    # Depot line: "0  40  50  0  0  1236  0"; capacity 200.
    engineer = read_solomon(SOLOMON).engineers[0]
    assert (engineer.start_location.x, engineer.start_location.y) == (40.0, 50.0)
    assert engineer.home == engineer.start_location
    assert engineer.capacity == 200
    assert len(engineer.shifts) == 1
    assert engineer.shifts[0].start == datetime(2000, 1, 1, tzinfo=UTC)
    assert engineer.shifts[0].end == minutes(1236)
    assert engineer.shifts[0].breaks == []


def test_distances_are_truncated_to_one_decimal_and_a_km_takes_a_minute() -> None:
    problem = read_solomon(SOLOMON)
    m = problem_matrices(problem)
    depot = m.start_point["v1"]
    one = m.job_point["1"]  # (55, 85) from (40, 50): sqrt(15^2 + 35^2) = 38.078... km
    assert m.distance(depot, one) == 38_000
    assert m.duration(depot, one) == 38 * 60


def test_vrplib_node_ids_count_from_zero_at_the_depot() -> None:
    problem = read_vrplib(VRPLIB)
    assert problem.name == "C1_10_1_head10"
    assert [j.id for j in problem.jobs] == [str(i) for i in range(1, 11)]
    assert len(problem.engineers) == 10
    # File node 2 ("2 387 297", demand 10, window 200-270) is job "1", as in .sol files.
    job = problem.job_by_id["1"]
    assert (job.location.x, job.location.y) == (387.0, 297.0)
    assert job.demand == 10
    assert job.time_windows[0].start == minutes(200)
    assert job.time_windows[0].end == minutes(270)


def test_vrplib_scalar_service_time_applies_to_customers_not_the_depot() -> None:
    problem = read_vrplib(VRPLIB)
    assert {j.duration_minutes for j in problem.jobs} == {90.0}
    engineer = problem.engineers[0]
    assert (engineer.start_location.x, engineer.start_location.y) == (250.0, 250.0)
    assert engineer.shifts[0].end == minutes(1824)
    assert engineer.capacity == 200


@pytest.mark.parametrize(
    ("name", "expected"),
    [("C101.txt", "solomon"), ("C1_10_1_head10.vrp", "vrplib")],
)
def test_format_is_detected_from_the_content(name: str, expected: str) -> None:
    assert detect_format(DATA / name) == expected


def test_load_problem_reads_each_format_through_one_door() -> None:
    assert len(load_problem(SOLOMON).jobs) == 100
    assert len(load_problem(VRPLIB, format="vrplib").jobs) == 10


def test_a_scenario_file_reads_as_its_problem(tmp_path: Path) -> None:
    from dispatchopt.io import load_problem
    from dispatchopt.scenarios import generate_scenario

    scenario = generate_scenario(12, 2, 0)
    path = tmp_path / "day.json"
    path.write_text(scenario.model_dump_json(), encoding="utf-8")
    assert load_problem(path) == scenario.problem

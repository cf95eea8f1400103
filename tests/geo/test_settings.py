"""Travel settings in a problem map to the right geo model (road graph, OSRM, matrix file)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dispatchopt.errors import InputError
from dispatchopt.geo import CachedTravelModel, Haversine, OsrmTable, RoadGraph
from dispatchopt.matrices import problem_matrices, travel_model
from dispatchopt.models import Problem

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roads" / "city_roads.geojson"
DAY = datetime(2025, 6, 2, 7, tzinfo=UTC)


def day(travel: dict[str, Any], loc: dict[str, Any] | None = None) -> Problem:
    """One engineer at the centre of the example city (Lyon) and two jobs across the river."""
    shift = {"start": DAY, "end": DAY.replace(hour=16)}
    return Problem.from_data(
        {
            "engineers": [
                {
                    "id": "van",
                    "start_location": loc or {"lat": 45.764, "lon": 4.836},
                    "shifts": [shift],
                }
            ],
            "jobs": [
                {"id": "west", "location": {"lat": 45.76, "lon": 4.80}, "duration_minutes": 30},
                {"id": "east", "location": {"lat": 45.77, "lon": 4.88}, "duration_minutes": 30},
            ],
            "travel": travel,
        }
    )


def test_a_road_graph_problem_gets_road_times_and_a_disk_cache(tmp_path: Path) -> None:
    travel = {"kind": "road_graph", "path": str(EXAMPLE), "cache_dir": str(tmp_path)}
    problem = day(travel)
    model = travel_model(problem.travel)
    assert isinstance(model, CachedTravelModel) and isinstance(model.inner, RoadGraph)
    pm = problem_matrices(problem)
    a, b = pm.job_point["west"], pm.job_point["east"]
    assert pm.matrices.size == 3
    assert (
        pm.distance(a, b)
        > 1.2
        * Haversine(detour_factor=1.0)
        .matrices(np.array([[45.76, 4.80], [45.77, 4.88]]))
        .distance_m[0, 1]
    )
    assert len(list(tmp_path.glob("*.npz"))) == 1
    assert problem_matrices(problem).duration(a, b) == pm.duration(a, b)


def test_osrm_settings_carry_the_fallback_only_when_asked() -> None:
    base = {"kind": "osrm", "base_url": "http://127.0.0.1:5000", "max_batch": 50}
    plain = travel_model(day(base).travel)
    assert isinstance(plain, OsrmTable) and plain.fallback is None and plain.max_batch == 50
    falling = travel_model(day({**base, "fallback": "haversine"}).travel)
    assert isinstance(falling, OsrmTable) and isinstance(falling.fallback, Haversine)


def test_a_matrix_file_problem_reads_the_file_and_needs_every_index(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"durations_s": [[0, 60, 70], [61, 0, 80], [71, 81, 0]]}))
    travel = {"kind": "matrix_file", "path": str(path)}
    problem = day(travel, loc={"lat": 45.764, "lon": 4.836, "matrix_index": 0})
    with pytest.raises(InputError, match="matrix_file travel needs matrix_index"):
        problem_matrices(problem)  # the jobs have lat/lon only
    data = problem.model_dump()
    for k, job in enumerate(data["jobs"], start=1):
        job["location"] = {"matrix_index": k}
    pm = problem_matrices(Problem.from_data(data))
    assert pm.duration(pm.start_point["van"], pm.job_point["east"]) == 70
    assert pm.duration(pm.job_point["east"], pm.job_point["west"]) == 81


def test_road_travel_names_a_location_without_lat_lon() -> None:
    problem = day({"kind": "road_graph", "path": str(EXAMPLE)}, loc={"x": 1.0, "y": 2.0})
    with pytest.raises(InputError, match="road_graph travel needs lat/lon"):
        problem_matrices(problem)


def test_the_shipped_example_day_plans_on_the_shipped_roads() -> None:
    data = json.loads((EXAMPLE.parents[1] / "city_day.json").read_text())
    data["travel"] = {"kind": "road_graph", "path": str(EXAMPLE)}
    problem = Problem.from_data(data)
    pm = problem_matrices(problem)
    off_diagonal = ~np.eye(pm.matrices.size, dtype=bool)
    assert pm.matrices.size >= len(problem.jobs)
    assert (pm.matrices.duration_s[off_diagonal] > 0).all()

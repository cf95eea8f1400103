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
from dispatchopt.models import Problem
from dispatchopt.solvers.matrices import problem_matrices, travel_model

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roads" / "city_roads.geojson"
DAY = datetime(2025, 6, 2, 7, tzinfo=UTC)


def day(travel: dict[str, Any], loc: dict[str, Any] | None = None) -> Problem:
    """One engineer at the centre and two jobs either side of the river."""
    shift = {"start": DAY, "end": DAY.replace(hour=16)}
    return Problem.from_data(
        {
            "engineers": [
                {
                    "id": "van",
                    "start_location": loc or {"lat": 52.37, "lon": 4.90},
                    "shifts": [shift],
                }
            ],
            "jobs": [
                {"id": "south", "location": {"lat": 52.36, "lon": 4.88}, "duration_minutes": 30},
                {"id": "north", "location": {"lat": 52.39, "lon": 4.93}, "duration_minutes": 30},
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
    a, b = pm.job_point["south"], pm.job_point["north"]
    assert pm.matrices.size == 3
    assert (
        pm.distance(a, b)
        > 1.2
        * Haversine(detour_factor=1.0)
        .matrices(np.array([[52.36, 4.88], [52.39, 4.93]]))
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
    problem = day(travel, loc={"lat": 52.37, "lon": 4.9, "matrix_index": 0})
    with pytest.raises(InputError, match="matrix_file travel needs matrix_index"):
        problem_matrices(problem)  # the jobs have lat/lon only
    data = problem.model_dump()
    for k, job in enumerate(data["jobs"], start=1):
        job["location"] = {"matrix_index": k}
    pm = problem_matrices(Problem.from_data(data))
    assert pm.duration(pm.start_point["van"], pm.job_point["north"]) == 70
    assert pm.duration(pm.job_point["north"], pm.job_point["south"]) == 81


def test_road_travel_names_a_location_without_lat_lon() -> None:
    problem = day({"kind": "road_graph", "path": str(EXAMPLE)}, loc={"x": 1.0, "y": 2.0})
    with pytest.raises(InputError, match="road_graph travel needs lat/lon"):
        problem_matrices(problem)

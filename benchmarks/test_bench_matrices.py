"""Benchmarks of travel-matrix construction: haversine and the example road network.

Points are the jobs and engineer starts of the seeded day of each size. Run explicitly (see
benchmarks/README.md); the default test run only collects ``tests/``.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROADS, SIZES, day, day_points, measure
from pytest_benchmark.fixture import BenchmarkFixture

from dispatchopt.geo import Haversine, RoadGraph, TravelMatrices
from dispatchopt.geo.road_graph import load_road_graph


def _check(m: TravelMatrices, n: int) -> None:
    assert m.duration_s.shape == m.distance_m.shape == (n, n)
    assert not np.diag(m.distance_m).any()
    assert (m.distance_m[~np.eye(n, dtype=bool)] > 0).mean() > 0.99


@pytest.mark.parametrize("size", SIZES)
def test_haversine_matrices(benchmark: BenchmarkFixture, size: int) -> None:
    """``Haversine().matrices``: all pairs of points, vectorised great-circle distance."""
    points = day_points(size)

    m = measure(benchmark, size, Haversine().matrices, lambda: ((points,), {}))

    _check(m, len(points))


def test_road_graph_load(benchmark: BenchmarkFixture) -> None:
    """``RoadGraph.load`` of examples/roads/city_roads.geojson, uncached (``load_road_graph``
    remembers the graph per file, so later loads in one process cost nothing)."""
    benchmark.extra_info["size"] = "network"
    graph: RoadGraph = benchmark.pedantic(  # type: ignore[no-untyped-call]
        RoadGraph.load, args=(ROADS,), rounds=5, iterations=1
    )

    assert graph.graph.number_of_nodes() > 1000


@pytest.mark.parametrize("size", SIZES)
def test_road_graph_matrices(benchmark: BenchmarkFixture, size: int) -> None:
    """``RoadGraph.matrices``: snap every point to a junction, then one shortest-path tree per
    distinct junction (graph loaded once, outside the timing)."""
    graph = load_road_graph(ROADS)
    points = day_points(size)
    graph.matrices(points[:2])  # imports scipy once, outside the timings
    assert len(day(size).jobs) == size

    m = measure(benchmark, size, graph.matrices, lambda: ((points,), {}))

    _check(m, len(points))

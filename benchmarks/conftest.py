"""Shared inputs and settings for the pytest-benchmark suites in ``benchmarks/test_bench_*.py``.

Inputs are seeded service days from :func:`dispatchopt.scenarios.generate_day`, built once per
session and size, so only the operation under test is timed.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import ortools
import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from dispatchopt.models import Plan, Problem
from dispatchopt.scenarios import generate_day
from dispatchopt.solvers.engines.greedy import solve_greedy

ROOT = Path(__file__).resolve().parents[1]
ROADS = ROOT / "examples" / "roads" / "city_roads.geojson"

SIZES = (40, 400, 2000)
"""Jobs per day: small, medium, large (one engineer per ten jobs)."""

SEED = 0
LYON = (45.764, 4.8357)
"""Centre of the example road network, so the same days serve the road-graph benchmarks."""

# Rounds per size: the large cases take seconds each and the machine is shared, so they get
# few rounds and no warm-up; the small ones get enough rounds for a stable minimum.
ROUNDS = {40: 30, 400: 10, 2000: 3}
WARMUP = {40: 2, 400: 1, 2000: 0}


@cache
def day(size: int) -> Problem:
    """The seeded service day of ``size`` jobs and ``size // 10`` engineers, in Lyon."""
    return generate_day(size, max(1, size // 10), SEED, centre=LYON, timezone="Europe/Paris")


@cache
def greedy_plan(size: int) -> Plan:
    """The greedy baseline's plan for :func:`day` (tens of seconds at 2 000 jobs: built once)."""
    return solve_greedy(day(size))


def day_points(size: int) -> np.ndarray:
    """Lat/lon of every job and engineer start of :func:`day`, as a matrix build would see."""
    problem = day(size)
    places = [j.location for j in problem.jobs] + [e.start_location for e in problem.engineers]
    return np.array([(p.lat, p.lon) for p in places], dtype=np.float64)


def measure(
    benchmark: BenchmarkFixture,
    size: int,
    target: Callable[..., Any],
    setup: Callable[[], tuple[tuple[Any, ...], dict[str, Any]]] | None = None,
) -> Any:
    """Time ``target`` with the size's rounds; ``setup`` (untimed) makes fresh arguments."""
    benchmark.extra_info["size"] = size
    # pytest-benchmark ships without type hints.
    return benchmark.pedantic(  # type: ignore[no-untyped-call]
        target, setup=setup, rounds=ROUNDS[size], warmup_rounds=WARMUP[size], iterations=1
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def pytest_benchmark_update_machine_info(
    config: pytest.Config, machine_info: dict[str, Any]
) -> None:
    """Record what the timings depend on beside pytest-benchmark's own machine description."""
    import pydantic

    machine_info["cpu_model"] = _cpu_model()
    machine_info["cores_visible"] = os.cpu_count()
    machine_info["numpy"] = np.__version__
    machine_info["ortools"] = ortools.__version__
    machine_info["pydantic"] = pydantic.VERSION
    machine_info["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    machine_info["note"] = "2 cores shared with other work: timings are noisy"

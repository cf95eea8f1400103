"""Benchmark of the independent plan validator on the greedy baseline's plan of a seeded day.

Run explicitly (see benchmarks/README.md); the default test run only collects ``tests/``.
"""

from __future__ import annotations

import pytest
from conftest import SIZES, day, greedy_plan, measure
from pytest_benchmark.fixture import BenchmarkFixture

from dispatchopt.models import Violation
from dispatchopt.validate import validate


@pytest.mark.parametrize("size", SIZES)
def test_validate_greedy_plan(benchmark: BenchmarkFixture, size: int) -> None:
    """``validate`` replays every route (travel, windows, shifts, breaks, skills, parts) and
    accounts for every job; the greedy plan is built once, outside the timing."""
    problem, plan = day(size), greedy_plan(size)

    violations: list[Violation] = measure(benchmark, size, validate, lambda: ((problem, plan), {}))

    assert violations == []
    assert sum(len(r.stops) for r in plan.routes) > 0

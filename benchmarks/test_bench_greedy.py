"""Benchmark of the greedy baseline: the first plan every strategy starts from, so it must be
fast at every size (issue 16: under 5 s on a 5 000-job day).

Run explicitly (see benchmarks/README.md); the default test run only collects ``tests/``.
"""

from __future__ import annotations

import pytest
from conftest import SIZES, day, measure
from pytest_benchmark.fixture import BenchmarkFixture

from dispatchopt.models import Plan
from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.engines.greedy import plan_greedy


@pytest.mark.parametrize("size", SIZES)
def test_greedy_plan(benchmark: BenchmarkFixture, size: int) -> None:
    """``plan_greedy`` on the compiled day (compiled once, outside the timing)."""
    cp = compile_problem(day(size))

    plan: Plan = measure(benchmark, size, plan_greedy, lambda: ((cp,), {}))

    served = sum(len(r.jobs) for r in plan.routes)
    assert served + len(plan.unassigned) == size

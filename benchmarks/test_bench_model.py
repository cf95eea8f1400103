"""Benchmarks of readying a day for the search: parsing, compiling, building the OR-Tools model.

Run explicitly (see benchmarks/README.md); the default test run only collects ``tests/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import SIZES, day, measure
from pytest_benchmark.fixture import BenchmarkFixture

from dispatchopt.models import Problem
from dispatchopt.solvers.compiled import CompiledProblem, compile_problem
from dispatchopt.solvers.engines.ortools.model import RoutingBuild, build_routing_model


@pytest.mark.parametrize("size", SIZES)
def test_problem_from_json_dict(benchmark: BenchmarkFixture, size: int) -> None:
    """``Problem.model_validate`` of a JSON-shaped dict: what loading a problem file costs after
    the JSON parse (every job, shift, skill and window validated)."""
    raw: dict[str, Any] = day(size).model_dump(mode="json")

    problem = measure(benchmark, size, Problem.model_validate, lambda: ((raw,), {}))

    assert len(problem.jobs) == size
    assert problem.model_dump(mode="json") == raw


@pytest.mark.parametrize("size", SIZES)
def test_compile_problem(benchmark: BenchmarkFixture, size: int) -> None:
    """``compile_problem``: travel matrices, vehicles, per-job allowed engineers and windows as
    integer arrays (runs once before every search)."""
    problem = day(size)

    cp: CompiledProblem = measure(benchmark, size, compile_problem, lambda: ((problem,), {}))

    assert len(cp.jobs) + len(cp.rejected) == size
    assert len(cp.vehicles) == len(problem.engineers)


@pytest.mark.parametrize("size", SIZES)
def test_build_routing_model(benchmark: BenchmarkFixture, size: int) -> None:
    """``build_routing_model`` on a freshly compiled problem each round (its per-vehicle travel
    memo starts empty, as in a real solve): dimensions, windows, breaks, skills, disjunctions."""
    problem = day(size)

    latest: list[CompiledProblem] = []

    def fresh() -> tuple[tuple[CompiledProblem], dict[str, object]]:
        latest[:] = [compile_problem(problem)]
        return (latest[0],), {}

    build: RoutingBuild = measure(benchmark, size, build_routing_model, fresh)

    assert build.routing.vehicles() == len(problem.engineers)
    assert build.manager.GetNumberOfNodes() == latest[0].num_nodes

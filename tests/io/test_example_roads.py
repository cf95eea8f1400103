"""The example day on the shipped street network with rush hours plans from any folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dispatchopt.io import load_problem
from dispatchopt.solvers.engines.ortools import solve_ortools as solve
from dispatchopt.validate import validate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_road_day_matches_its_generator_and_plans_validly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = json.loads((EXAMPLES / "city_day.json").read_text())
    roads = json.loads((EXAMPLES / "city_day_roads.json").read_text())
    assert roads["jobs"] == day["jobs"] and roads["engineers"] == day["engineers"]
    assert roads["travel"]["kind"] == "road_graph"
    monkeypatch.chdir(tmp_path)  # the road file is found relative to the problem file
    problem = load_problem(EXAMPLES / "city_day_roads.json")
    assert os.path.isabs(problem.travel.path)  # type: ignore[union-attr]
    plan = solve(problem, time_limit=2)
    assert validate(problem, plan) == []
    assert plan.summary is not None and plan.summary.jobs_served >= 30

"""The shipped example: it loads, it is the day its generator makes, and it shows what it claims."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from dispatchopt.io import load_problem

EXAMPLES = Path(__file__).parents[2] / "examples"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_city_day", EXAMPLES / "make_city_day.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_city_day_is_what_its_seeded_generator_writes() -> None:
    shipped = json.loads((EXAMPLES / "city_day.json").read_text())
    assert generator().make_city_day(seed=7) == shipped


def test_city_day_is_a_busy_day_for_six_mixed_engineers() -> None:
    problem = load_problem(EXAMPLES / "city_day.json")
    assert len(problem.engineers) == 6
    assert 35 <= len(problem.jobs) <= 45
    assert problem.warnings() == []
    assert sum(j.priority > 0 for j in problem.jobs) >= 3
    assert sum(j.optional for j in problem.jobs) == 2
    senior_installers = [e.id for e in problem.engineers if e.skills.get("smart_home", 0) >= 3]
    assert senior_installers == ["driss"]
    assert all(s.breaks for e in problem.engineers if e.id != "farid" for s in e.shifts)
    assert all(
        j.time_windows[0].start.utcoffset().total_seconds() == 3600
        for j in problem.jobs
        if j.time_windows
    )

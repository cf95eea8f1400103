"""The shipped example: it loads, it is the day its generator makes, and it shows what it claims."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from dispatchopt import solve, validate
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


def test_crews_day_shows_a_crew_a_contractor_and_territories() -> None:
    problem = load_problem(EXAMPLES / "crews_day.json")
    assert problem.warnings() == []  # nobody of ours holds gas, but the contractor does
    plan = solve(problem, time_limit=2)
    assert validate(problem, plan) == []
    install = [s for r in plan.routes for s in r.jobs if s.job_id == "WO-2001-fridge_install"]
    assert len(install) == 2 and len({s.start for s in install}) == 1
    assert install[0].crew == install[1].crew and install[0].crew[0] == "lea"
    assert [(o.job_id, o.provider_id, o.fee) for o in plan.outsourced] == [
        ("WO-2008-gas_boiler", "rhone-services", 70.0)
    ]
    gas = [u for u in plan.unassigned if u.job_id == "WO-2009-gas_boiler"]
    assert [u.reason for u in gas] == ["no_engineer_with_skill"]  # its window closes before 12:00
    paul = [s.job_id for r in plan.routes if r.engineer_id == "paul" for s in r.jobs]
    assert all(problem.job_by_id[j].zone == "69007" for j in paul)

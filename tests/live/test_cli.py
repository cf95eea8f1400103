"""dispatchopt insert, slots and diff on files: the emergency day from test_insert."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dispatchopt.cli import app
from dispatchopt.io import read_plan, write_plan
from dispatchopt.models import Problem
from dispatchopt.validate import validate
from tests.live.days import THURSDAY, planned
from tests.live.test_insert import EMERGENCY, MID_VISIT_DAY

runner = CliRunner()
NOW = THURSDAY.at("10:05").isoformat()


def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    problem = tmp_path / "day.json"
    problem.write_text(MID_VISIT_DAY.model_dump_json(), encoding="utf-8")
    plan = tmp_path / "plan.json"
    write_plan(planned(MID_VISIT_DAY), plan)
    job = tmp_path / "job.json"
    job.write_text(EMERGENCY.model_dump_json(), encoding="utf-8")
    return problem, plan, job


def test_insert_writes_a_valid_plan_and_says_where_the_job_went(tmp_path: Path) -> None:
    problem, plan, job = files(tmp_path)
    out, grown = tmp_path / "new.json", tmp_path / "grown.json"
    args = ["insert", str(problem), str(plan), str(job), "--now", NOW, "--out", str(out)]
    result = runner.invoke(app, [*args, "--problem-out", str(grown)])
    assert result.exit_code == 0, result.output
    assert "gas_leak: ana at 2024-03-07T10:42:00+00:00" in result.output
    assert "+ gas_leak added" in result.output
    day = Problem.model_validate_json(grown.read_text(encoding="utf-8"))
    assert validate(day, read_plan(out)) == []
    diff = runner.invoke(app, ["diff", str(plan), str(out), "--json"])
    assert diff.exit_code == 0, diff.output
    assert json.loads(diff.output)["added"] == ["gas_leak"]


def test_slots_prints_a_ranked_table_or_json(tmp_path: Path) -> None:
    problem, plan, job = files(tmp_path)
    calm = tmp_path / "calm.json"
    calm.write_text(
        EMERGENCY.model_copy(update={"time_windows": []}).model_dump_json(), encoding="utf-8"
    )
    table = runner.invoke(app, ["slots", str(problem), str(plan), str(calm), "--now", NOW])
    assert table.exit_code == 0, table.output
    assert "slots for gas_leak" in table.output and "ana" in table.output
    raw = runner.invoke(app, ["slots", str(problem), str(plan), str(calm), "--now", NOW, "--json"])
    offers = json.loads(raw.output)
    assert offers and [o["added_cost"] for o in offers] == sorted(o["added_cost"] for o in offers)


def test_now_without_an_offset_is_a_clear_error(tmp_path: Path) -> None:
    problem, plan, job = files(tmp_path)
    args = ["insert", str(problem), str(plan), str(job), "--now", "2024-03-07T10:05"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert "offset" in result.output

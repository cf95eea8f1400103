"""The command line on small files: plan, validate, schema, and clear errors for bad input."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dispatchopt.cli import EXIT_MISSING_EXTRA, app
from tests.days import Day

DATA = Path(__file__).parent / "data"
runner = CliRunner()

DAY = Day(date(2026, 3, 10), tz=timezone(timedelta(hours=1)))


def two_jobs_one_engineer() -> dict[str, object]:
    """Ann fixes a fridge in the morning; a washer job needs a skill nobody has."""
    return {
        "name": "two jobs",
        "engineers": [
            {
                "id": "ann",
                "start_location": {"lat": 45.76, "lon": 4.83},
                "shifts": [
                    {"start": DAY.at("08:00").isoformat(), "end": DAY.at("17:00").isoformat()}
                ],
                "skills": {"fridge": 2},
            }
        ],
        "jobs": [
            {
                "id": "fridge-1",
                "location": {"lat": 45.75, "lon": 4.85},
                "duration_minutes": 45,
                "skills": [{"skill": "fridge"}],
                "time_windows": [
                    {"start": DAY.at("08:00").isoformat(), "end": DAY.at("12:00").isoformat()}
                ],
            },
            {
                "id": "washer-1",
                "location": {"lat": 45.77, "lon": 4.86},
                "duration_minutes": 30,
                "skills": [{"skill": "washer"}],
            },
        ],
    }


@pytest.fixture
def problem_file(tmp_path: Path) -> Path:
    path = tmp_path / "day.json"
    path.write_text(json.dumps(two_jobs_one_engineer()))
    return path


def test_plan_prints_routes_and_reasons_and_writes_the_plan(
    problem_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(problem_file), "--time-limit", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ann" in result.output and "fridge-1" in result.output
    assert "no_engineer_with_skill" in result.output
    plan = json.loads(out.read_text())
    assert [[s["job_id"] for s in r["stops"]] for r in plan["routes"]] == [["fridge-1"]]
    assert plan["routes"][0]["engineer_id"] == "ann"
    assert set(plan["routes"][0]["stops"][0]) >= {"job_id", "arrival", "start", "end"}
    assert plan["unassigned"][0]["job_id"] == "washer-1"
    assert plan["summary"]["jobs_served"] == 1


def test_greedy_plan_of_a_solomon_file_validates(tmp_path: Path) -> None:
    out = tmp_path / "c101.json"
    result = runner.invoke(
        app, ["plan", str(DATA / "C101.txt"), "--solver", "greedy", "--out", str(out), "--brief"]
    )
    assert result.exit_code == 0, result.output
    check = runner.invoke(app, ["validate", str(DATA / "C101.txt"), str(out)])
    assert check.exit_code == 0, check.output
    assert "valid" in check.output


def test_vrplib_file_plans_every_customer(tmp_path: Path) -> None:
    out = tmp_path / "head10.json"
    result = runner.invoke(
        app, ["plan", str(DATA / "C1_10_1_head10.vrp"), "-t", "1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    served = sorted(int(s["job_id"]) for r in plan["routes"] for s in r["stops"])
    assert served == list(range(1, 11))


def test_validate_exits_1_and_names_the_broken_rule(problem_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert runner.invoke(app, ["plan", str(problem_file), "-t", "1", "-o", str(out)]).exit_code == 0
    plan = json.loads(out.read_text())
    stop = plan["routes"][0]["stops"][0]
    # Start the fridge job at 12:30, after its 08:00-12:00 window closed.
    stop["start"], stop["end"] = DAY.at("12:30").isoformat(), DAY.at("13:15").isoformat()
    out.write_text(json.dumps(plan))
    result = runner.invoke(app, ["validate", str(problem_file), str(out)])
    assert result.exit_code == 1
    assert "time_window" in result.output and "fridge-1" in result.output


def test_schema_is_the_problem_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert {"jobs", "engineers", "travel", "objective"} <= set(schema["properties"])


def test_bad_field_exits_2_naming_field_and_value(tmp_path: Path) -> None:
    data = two_jobs_one_engineer()
    data["jobs"][0]["duration_minutes"] = -15  # type: ignore[index]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["plan", str(path), "-t", "1"])
    assert result.exit_code == 2
    assert "jobs[0].duration_minutes" in result.output and "-15" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"jobs": [', "not JSON"),
        ("just some notes\n", "cannot tell the format"),
    ],
)
def test_unreadable_file_exits_2_without_traceback(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "input.dat"
    path.write_text(content)
    result = runner.invoke(app, ["plan", str(path)])
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_missing_plan_file_exits_2(problem_file: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(problem_file), str(tmp_path / "none.json")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_plan_writes_a_schedule_per_engineer(problem_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "schedules"
    result = runner.invoke(app, ["plan", str(problem_file), "-t", "1", "--schedules", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["ann.csv", "ann.html"]
    header, fridge = (folder / "ann.csv").read_text().splitlines()
    assert header.startswith("order,job,customer,address,arrive,start,end,promised window")
    assert fridge.startswith("1,fridge-1,") and "08:00-12:00" in fridge


def test_plan_prints_the_date_and_zone_and_the_promised_window(problem_file: Path) -> None:
    result = runner.invoke(app, ["plan", str(problem_file), "-t", "1"])
    assert result.exit_code == 0, result.output
    assert "Tuesday 10 March 2026, times in UTC+01:00" in result.output
    assert "08:00-12:00" in next(line for line in result.output.splitlines() if "fridge-1" in line)


def test_plot_without_matplotlib_exits_4_before_solving(
    problem_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dispatchopt.solvers as engine

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved although the pictures cannot be drawn")

    monkeypatch.setattr(engine, "solve", never)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = runner.invoke(app, ["plan", str(problem_file), "--plot", str(tmp_path / "pics")])
    assert result.exit_code == EXIT_MISSING_EXTRA == 4, result.output
    assert result.output.strip() == (
        "error: --plot needs matplotlib: pip install 'dispatchopt[plot]'"
    )

"""The main CLI's ticket commands: the import -> plan --db -> dispatch -> re-plan round trip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dispatchopt.cli import app

DATA = Path(__file__).parent / "lifecycle" / "data"


def _plan_day(runner: CliRunner, db: str, out: Path) -> dict[str, Any]:
    """Plan 2026-03-02 from ``db`` for one second; the plan JSON it wrote."""
    result = runner.invoke(
        app,
        ["plan", "--db", db, "--date", "2026-03-02", "--time-limit", "1", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    plan: dict[str, Any] = json.loads(out.read_text())
    return plan


def test_plan_from_db_round_trip_keeps_dispatched_ticket(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "day.db")
    imported = runner.invoke(app, ["tickets", "import", str(DATA / "day.json"), "--db", db])
    assert imported.exit_code == 0, imported.output
    plan1 = _plan_day(runner, db, tmp_path / "p1.json")
    stop = plan1["routes"][0]["stops"][0]
    dispatched = runner.invoke(app, ["tickets", "do", stop["job_id"], "dispatch", "--db", db])
    assert dispatched.exit_code == 0, dispatched.output
    plan2 = _plan_day(runner, db, tmp_path / "p2.json")
    again = [
        (r["engineer_id"], s["start"])
        for r in plan2["routes"]
        for s in r["stops"]
        if s["job_id"] == stop["job_id"]
    ]
    assert again == [(plan1["routes"][0]["engineer_id"], stop["start"])]
    shown = runner.invoke(app, ["tickets", "show", stop["job_id"], "--db", db])
    assert shown.exit_code == 0 and "dispatched" in shown.output


def test_plan_needs_input_or_db() -> None:
    result = CliRunner().invoke(app, ["plan"])
    assert result.exit_code == 2
    assert "INPUT" in result.output and "Traceback" not in result.output


def test_plan_from_db_writes_schedules_headed_with_the_stores_day(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "day.db")
    assert (
        runner.invoke(app, ["tickets", "import", str(DATA / "day.json"), "--db", db]).exit_code == 0
    )
    folder = tmp_path / "schedules"
    result = runner.invoke(
        app,
        ["plan", "--db", db, "--date", "2026-03-02", "-t", "1", "--schedules", str(folder)],
    )
    assert result.exit_code == 0, result.output
    assert "Monday 2 March 2026, times in" in result.output
    pages = sorted(folder.glob("*.html"))
    assert pages and len(pages) == len(list(folder.glob("*.csv")))
    assert "Monday 2 March 2026" in pages[0].read_text(encoding="utf-8")

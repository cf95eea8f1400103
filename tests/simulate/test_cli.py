"""The typer command functions the root CLI wires as ``simulate`` and ``scenario``."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from dispatchopt.simulate.cli import scenario_cli, simulate_cli

app = typer.Typer()
app.command("simulate")(simulate_cli)
app.command("scenario")(scenario_cli)
runner = CliRunner()


def test_generate_then_simulate_from_the_command_line(tmp_path) -> None:
    day = tmp_path / "day.json"
    made = runner.invoke(app, ["scenario", str(day), "--size", "15", "--engineers", "3"])
    assert made.exit_code == 0, made.output
    assert "15 jobs, 3 engineers" in made.output
    out = tmp_path / "out"
    run = runner.invoke(
        app, ["simulate", str(day), "--policy", "greedy", "--out", str(out), "--no-plots"]
    )
    assert run.exit_code == 0, run.output
    assert "first_time_fix" in run.output
    assert sorted(p.name for p in out.iterdir()) == ["kpis.csv", "kpis.md"]


def test_a_bad_policy_is_a_clean_input_error(tmp_path) -> None:
    day = tmp_path / "day.json"
    runner.invoke(app, ["scenario", str(day), "--named", "quiet_tuesday"])
    run = runner.invoke(app, ["simulate", str(day), "--policy", "fastest", "--out", str(tmp_path)])
    assert run.exit_code == 2
    assert "unknown policy" in run.output


def test_the_live_policy_runs_beside_greedy_and_both_report_appointments(tmp_path) -> None:
    day = tmp_path / "day.json"
    runner.invoke(app, ["scenario", str(day), "--size", "15", "--engineers", "3"])
    out = tmp_path / "out"
    run = runner.invoke(
        app,
        ["simulate", str(day), "-p", "live:240", "-p", "greedy", "-t", "0.3", "-o", str(out)]
        + ["--no-plots"],
    )
    assert run.exit_code == 0, run.output
    table = (out / "kpis.md").read_text(encoding="utf-8")
    assert "| KPI | live:240 | greedy |" in table
    for kpi in ("appointments", "appointments_moved", "appointments_reassigned"):
        assert f"| {kpi} |" in table
    assert "| appointments_broken |" in table

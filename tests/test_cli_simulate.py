"""The main CLI's picture and simulation commands: plan --plot, scenario, simulate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dispatchopt.cli import EXIT_MISSING_EXTRA, app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_plan_writes_a_route_map_and_a_gantt_chart(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["plan", str(EXAMPLES / "city_day.json"), "-t", "1", "--brief", "--plot", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    for name in ("routes.png", "gantt.png"):
        picture = tmp_path / name
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and picture.stat().st_size > 10_000


def test_scenario_then_simulate_compares_policies(tmp_path: Path) -> None:
    runner = CliRunner()
    day = tmp_path / "day.json"
    made = runner.invoke(app, ["scenario", str(day), "--size", "20", "--engineers", "3"])
    assert made.exit_code == 0, made.output
    ran = runner.invoke(
        app,
        [
            "simulate",
            str(day),
            "--policy",
            "greedy",
            "--policy",
            "batch",
            "-t",
            "0.5",
            "--out",
            str(tmp_path / "sim"),
            "--no-plots",
        ],
    )
    assert ran.exit_code == 0, ran.output
    table = (tmp_path / "sim" / "kpis.csv").read_text()
    assert "greedy" in table and "batch" in table


def test_an_unexpected_failure_is_reported_as_a_bug_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dispatchopt.solvers as engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "solve", broken)
    result = CliRunner().invoke(app, ["plan", str(EXAMPLES / "city_day.json"), "-t", "1"])
    assert result.exit_code == 3
    assert "internal error (RuntimeError: boom)" in result.output
    assert "Traceback" not in result.output


def test_simulate_without_matplotlib_exits_4_before_simulating(tmp_path: Path) -> None:
    """In a fresh interpreter where matplotlib cannot be imported (whether or not it is
    installed here): one line, exit code 4, no traceback, nothing simulated."""
    day = tmp_path / "day.json"
    made = CliRunner().invoke(app, ["scenario", str(day), "--size", "5", "--engineers", "1"])
    assert made.exit_code == 0, made.output
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import dispatchopt.simulate.compare as compare\n"
        "def never(*a, **k): raise AssertionError('simulated without its pictures')\n"
        "compare.simulate_command = never\n"
        "from dispatchopt.cli import main\n"
        f"sys.argv = ['dispatchopt', 'simulate', {str(day)!r}, '--out', {str(tmp_path)!r}]\n"
        "main()\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ran.returncode == EXIT_MISSING_EXTRA == 4, ran.stderr
    assert ran.stderr.strip() == (
        "error: simulate --plots needs matplotlib: pip install 'dispatchopt[plot]' (or --no-plots)"
    )
    assert "Traceback" not in ran.stderr + ran.stdout


def test_both_command_modules_give_a_missing_extra_the_same_code() -> None:
    from dispatchopt.simulate import cli as simulate_cli

    assert simulate_cli.EXIT_MISSING_EXTRA == EXIT_MISSING_EXTRA

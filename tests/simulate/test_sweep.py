"""Scenario sweeps: the seeds asked for, every (policy, seed) run, and the spread of each KPI."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from dispatchopt.errors import InputError
from dispatchopt.scenarios import generate_scenario
from dispatchopt.simulate.cli import simulate_cli
from dispatchopt.simulate.kpis import Kpis
from dispatchopt.simulate.sweep import (
    SweepRun,
    parse_seeds,
    run_sweep,
    spreads,
    to_csv,
    to_markdown,
)


def _run(policy: str, seed: int, served: int, ftf: float = math.nan) -> SweepRun:
    kpis = Kpis(policy=policy, jobs=100, served=served, unserved=100 - served, cancelled=0)
    kpis.first_time_fix = ftf
    return SweepRun(policy, seed, kpis)


def _figures(run: SweepRun) -> tuple[int, dict[str, float | int | str]]:
    """A run's seed and KPIs, less the solve time (the clock's, not the day's)."""
    row = run.kpis.row()
    row.pop("solve_seconds")
    return run.seed, row


def test_seeds_are_ranges_and_lists() -> None:
    assert parse_seeds("1-5") == [1, 2, 3, 4, 5]
    assert parse_seeds("7") == [7]
    assert parse_seeds("1,3,10-12") == [1, 3, 10, 11, 12]
    with pytest.raises(InputError):
        parse_seeds("5-1")
    with pytest.raises(InputError):
        parse_seeds("many")


def test_mean_p5_and_p95_of_known_numbers() -> None:
    # served 1..100: mean 50.5; numpy's linear percentiles 5.95 and 95.05.
    runs = [_run("batch", s, s) for s in range(1, 101)] + [_run("greedy", 1, 10)]
    table = {(s.policy, s.kpi): s for s in spreads(runs)}
    served = table[("batch", "served")]
    assert (served.runs, served.mean) == (100, 50.5)
    assert served.p5 == pytest.approx(5.95) and served.p95 == pytest.approx(95.05)
    assert table[("greedy", "served")].mean == table[("greedy", "served")].p95 == 10
    assert table[("batch", "jobs")].p5 == 100


def test_runs_without_a_figure_are_left_out_of_its_spread() -> None:
    runs = [_run("batch", 1, 50, 0.5), _run("batch", 2, 60), _run("batch", 3, 70, 1.0)]
    ftf = next(s for s in spreads(runs) if s.kpi == "first_time_fix")
    assert (ftf.runs, ftf.mean) == (2, 0.75)


def test_the_tables_show_every_policy_and_kpi() -> None:
    table = spreads([_run("batch", 1, 40), _run("greedy", 1, 30)])
    assert "batch,served,1,40.0,40.0,40.0" in to_csv(table)
    markdown = to_markdown(table)
    assert markdown.startswith("| KPI | batch | greedy |")
    assert "| served | 40 (40-40) | 30 (30-30) |" in markdown


def test_a_sweep_on_threads_gives_the_sweep_in_turn() -> None:
    day = generate_scenario(12, 2, 4)
    alone = run_sweep(day, ["greedy"], [1, 2, 3])
    with ThreadPoolExecutor(2) as pool:
        threaded = run_sweep(day, ["greedy"], [1, 2, 3], executor=pool)
    assert [_figures(r) for r in threaded] == [_figures(r) for r in alone]
    assert len({r.kpis.row()["travel_km"] for r in alone}) > 1  # each seed is other luck


def test_simulate_with_seeds_writes_the_sweep(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command("simulate")(simulate_cli)
    app.command("other")(lambda: None)
    day = tmp_path / "day.json"
    generate_scenario(12, 2, 4).save(day)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["simulate", str(day), "-p", "greedy", "--seeds", "1-3", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "sweep.csv",
        "sweep.md",
        "sweep.png",
        "sweep_runs.csv",
    ]
    assert "greedy,served,3," in (out / "sweep.csv").read_text(encoding="utf-8")
    chart = (out / "sweep.png").read_bytes()
    assert chart[:8] == b"\x89PNG\r\n\x1a\n" and len(chart) > 10_000

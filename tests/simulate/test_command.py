"""``simulate_command``: what ``dispatchopt simulate`` runs, end to end on a tiny generated day."""

from __future__ import annotations

import io

from rich.console import Console

from dispatchopt.scenarios import generate_scenario
from dispatchopt.simulate import compute_kpis, parse_policy, simulate, simulate_command


def test_the_command_writes_tables_and_pictures_per_policy(tmp_path) -> None:
    path = tmp_path / "day.json"
    generate_scenario(20, 3, seed=1).save(path)
    out = tmp_path / "out"
    console = Console(file=io.StringIO(), width=120)
    table = simulate_command(
        path, ["greedy", "rolling:240"], out, seed=0, time_limit=0.3, console=console
    )
    assert [k.policy for k in table] == ["greedy", "rolling:240"]
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["kpis.csv", "kpis.md", "kpis.png"]
        + [f"{kind}_{p}.png" for kind in ("routes", "gantt") for p in ("greedy", "rolling_240")]
    )
    assert all((out / n).stat().st_size > 5000 for n in names if n.endswith(".png"))
    assert "rolling:240" in console.file.getvalue()
    assert (out / "kpis.csv").read_text().count("\n") == 3


def test_real_solver_rolling_serves_the_calls_the_overnight_plan_cannot_know() -> None:
    day = generate_scenario(20, 3, seed=1, overnight_share=0.5)
    batch = compute_kpis(simulate(day, parse_policy("batch", time_limit=0.3)))
    rolling = compute_kpis(simulate(day, parse_policy("rolling:120", time_limit=0.3)))
    assert rolling.served > batch.served

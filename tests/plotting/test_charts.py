"""The pictures: a route map, a Gantt chart and a KPI chart land as real PNG files."""

from __future__ import annotations

import pytest

from dispatchopt.errors import InputError
from dispatchopt.models import Plan
from dispatchopt.plotting import plot_gantt, plot_kpis, plot_routes
from dispatchopt.scenarios import generate_scenario
from dispatchopt.simulate import GreedyNearest, compute_kpis, simulate

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def small_day():
    day = generate_scenario(25, 4, seed=2)
    return day, simulate(day, GreedyNearest())


def _is_png(path, min_bytes: int = 8000) -> bool:
    data = path.read_bytes()
    return data.startswith(PNG) and len(data) > min_bytes


def test_route_map_and_gantt_of_a_simulated_day(small_day, tmp_path) -> None:
    day, result = small_day
    assert result.plan.routes and result.plan.unassigned
    assert _is_png(plot_routes(day.problem, result.plan, tmp_path / "maps" / "routes.png"))
    assert _is_png(plot_gantt(day.problem, result.plan, tmp_path / "gantt.png"))


def test_an_empty_plan_still_draws(small_day, tmp_path) -> None:
    day, _ = small_day
    assert _is_png(plot_gantt(day.problem, Plan(), tmp_path / "g.png"), min_bytes=2000)
    assert _is_png(plot_routes(day.problem, Plan(), tmp_path / "r.png"), min_bytes=2000)


def test_kpi_chart_from_kpis_or_plain_rows(small_day, tmp_path) -> None:
    _, result = small_day
    kpis = compute_kpis(result)
    assert _is_png(plot_kpis([kpis], tmp_path / "k.png"))
    rows = [{"policy": "a", "cost": 10.0, "served": 3}, {"policy": "b", "cost": 12.0, "served": 4}]
    assert _is_png(plot_kpis(rows, tmp_path / "k2.png", kpis=["cost", "served"]), min_bytes=4000)
    with pytest.raises(InputError, match="table"):
        plot_kpis([], tmp_path / "none.png")

"""The dispatcher's board as HTML: what it shows, and that it needs nothing from the network."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dispatchopt.board import render_board, street_segments, write_board
from dispatchopt.cli import app
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers import solve
from dispatchopt.validate import validate
from tests.days import Day, ada_and_bob

WEDNESDAY = Day(date(2026, 3, 11))


def tiny_wednesday() -> Problem:
    """The two-engineer, four-job day, on a Wednesday."""
    return ada_and_bob(WEDNESDAY, name="Tiny Wednesday")


def long_job_short_shift() -> Problem:
    """cy works 08:00-09:00 with two hours' overtime allowed; the one job takes an hour 10 km
    out, so cy gets home after the shift."""
    d = WEDNESDAY
    return d.problem(
        [d.job("LONG", 10, 0, minutes=60)],
        [d.engineer("cy", 0, 0, shift=("08:00", "09:00"), overtime_minutes=120)],
    )


@pytest.fixture(scope="module")
def tiny() -> tuple[Problem, Plan]:
    problem = tiny_wednesday()
    plan = solve(problem, time_limit=0.5)
    assert validate(problem, plan) == []
    return problem, plan


def test_the_board_shows_every_engineer_job_reason_and_kpi(tiny: tuple[Problem, Plan]) -> None:
    problem, plan = tiny
    page = render_board(problem, plan)
    assert page.startswith("<!doctype html>") and "<h1>Tiny Wednesday</h1>" in page
    for engineer in ("ada", "bob"):
        assert f'<g class="row" data-engineer="{engineer}">' in page  # Gantt row
        assert f'<g class="route" data-engineer="{engineer}">' in page  # map route
    for stop in (s for r in plan.routes for s in r.stops):
        assert f">{stop.job_id}</text></svg>" in page  # the id on its work bar
    assert "<td>FAR</td><td>outside_all_shifts</td>" in page
    assert "<b>3 / 4</b><span>jobs served</span>" in page
    assert page.count('class="bar break"') == sum(len(r.breaks) for r in plan.routes)
    numbers = re.findall(r'<g class="stop"><circle [^>]*/><text [^>]*>(\d+)</text>', page)
    assert sorted(numbers) == sorted(
        str(i) for r in plan.routes for i in range(1, len(r.stops) + 1)
    )


def test_the_board_is_one_file_that_needs_no_network(tiny: tuple[Problem, Plan]) -> None:
    page = render_board(*tiny)
    assert "<link" not in page and " src=" not in page and "@import" not in page
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}
    assert page.count("<script>") == 1  # the inline hover highlight, nothing loaded


def test_overtime_is_drawn_past_the_shift() -> None:
    problem = long_job_short_shift()
    plan = solve(problem, time_limit=0.3)
    assert validate(problem, plan) == [] and plan.route_of("LONG") is not None
    page = render_board(problem, plan)
    assert page.count('class="bar overtime"') == 1
    assert re.search(r"overtime: \d+ min", page)


def test_a_matrix_day_has_no_map_but_still_a_gantt() -> None:
    d = WEDNESDAY
    problem = Problem.from_data(
        {
            "jobs": [{**d.job("M1", 0), "location": {"matrix_index": 1}}],
            "engineers": [{**d.engineer("mo"), "start_location": {"matrix_index": 0}}],
            "travel": {"kind": "matrix", "durations_s": [[0, 600], [600, 0]]},
        }
    )
    plan = solve(problem, time_limit=0.3)
    page = render_board(problem, plan)
    assert "No map: the problem gives no coordinates" in page
    assert '<g class="row" data-engineer="mo">' in page


def _square_town(tmp_path: Path) -> Path:
    """Four streets round a 1 km block in Lyon (a GeoJSON road network)."""
    lat, lon, d = 45.75, 4.85, 0.009
    corners = [(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d)]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [a, b]},
            "properties": {"road_class": "residential"},
        }
        for a, b in zip(corners, corners[1:] + corners[:1], strict=True)
    ]
    path = tmp_path / "block.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_the_street_network_is_drawn_when_the_day_travels_on_it(tmp_path: Path) -> None:
    d = WEDNESDAY
    problem = Problem.from_data(
        {
            "jobs": [{**d.job("R1", 0), "location": {"lat": 45.759, "lon": 4.859}}],
            "engineers": [{**d.engineer("rue"), "start_location": {"lat": 45.75, "lon": 4.85}}],
            "travel": {"kind": "road_graph", "path": str(_square_town(tmp_path))},
        }
    )
    assert len(street_segments(problem)) == 4  # two-way streets drawn once
    page = render_board(problem, solve(problem, time_limit=0.3))
    streets = re.search(r'<path class="streets" d="([^"]+)"', page)
    assert streets is not None and streets.group(1).count("M") == 4
    assert street_segments(tiny_wednesday()) == []


def test_plan_html_writes_the_board(tmp_path: Path) -> None:
    problem_file = tmp_path / "wednesday.json"
    problem_file.write_text(tiny_wednesday().model_dump_json(), encoding="utf-8")
    out = tmp_path / "boards" / "day.html"
    result = CliRunner().invoke(
        app, ["plan", str(problem_file), "--time-limit", "1", "--brief", "--html", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "board written to" in result.output
    page = out.read_text(encoding="utf-8")
    assert '<g class="row" data-engineer="ada">' in page and "FAR" in page


def test_write_board_creates_the_folder(tiny: tuple[Problem, Plan], tmp_path: Path) -> None:
    path = write_board(*tiny, tmp_path / "a" / "b.html", title="Wednesday board")
    assert "<h1>Wednesday board</h1>" in path.read_text(encoding="utf-8")

"""The readable plan summary and the live progress display."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console
from tests.days import Day

from dispatchopt.io.report import live_progress, print_plan, print_violations
from dispatchopt.models import BreakTaken, Plan, Route, Rule, Stop, Unassigned, Violation
from dispatchopt.solvers.progress import SolveProgress

DAY = Day(date(2026, 3, 10))


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120, color_system=None), out


def morning_plan() -> Plan:
    """Ann drives 10 min to a boiler, works 45 min, lunches after 12:00; one job left out."""
    stop = Stop(
        job_id="boiler",
        arrival=DAY.at("08:10"),
        start=DAY.at("08:10"),
        end=DAY.at("08:55"),
        travel_s=600,
        distance_m=4200,
    )
    route = Route(
        engineer_id="ann",
        departure=DAY.at("08:00"),
        arrival=DAY.at("09:05"),
        stops=[stop],
        breaks=[BreakTaken(start=DAY.at("12:00"), end=DAY.at("12:30"))],
        return_travel_s=600,
        return_distance_m=4200,
    )
    left = Unassigned(
        job_id="aircon-9",
        reason="no_engineer_with_skill",
        detail="no engineer has the skills it needs (aircon>=3)",
    )
    return Plan(routes=[route], unassigned=[left])


def test_route_table_lists_stop_times_break_and_way_home() -> None:
    con, out = console()
    print_plan(morning_plan(), con)
    text = out.getvalue()
    lines = text.splitlines()
    stop_line = next(line for line in lines if "boiler" in line)
    assert "08:10" in stop_line and "08:55" in stop_line and "10 min" in stop_line
    assert text.index("(home)") < text.index("(break)")  # lunch is taken at home, after 12:00
    assert "12:00" in next(line for line in lines if "(break)" in line)
    assert "aircon-9" in text and "no_engineer_with_skill" in text


def test_violations_are_listed_one_per_line() -> None:
    con, out = console()
    print_violations(
        [
            Violation(
                rule=Rule.TIME_WINDOW,
                message="starts 30 min late",
                job_id="boiler",
                engineer_id="ann",
            )
        ],
        con,
    )
    assert "1 violation(s)" in out.getvalue()
    assert "[time_window] job boiler, engineer ann: starts 30 min late" in out.getvalue()


def test_progress_shows_the_best_objective_reported() -> None:
    out = io.StringIO()
    con = Console(file=out, width=120, force_terminal=True, color_system=None)
    with live_progress(con, time_limit_s=5.0) as report:
        report(SolveProgress(elapsed_s=1.5, time_limit_s=5.0, objective=1234.0, solutions=3))
        con.print("tick")  # forces a render while the bar is live
    assert "best 1,234 (3 solutions)" in out.getvalue()

"""The readable plan summary and the live progress display."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from rich.console import Console
from tests.days import Day
from tests.io.scenarios import paris_plan, paris_problem

from dispatchopt.io.report import live_progress, print_plan, print_violations
from dispatchopt.models import (
    BreakTaken,
    Plan,
    Route,
    Rule,
    Stop,
    Unassigned,
    Violation,
)
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


def printed(plan: Plan, *, width: int = 120, **options: Any) -> str:
    out = io.StringIO()
    print_plan(plan, Console(file=out, width=width, color_system=None), **options)
    return out.getvalue()


def line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


def test_heading_names_the_date_and_the_zone_with_its_summer_offset() -> None:
    text = printed(paris_plan(), problem=paris_problem())
    assert text.splitlines()[0] == "Tuesday 2 June 2026, times in Europe/Paris (+02:00)"


def test_heading_without_the_problem_gives_the_plans_offset() -> None:
    assert printed(morning_plan()).splitlines()[0] == "Tuesday 10 March 2026, times in UTC+00:00"


def test_the_promised_window_the_start_falls_in_is_printed_beside_it() -> None:
    text = printed(paris_plan(), problem=paris_problem())
    assert "14:00-16:00" in line_with(text, "boiler")
    assert "10:00-12:00" not in line_with(text, "boiler")


def test_a_start_outside_every_window_is_marked_outside() -> None:
    text = printed(paris_plan(boiler_start="12:30"), problem=paris_problem(), width=160)
    assert "outside 10:00-12:00 or 14:00-16:00" in line_with(text, "boiler")


def test_late_sla_visits_are_flagged_per_stop_and_counted_in_the_totals() -> None:
    text = printed(paris_plan(), problem=paris_problem())
    assert "14:00" in line_with(text, "leak") and "LATE 74 min" in line_with(text, "leak")
    assert "LATE 120 min" in line_with(text, "fridge")
    assert "2 LATE" in line_with(text, "dora:")
    assert "SLA: 2 of 2 SLA visits start LATE (worst 120 min)" in text


def test_late_flag_is_red_on_a_colour_terminal() -> None:
    out = io.StringIO()
    con = Console(file=out, width=160, force_terminal=True, color_system="standard")
    print_plan(paris_plan(), con, problem=paris_problem())
    late = line_with(out.getvalue(), "LATE 74 min")
    assert "\x1b[1;31mLATE 74 min" in late


def test_a_pickup_stop_says_what_is_collected_where() -> None:
    text = printed(paris_plan(), problem=paris_problem())
    assert "pickup at DEPOT-1: 1x compressor-A" in text


def test_customer_and_address_are_printed_with_the_stop() -> None:
    text = printed(paris_plan(), problem=paris_problem())
    lines = text.splitlines()
    below = lines[lines.index(line_with(text, "boiler")) + 1]
    assert "Mme Roux, 3 rue Cler, 75007 Paris" in below


def test_customer_from_the_problem_when_an_older_plan_has_none() -> None:
    plan = paris_plan()
    bare = plan.routes[0].stops[1].model_copy(update={"customer": None, "address": None})
    old = plan.model_copy(update={"routes": [plan.routes[0].model_copy(update={"stops": [bare]})]})
    assert "Mme Roux" in printed(old, problem=paris_problem())


def test_brief_prints_one_line_per_engineer_with_its_late_count() -> None:
    text = printed(paris_plan(), problem=paris_problem(), brief=True)
    assert "dora: 4 stops" in text and "2 LATE" in line_with(text, "dora:")
    assert "boiler" not in text


def test_markup_in_a_customer_name_is_printed_as_text() -> None:
    plan = paris_plan()
    odd = plan.routes[0].stops[1].model_copy(update={"customer": "[bold]Acme[/bold]"})
    route = plan.routes[0].model_copy(update={"stops": [odd]})
    assert "[bold]Acme[/bold]" in printed(plan.model_copy(update={"routes": [route]}))

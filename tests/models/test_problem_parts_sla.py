"""Problem with parts, depots and SLA tiers: cross-reference checks and the solver's helpers."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dispatchopt.errors import InputError
from dispatchopt.models import Job, Problem
from tests.days import Day

BERLIN = ZoneInfo("Europe/Berlin")
DAY = Day(date(2026, 6, 12), tz=BERLIN)


def service_day() -> dict[str, Any]:
    """Friday 12 June 2026 in Berlin: one engineer, a north depot, an urgent fridge repair."""
    return {
        "travel": {"kind": "euclidean"},
        "engineers": [
            {
                "id": "ana",
                "start_location": {"x": 0, "y": 0},
                "shifts": [
                    {"start": DAY.at("08:00").isoformat(), "end": DAY.at("18:00").isoformat()}
                ],
                "van_stock": {"belt": 2},
            }
        ],
        "jobs": [
            {
                "id": "fridge",
                "location": {"x": 5, "y": 0},
                "duration_minutes": 60,
                "parts": [{"sku": "compressor"}],
                "sla_tier": "urgent",
                "sla": {"started_at": DAY.at("16:30").isoformat()},
            },
            {
                "id": "washer",
                "location": {"x": 0, "y": 5},
                "duration_minutes": 30,
                "parts": [{"sku": "belt"}],
            },
        ],
        "parts": [{"sku": "compressor", "name": "fridge compressor"}, {"sku": "belt"}],
        "depots": [
            {
                "id": "north",
                "location": {"x": 0, "y": 10},
                "opening_hours": [
                    {"start": DAY.at("08:00").isoformat(), "end": DAY.at("17:00").isoformat()}
                ],
                "stock": {"belt": 4},
            }
        ],
        "part_arrivals": [
            {
                "sku": "compressor",
                "quantity": 1,
                "depot_id": "north",
                "expected_at": DAY.at("14:00").isoformat(),
            }
        ],
        "sla_policies": [
            {
                "name": "urgent-4h",
                "stages": [{"name": "on_site", "target_minutes": 240}],
            }
        ],
        "sla_tiers": {"urgent": "urgent-4h"},
        "sla_mode": {"kind": "hard"},
        "calendar": {"time_zone": "Europe/Berlin", "holiday_country": "DE"},
    }


def test_problems_without_parts_or_sla_still_validate_with_empty_defaults() -> None:
    data = service_day()
    for key in (
        "parts",
        "depots",
        "part_arrivals",
        "sla_policies",
        "sla_tiers",
        "sla_mode",
        "calendar",
    ):
        data.pop(key)
    for job in data["jobs"]:
        job.pop("parts"), job.pop("sla", None), job.pop("sla_tier", None)
    data["engineers"][0].pop("van_stock")
    problem = Problem.from_data(data)
    assert problem.depots == [] and problem.calendar is None
    assert problem.sla_mode.kind == "soft"
    job = problem.jobs[0]
    assert job.parts == [] and job.sla is None and job.sla_tier is None
    assert problem.engineers[0].van_stock == {}
    assert problem.sla_deadline(job) is None
    assert problem.earliest_parts_ready(job) is None


def test_urgent_friday_1630_job_is_due_on_site_monday_1030() -> None:
    problem = Problem.from_data(service_day())
    fridge = problem.job_by_id["fridge"]
    assert problem.sla_deadline(fridge) == datetime(2026, 6, 15, 10, 30, tzinfo=BERLIN)
    assert problem.sla_due(fridge, "on_site") == problem.sla_deadline(fridge)
    assert problem.sla_policy_for(fridge) == problem.sla_policies[0]
    assert problem.sla_deadline(problem.job_by_id["washer"]) is None


def test_helpers_for_the_solver_find_the_compressor_arriving_at_1400() -> None:
    problem = Problem.from_data(service_day())
    assert problem.earliest_parts_ready(problem.job_by_id["fridge"]) == datetime(
        2026, 6, 12, 14, tzinfo=BERLIN
    )
    readiness = problem.parts_readiness(problem.job_by_id["washer"])
    assert readiness.ready_at is None
    assert tuple(readiness.skus[0].source or ()) == ("van", "ana")
    assert problem.depot_by_id["north"].stock == {"belt": 4}
    assert problem.part_by_sku["compressor"].name == "fridge compressor"
    assert problem.warnings() == []


def test_problem_round_trips_through_json() -> None:
    problem = Problem.from_data(service_day())
    assert Problem.model_validate_json(problem.model_dump_json()) == problem


def _errors(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as info:
        Problem.from_data(data)
    return [f"{field}: {message}" for field, _, message in info.value.errors]


def test_unknown_skus_depots_tiers_and_policies_are_named_by_field() -> None:
    data = service_day()
    data["jobs"][0]["parts"].append({"sku": "hinge"})
    data["engineers"][0]["van_stock"]["gasket"] = 1
    data["depots"][0]["stock"]["door"] = 2
    data["part_arrivals"].append(
        {
            "sku": "lamp",
            "quantity": 1,
            "depot_id": "south",
            "expected_at": DAY.at("09:00").isoformat(),
        }
    )
    data["sla_tiers"]["low"] = "best-effort"
    data["jobs"][1]["sla_tier"] = "gold"
    assert _errors(data) == [
        "depots[0].stock.door: unknown sku 'door'",
        "engineers[0].van_stock.gasket: unknown sku 'gasket'",
        "jobs[0].parts[1].sku: unknown sku 'hinge'",
        "part_arrivals[1].sku: unknown sku 'lamp'",
        "part_arrivals[1].depot_id: unknown depot id 'south'",
        "sla_tiers.low: unknown policy name 'best-effort'",
        "jobs[1].sla_tier: unknown tier 'gold'",
    ]


def test_negative_stock_duplicates_and_missing_calendar_are_rejected() -> None:
    data = service_day()
    data["engineers"][0]["van_stock"]["belt"] = -1
    data["parts"].append({"sku": "belt"})
    data["depots"].append(dict(data["depots"][0]))
    data["sla_policies"].append(data["sla_policies"][0])
    data.pop("calendar")
    errors = _errors(data)
    assert "engineers[0].van_stock.belt: negative stock (-1)" in errors
    assert "parts[2].sku: duplicate sku 'belt' (also parts[1])" in errors
    assert "depots[1].id: duplicate depot id 'north' (also depots[0])" in errors
    assert (
        "sla_policies[1].name: duplicate policy name 'urgent-4h' (also sla_policies[0])" in errors
    )
    assert "sla_policies[0].stages[0].clock: business time needs the problem's calendar" in errors


def test_negative_depot_stock_and_clock_without_tier_are_rejected() -> None:
    data = service_day()
    data["depots"][0]["stock"]["belt"] = -2
    assert any("depots[0]" in e and "negative stock (-2)" in e for e in _errors(data))
    data = service_day()
    del data["jobs"][0]["sla_tier"]
    assert _errors(data) == ["jobs[0].sla_tier: a job with an SLA clock needs a tier"]


def test_depot_location_must_suit_the_travel_settings() -> None:
    data = service_day()
    data["depots"][0]["location"] = {"lat": 48.1, "lon": 11.6}
    assert _errors(data) == ["depots[0].location: euclidean travel needs x/y"]


def test_warnings_flag_parts_nowhere_to_be_had_and_tiers_without_clock() -> None:
    data = service_day()
    data["part_arrivals"] = []
    data["jobs"][1]["sla_tier"] = "urgent"
    warnings = Problem.from_data(data).warnings()
    assert warnings == [
        "jobs[0] (fridge): part 'compressor' is nowhere in stock or expected",
        "jobs[1] (washer): tier 'urgent' but no SLA clock (sla)",
    ]


def test_job_keeps_working_without_any_of_the_new_fields() -> None:
    job = Job(id="j", location={"x": 0, "y": 0}, duration_minutes=5)  # type: ignore[arg-type]
    assert job.parts == [] and job.sla is None


def test_the_domain_model_imports_without_ortools() -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    code = (
        "import sys, types\n"
        "sys.modules['ortools'] = None\n"
        # Skip the package root, which also loads the solvers.
        f"pkg = types.ModuleType('dispatchopt'); pkg.__path__ = [{str(src / 'dispatchopt')!r}]\n"
        "sys.modules['dispatchopt'] = pkg\n"
        "import dispatchopt.models as m\n"
        "assert m.Problem and m.sla_due and m.BusinessCalendar and m.Depot\n"
        "assert not any(k.startswith('ortools') and sys.modules[k] for k in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

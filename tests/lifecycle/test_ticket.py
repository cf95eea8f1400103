"""A ticket carries every field of the job it becomes: the store plans what the JSON plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dispatchopt.lifecycle import Ticket, TicketSpec, open_store
from dispatchopt.lifecycle.importing import ImportBatch, import_batch
from dispatchopt.lifecycle.planning import day_problem, plannable_tickets
from dispatchopt.models import Job

from .conftest import DAY, at, engineer


def rich_job() -> dict[str, Any]:
    """A job using every optional field: parts, an SLA clock, a soft window, preferences."""
    return {
        "id": "J1",
        "location": {"lat": 52.37, "lon": 4.89},
        "duration_minutes": 40,
        "duration_by_level": {"2": 30},
        "time_windows": [{"start": at("08:00").isoformat(), "end": at("17:00").isoformat()}],
        "soft_window": {
            "start": at("09:00").isoformat(),
            "end": at("12:00").isoformat(),
            "late_cost_per_hour": 20,
        },
        "earliest_start": at("08:30").isoformat(),
        "priority": 3,
        "skills": [{"skill": "boiler", "level": 1}],
        "preferred_engineers": ["e1"],
        "excluded_engineers": ["e2"],
        "demand": 2,
        "parts": [{"sku": "PUMP-7", "quantity": 1}],
        "tools": ["ladder"],
        "sla": {"started_at": at("07:00").isoformat()},
        "sla_tier": "gold",
    }


def test_every_job_field_has_a_ticket_field() -> None:
    assert set(Job.model_fields) - {"lock"} <= set(TicketSpec.model_fields)


def test_a_rich_job_imported_then_planned_is_the_same_job(tmp_path: Path) -> None:
    expected = Job.model_validate({**rich_job(), "customer": "Jansen"})
    batch = ImportBatch.model_validate(
        {
            "tickets": [{**rich_job(), "state": "ready", "customer": "Jansen"}],
            "engineers": [
                {**engineer("e1").model_dump(mode="json"), "van_stock": {"PUMP-7": 1}},
                engineer("e2").model_dump(mode="json"),
            ],
            "stock": {"PUMP-7": 4},
            "planning": {
                "parts": [{"sku": "PUMP-7", "name": "pump"}],
                "depots": [{"id": "hub", "location": {"lat": 52.3, "lon": 4.9}}],
                "sla_policies": [
                    {
                        "name": "4h",
                        "stages": [
                            {"name": "on_site", "target_minutes": 240, "clock": "wall_clock"}
                        ],
                    }
                ],
                "sla_tiers": {"gold": "4h"},
            },
        }
    )
    with open_store(tmp_path / "d.db") as store:
        import_batch(store, batch, actor="test")
        read = plannable_tickets(store.tickets(), DAY.date)
        day = day_problem(
            read, store.engineers(), DAY.date, planning=store.settings(), stock=store.all_stock()
        )
    assert day.skipped == {}
    assert day.problem.jobs == [expected]
    assert day.problem.depot_by_id["hub"].stock == {"PUMP-7": 4}  # the store's shelf
    assert day.problem.sla_deadline(expected) == at("11:00")


def test_the_ticket_json_round_trips_every_field() -> None:
    spec = TicketSpec.model_validate({**rich_job(), "customer": "Jansen"})
    ticket = Ticket.model_validate({**spec.model_dump(), "version": 1})
    again = Ticket.model_validate_json(ticket.model_dump_json())
    assert again == ticket and again.to_job() == Job.model_validate(
        {**rich_job(), "customer": "Jansen"}
    )

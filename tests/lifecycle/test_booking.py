"""Booking a new ticket into an offered slot from the store, and re-planning that keeps it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dispatchopt.errors import InputError
from dispatchopt.lifecycle import MarkReady, TicketState, Triage, open_store
from dispatchopt.lifecycle.booking import book_ticket, ticket_offers
from dispatchopt.lifecycle.cli import replan_from_db
from dispatchopt.live import Disruption

from .conftest import at, spec
from .test_cli import DATA, DAY, FakeSolver, cli


def _day_with_a_new_call(tmp_path: Path) -> str:
    """The six tickets of day.json scheduled, and T7 (a boiler service, any time) ready."""
    db = str(tmp_path / "d.db")
    cli("import", str(DATA / "day.json"), "--db", db)
    replan_from_db(db, DAY, 1.0, solve=FakeSolver())
    with open_store(db) as store:
        store.create_ticket(
            spec("T7", lon=4.90, skills=[{"skill": "boiler", "level": 1}]),
            actor="phone",
            then=[Triage(), MarkReady()],
        )
    return db


def _schedule(db: str) -> dict[str, tuple[object, object]]:
    with open_store(db) as store:
        return {t.id: (t.engineer_id, t.start) for t in store.tickets([TicketState.SCHEDULED])}


def test_customer_wants_the_afternoon_booked_into_the_offered_slot_others_untouched(
    tmp_path: Path,
) -> None:
    db = _day_with_a_new_call(tmp_path)
    before = _schedule(db)
    now = at("07:00")
    with open_store(db) as store:
        offers = ticket_offers(store, "T7", DAY, now=now).offers
        assert offers, "an empty-ish day has room"
        costs = [o.added_cost for o in offers]
        assert costs == sorted(costs)
        afternoon = next(k for k, o in enumerate(offers, 1) if o.window.start >= at("12:00"))
        ticket, offer = book_ticket(store, "T7", DAY, afternoon, now=now, actor="phone")
    assert ticket.state is TicketState.SCHEDULED
    assert ticket.appointment == offer.window
    assert ticket.engineer_id == offer.engineer_id
    assert ticket.start is not None and offer.window.contains(ticket.start)
    after = _schedule(db)
    assert {k: v for k, v in after.items() if k != "T7"} == before  # nobody else moved


def test_a_slot_not_offered_is_a_clean_input_error(tmp_path: Path) -> None:
    db = _day_with_a_new_call(tmp_path)
    with open_store(db) as store, pytest.raises(InputError, match="slot"):
        book_ticket(store, "T7", DAY, 99, now=at("07:00"))


def test_only_a_ready_ticket_is_offered_slots(tmp_path: Path) -> None:
    db = _day_with_a_new_call(tmp_path)
    with open_store(db) as store, pytest.raises(InputError, match="only a ready ticket"):
        ticket_offers(store, "T1", DAY, now=at("07:00"))


def test_plan_with_the_disruption_settings_keeps_the_booked_appointment(tmp_path: Path) -> None:
    db = _day_with_a_new_call(tmp_path)
    with open_store(db) as store:
        ticket, offer = book_ticket(store, "T7", DAY, 1, now=at("07:00"))
    result = replan_from_db(db, DAY, 2.0, disruption=Disruption(), now=at("07:00"))
    assert any("keeping its appointments" in line for line in result.log)
    with open_store(db) as store:
        again = store.get("T7")
    assert again.state is TicketState.SCHEDULED
    assert again.start is not None and offer.window.contains(again.start)


def test_the_cli_lists_slots_and_books_one(tmp_path: Path) -> None:
    db = _day_with_a_new_call(tmp_path)
    now = at("07:00").isoformat()
    listed = json.loads(
        cli("slots", "T7", "--date", DAY.isoformat(), "--db", db, "--now", now, "--json")
    )
    assert listed and {"window", "engineer_id", "added_cost", "start"} <= set(listed[0])
    table = cli("slots", "T7", "--date", DAY.isoformat(), "--db", db, "--now", now)
    assert "slot" in table and listed[0]["engineer_id"] in table
    out = cli("book", "T7", "--date", DAY.isoformat(), "--slot", "1", "--db", db, "--now", now)
    assert "T7: booked" in out
    with open_store(db) as store:
        assert store.get("T7").engineer_id == listed[0]["engineer_id"]

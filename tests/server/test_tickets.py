"""Tickets over HTTP: import a day, read a ticket with its log, move it through its lifecycle."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
AMSTERDAM_DAY = ROOT / "tests" / "lifecycle" / "data" / "day.json"
"""The lifecycle tests' Monday in Amsterdam: ready boiler tickets, engineers and stock."""


def test_import_show_and_commands(client: httpx.Client) -> None:
    batch = json.loads(AMSTERDAM_DAY.read_text(encoding="utf-8"))
    imported = client.post("/v1/tickets/import", json=batch)
    assert imported.status_code == 201, imported.text
    ids = imported.json()["tickets"]
    assert ids == [t["id"] for t in batch["tickets"]]
    again = client.post("/v1/tickets/import", json=batch)  # all or nothing: a duplicate id
    assert again.status_code == 409 and "already exists" in again.json()["detail"]

    listed = client.get("/v1/tickets", params={"state": "ready"}).json()
    assert {t["id"] for t in listed} == {t["id"] for t in batch["tickets"] if t["state"] == "ready"}

    first = ids[0]
    shown = client.get(f"/v1/tickets/{first}").json()
    assert shown["ticket"]["state"] == "ready"
    assert [e["command"] for e in shown["events"]] == ["create", "triage", "mark_ready"]

    engineer = batch["engineers"][0]["id"]
    start = batch["tickets"][0]["time_windows"][0]["start"]
    moved = client.post(
        f"/v1/tickets/{first}/commands",
        json={"command": "schedule", "args": {"engineer_id": engineer, "start": start}},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["state"] == "scheduled" and moved.json()["engineer_id"] == engineer

    illegal = client.post(
        f"/v1/tickets/{first}/commands",
        json={"command": "resolve", "args": {"first_time_fix": True}},
    )
    assert illegal.status_code == 409
    assert illegal.headers["content-type"] == "application/problem+json"
    stale = client.post(
        f"/v1/tickets/{first}/commands", json={"command": "dispatch", "expected_version": 1}
    )
    assert stale.status_code == 409
    bad = client.post(f"/v1/tickets/{first}/commands", json={"command": "fly"})
    assert bad.status_code == 422 and bad.json()["field"]
    assert client.get("/v1/tickets/GHOST").status_code == 404

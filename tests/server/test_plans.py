"""Plans over HTTP: solve and poll, validate, explain, and live dispatch on a done plan."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from dispatchopt.models import Plan, Problem
from dispatchopt.validate import validate
from tests.server.live import TUESDAY, tiny_tuesday, wait_done


@pytest.fixture(scope="module")
def planned(server: Any) -> dict[str, Any]:
    """The tiny Tuesday, planned once for the module (1 s search)."""
    with server.client() as client:
        answer = client.post("/v1/plans", json={"problem": tiny_tuesday(), "time_limit": 1})
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert answer.headers["location"] == f"/v1/plans/{body['id']}" == body["location"]
        return wait_done(client, body["id"])


def test_a_plan_round_trip_serves_or_explains_every_job(planned: dict[str, Any]) -> None:
    assert planned["status"] == "done", planned
    problem = Problem.from_data(tiny_tuesday())
    plan = Plan.model_validate(planned["plan"])
    assert validate(problem, plan) == []
    served = {s.job_id for r in plan.routes for s in r.jobs}
    left = {u.job_id: u.reason for u in plan.unassigned}
    assert served | set(left) == {"J1", "J2", "J3", "FAR"} and not served & set(left)
    assert "FAR" in left
    assert planned["progress"]["fraction"] == 1.0
    assert planned["links"]["board"] == f"/board/{planned['id']}"


def test_validate_answers_the_validators_violations(
    client: httpx.Client, planned: dict[str, Any]
) -> None:
    ok = client.post("/v1/validate", json={"problem": tiny_tuesday(), "plan": planned["plan"]})
    assert ok.status_code == 200 and ok.json() == {"valid": True, "violations": []}
    broken = dict(planned["plan"])
    route = dict(broken["routes"][0])
    route["stops"] = [*route["stops"], dict(route["stops"][0])]  # one job served twice
    broken["routes"] = [route, *broken["routes"][1:]]
    bad = client.post("/v1/validate", json={"problem": tiny_tuesday(), "plan": broken})
    assert bad.status_code == 200
    assert bad.json()["valid"] is False and bad.json()["violations"]


def test_explain_breaks_the_objective_down(client: httpx.Client, planned: dict[str, Any]) -> None:
    answer = client.get(f"/v1/plans/{planned['id']}/explain", params={"budget": 0.5})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == pytest.approx(sum(body["by_term"].values()))
    assert {u["job_id"] for u in body["plan"]["unassigned"]} == {"FAR"}


def test_insert_adds_a_job_as_a_new_plan(client: httpx.Client, planned: dict[str, Any]) -> None:
    job = TUESDAY.job("NEW", 2, 2)
    answer = client.post(
        f"/v1/plans/{planned['id']}/insert",
        json={"job": job, "now": TUESDAY.at("08:00").isoformat(), "time_limit": 0.5},
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "done" and body["parent_id"] == planned["id"]
    assert answer.headers["location"] == f"/v1/plans/{body['id']}"
    plan = Plan.model_validate(body["plan"])
    assert plan.route_of("NEW") is not None or "NEW" in {u.job_id for u in plan.unassigned}
    # The new plan is stored: it can be fetched and planned on again.
    assert client.get(f"/v1/plans/{body['id']}").json()["plan"] == body["plan"]


def test_slots_offer_windows_and_accepting_one_books_it(
    client: httpx.Client, planned: dict[str, Any]
) -> None:
    job = TUESDAY.job("CALL", 3, 0)
    now = TUESDAY.at("08:00").isoformat()
    answer = client.post(
        f"/v1/plans/{planned['id']}/slots", json={"job": job, "now": now, "time_limit": 1}
    )
    assert answer.status_code == 200, answer.text
    offers = answer.json()["offers"]
    assert offers, "the tiny day has room for a 30-minute call"
    booked = client.post(
        f"/v1/plans/{planned['id']}/slots/accept",
        json={"job": job, "offer": offers[0], "now": now, "time_limit": 0.5},
    )
    assert booked.status_code == 201, booked.text
    plan = Plan.model_validate(booked.json()["plan"])
    stop = next(s for r in plan.routes for s in r.jobs if s.job_id == "CALL")
    window = offers[0]["window"]
    lo, hi = (datetime.fromisoformat(window[k]) for k in ("start", "end"))
    assert lo <= stop.start <= hi


def test_events_queue_a_replan_of_the_changed_day(
    client: httpx.Client, planned: dict[str, Any]
) -> None:
    served = Plan.model_validate(planned["plan"]).routes[0].jobs[0].job_id
    answer = client.post(
        f"/v1/plans/{planned['id']}/events",
        json={
            "events": [{"kind": "cancelled", "job_id": served}],
            "now": TUESDAY.at("08:00").isoformat(),
            "time_limit": 1,
        },
    )
    assert answer.status_code == 202, answer.text
    replanned = wait_done(client, answer.json()["id"])
    assert replanned["status"] == "done", replanned
    assert replanned["kind"] == "replan" and replanned["parent_id"] == planned["id"]
    plan = Plan.model_validate(replanned["plan"])
    jobs = {s.job_id for r in plan.routes for s in r.jobs} | {u.job_id for u in plan.unassigned}
    assert served not in jobs and jobs == {"J1", "J2", "J3", "FAR"} - {served}


def test_the_board_of_a_done_plan_is_one_page_naming_every_engineer(
    client: httpx.Client, planned: dict[str, Any]
) -> None:
    page = client.get(f"/board/{planned['id']}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for name in ("ada", "bob", "FAR", "outside_all_shifts"):
        assert name in page.text


def test_health_and_openapi(client: httpx.Client) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["capacity"] == 6
    doc = client.get("/openapi.json").json()
    assert {"/v1/plans", "/v1/plans/{plan_id}", "/v1/validate", "/board/{plan_id}"} <= set(
        doc["paths"]
    )
    schemas = doc["components"]["schemas"]
    assert {"PlanRequest", "Problem", "Job", "PlanStatus", "EventsRequest"} <= set(schemas)
    body = doc["paths"]["/v1/plans"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/PlanRequest"}

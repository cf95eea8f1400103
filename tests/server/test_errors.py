"""Every error class over HTTP: a problem document naming the field, never a traceback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from dispatchopt.server.service import Service
from tests.server.live import TUESDAY, as_json, busy_tuesday, tiny_tuesday

PROBLEM_JSON = "application/problem+json"


def _problem(answer: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = answer.json()
    assert body["type"] == f"urn:dispatchopt:problem:{slug}"
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in answer.text
    return body


def _with_travel(travel: dict[str, Any]) -> dict[str, Any]:
    """The tiny Tuesday in Lyon (lat/lon) travelling by ``travel``."""
    problem = {**tiny_tuesday(), "travel": travel}
    for job in problem["jobs"]:
        job["location"] = {"lat": 45.76, "lon": 4.84}
    for engineer in problem["engineers"]:
        engineer["start_location"] = {"lat": 45.75, "lon": 4.85}
    return {"problem": problem}


def test_malformed_json_is_a_400_naming_the_body(client: httpx.Client) -> None:
    answer = client.post(
        "/v1/plans", content=b'{"problem": ', headers={"content-type": "application/json"}
    )
    body = _problem(answer, 400, "malformed-body")
    assert body["field"] == "body" and "not JSON" in body["detail"]


@pytest.mark.parametrize("raw", [b"NaN", b'{"time_limit": Infinity}', b"\xff\xfe"])
def test_non_finite_numbers_and_non_utf8_are_malformed(client: httpx.Client, raw: bytes) -> None:
    _problem(client.post("/v1/plans", content=raw), 400, "malformed-body")


def test_a_bad_field_gets_the_clis_message_naming_it(client: httpx.Client) -> None:
    request = {"problem": tiny_tuesday()}
    request["problem"]["jobs"][0]["duration_minutes"] = -5
    body = _problem(client.post("/v1/plans", json=request), 422, "invalid-input")
    assert body["field"] == "problem.jobs[0].duration_minutes"
    assert body["errors"][0]["value"] == -5


def test_cross_field_errors_are_unpacked_into_their_fields(client: httpx.Client) -> None:
    request = {"problem": tiny_tuesday()}
    request["problem"]["jobs"][0]["after"] = ["GHOST"]
    request["problem"]["jobs"][1]["required_engineers"] = ["nobody"]
    body = _problem(client.post("/v1/plans", json=request), 422, "invalid-input")
    fields = {e["field"] for e in body["errors"]}
    assert {"problem.jobs[0].after", "problem.jobs[1].required_engineers"} <= fields
    assert "unknown job id 'GHOST'" in body["detail"]


def test_an_unknown_request_field_is_named(client: httpx.Client) -> None:
    body = _problem(
        client.post("/v1/plans", json={"problem": tiny_tuesday(), "timelimit": 1}),
        422,
        "invalid-input",
    )
    assert body["field"] == "timelimit"


def test_a_body_over_the_limit_is_a_413(client: httpx.Client) -> None:
    big = b'{"problem": {"name": "' + b"x" * 300_000 + b'"}}'
    _problem(client.post("/v1/plans", content=big), 413, "body-too-large")


def test_a_streamed_body_over_the_limit_is_a_413(client: httpx.Client) -> None:
    def chunks() -> Any:
        for _ in range(30):
            yield b" " * 10_000  # no Content-Length: chunked

    _problem(client.post("/v1/plans", content=chunks()), 413, "body-too-large")


def test_too_many_jobs_or_engineers_is_a_413_naming_the_list(client: httpx.Client) -> None:
    request = {"problem": tiny_tuesday()}
    request["problem"]["jobs"] = [TUESDAY.job(f"J{i}", i % 10, 0) for i in range(41)]
    body = _problem(client.post("/v1/plans", json=request), 413, "too-many-jobs")
    assert body["field"] == "problem.jobs" and body["errors"][0]["value"] == 41
    request = {"problem": tiny_tuesday()}
    request["problem"]["engineers"] = [as_json(TUESDAY.engineer(f"e{i}")) for i in range(6)]
    body = _problem(client.post("/v1/plans", json=request), 413, "too-many-engineers")
    assert body["field"] == "problem.engineers"


def test_a_time_limit_over_the_cap_is_a_422(client: httpx.Client) -> None:
    answer = client.post("/v1/plans", json={"problem": tiny_tuesday(), "time_limit": 600})
    body = _problem(answer, 422, "time-limit-too-long")
    assert body["field"] == "time_limit" and "5.0 s" in body["detail"]


@pytest.mark.parametrize(
    ("travel", "field"),
    [
        ({"kind": "road_graph", "path": "/etc/passwd"}, "problem.travel.path"),
        ({"kind": "matrix_file", "path": "/etc/shadow.json"}, "problem.travel.path"),
        (
            {"kind": "osrm", "base_url": "http://osrm:5000", "cache_dir": "/srv"},
            "problem.travel.cache_dir",
        ),
    ],
)
def test_a_problem_may_not_name_server_files(
    client: httpx.Client, travel: dict[str, Any], field: str
) -> None:
    request = _with_travel(travel)
    body = _problem(client.post("/v1/plans", json=request), 422, "forbidden-source")
    assert body["field"] == field


def test_a_problem_may_not_call_hosts_outside_the_allow_list(client: httpx.Client) -> None:
    request = _with_travel({"kind": "osrm", "base_url": "http://169.254.169.254/latest"})
    body = _problem(client.post("/v1/plans", json=request), 422, "forbidden-source")
    assert body["field"] == "problem.travel.base_url"
    assert "allow-list" in body["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/plans/no-such-plan"),
        ("GET", "/board/no-such-plan"),
        ("GET", "/v1/plans/no-such-plan/explain"),
        ("GET", "/v1/tickets/no-such-ticket"),
        ("GET", "/no/such/route"),
    ],
)
def test_unknown_ids_and_paths_are_404s(client: httpx.Client, method: str, path: str) -> None:
    _problem(client.request(method, path), 404, "not-found")


def test_live_dispatch_on_an_unknown_plan_is_a_404(client: httpx.Client) -> None:
    job = TUESDAY.job("NEW", 1, 1)
    answer = client.post(
        "/v1/plans/nope/insert", json={"job": job, "now": TUESDAY.at("08:00").isoformat()}
    )
    _problem(answer, 404, "not-found")


def test_an_unexpected_exception_is_a_bare_500_and_is_logged(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Service, plan_id: str) -> Any:
        raise RuntimeError("secret detail of the server's insides")

    monkeypatch.setattr(Service, "record", broken)
    with caplog.at_level("ERROR", logger="dispatchopt.server"):
        answer = client.get("/v1/plans/anything")
    body = _problem(answer, 500, "internal")
    assert "secret" not in answer.text
    assert body["detail"].startswith("an unexpected error occurred")
    assert any("unexpected error" in r.getMessage() for r in caplog.records)


def test_a_bad_query_parameter_is_a_422_naming_it(client: httpx.Client) -> None:
    body = _problem(client.get("/v1/plans/any/explain?budget=-1"), 422, "invalid-input")
    assert body["field"] == "query.budget"


def test_a_wrong_method_is_a_405_problem(client: httpx.Client) -> None:
    _problem(client.delete("/v1/plans"), 405, "method-not-allowed")


def test_a_plan_still_solving_has_a_waiting_board_and_no_explanation_yet(
    client: httpx.Client,
) -> None:
    request = {"problem": busy_tuesday(), "time_limit": 1.0}
    plan_id = client.post("/v1/plans", json=request).json()["id"]
    board = client.get(f"/board/{plan_id}")
    assert board.status_code == 202 and 'http-equiv="refresh"' in board.text
    body = _problem(client.get(f"/v1/plans/{plan_id}/explain"), 409, "plan-not-done")
    assert plan_id in body["detail"]

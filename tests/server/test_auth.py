"""The API key: every path but the health check needs ``X-API-Key`` when a key is set."""

from __future__ import annotations

from pathlib import Path

from dispatchopt.server import ServerSettings
from dispatchopt.server.security import key_matches
from tests.server.live import serving, tiny_tuesday


def test_without_the_right_key_every_request_is_a_401_before_its_body_is_read(
    tmp_path: Path,
) -> None:
    settings = ServerSettings(db=str(tmp_path / "auth.db"), api_key="s3cret-key")
    with serving(settings) as server:
        for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}):
            with server.client(**headers) as client:
                answer = client.post("/v1/plans", json={"problem": tiny_tuesday()})
                assert answer.status_code == 401, headers
                assert answer.headers["content-type"] == "application/problem+json"
                assert answer.json()["type"] == "urn:dispatchopt:problem:unauthorized"
                assert client.get("/openapi.json").status_code == 401
                assert client.get("/healthz").status_code == 200
        with server.client(**{"X-API-Key": "s3cret-key"}) as client:
            empty: dict[str, list[object]] = {"routes": [], "unassigned": []}
            answer = client.post("/v1/validate", json={"problem": tiny_tuesday(), "plan": empty})
            assert answer.status_code == 200 and answer.json()["valid"] is False
            assert client.get("/openapi.json").status_code == 200
            assert client.get("/v1/plans/unknown").status_code == 404  # past the key check


def test_keys_are_compared_exactly() -> None:
    assert key_matches("abc", "abc")
    assert not key_matches("abd", "abc") and not key_matches(None, "abc")
    assert not key_matches("abc ", "abc") and not key_matches("ab", "abc")

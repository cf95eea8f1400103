"""The service on PostgreSQL (by URL): a plan round trip and a restart, on a throwaway cluster
(skips where PostgreSQL is not installed, as the store tests do)."""

from __future__ import annotations

from dispatchopt.server import ServerSettings
from tests.lifecycle.conftest import pg_server, pg_url  # noqa: F401 - the fixtures
from tests.server.live import serving, tiny_tuesday, wait_done


def test_plans_live_in_postgresql_and_survive_a_restart(pg_url: str) -> None:  # noqa: F811
    settings = ServerSettings(db=pg_url, workers=1, queue=1)
    with serving(settings) as server, server.client() as client:
        answer = client.post("/v1/plans", json={"problem": tiny_tuesday(), "time_limit": 0.5})
        assert answer.status_code == 202, answer.text
        done = wait_done(client, answer.json()["id"])
        assert done["status"] == "done", done
    with serving(settings) as server, server.client() as client:
        assert client.get(f"/v1/plans/{done['id']}").json()["plan"] == done["plan"]

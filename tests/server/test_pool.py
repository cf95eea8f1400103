"""The bounded solve pool over HTTP: a burst is answered 202 or 429 (never dropped), every
accepted plan finishes, and a restart keeps the plans (unfinished ones are marked failed)."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

from dispatchopt.lifecycle.store import ServicePlan, open_store
from dispatchopt.server import ServerSettings
from dispatchopt.server.runner import LOST_REASON, STOPPED_REASON
from tests.server.live import busy_tuesday, serving, wait_done


def _settings(db: Path, workers: int, queue: int) -> ServerSettings:
    return ServerSettings(db=str(db), workers=workers, queue=queue, max_time_limit=5)


def test_a_burst_of_20_is_answered_202_or_429_and_every_accepted_plan_finishes(
    tmp_path: Path,
) -> None:
    request = {"problem": busy_tuesday(), "time_limit": 1.0}
    with serving(_settings(tmp_path / "burst.db", workers=2, queue=3)) as server:

        def post(_: int) -> httpx.Response:
            with server.client() as client:
                return client.post("/v1/plans", json=request)

        with ThreadPoolExecutor(20) as burst:
            answers = list(burst.map(post, range(20)))
        codes = sorted(a.status_code for a in answers)
        assert set(codes) <= {202, 429}, codes
        accepted = [a.json()["id"] for a in answers if a.status_code == 202]
        refused = [a for a in answers if a.status_code == 429]
        # At most workers + queue are held at once; the 30-job solves take their whole second,
        # so the burst (sent in well under that) fills the pool and the rest is refused.
        assert 5 <= len(accepted) <= 20 and refused, codes
        for answer in refused:
            assert int(answer.headers["retry-after"]) >= 1
            assert answer.headers["content-type"] == "application/problem+json"
        with server.client() as client:
            finished = [wait_done(client, plan_id) for plan_id in accepted]
            assert [f["status"] for f in finished] == ["done"] * len(accepted)
            assert client.get("/healthz").json()["in_flight"] == 0
            # Once the pool is free again a refused request is accepted.
            quick = {**request, "time_limit": 0.2}
            assert client.post("/v1/plans", json=quick).status_code == 202


def test_a_restart_keeps_done_plans_and_fails_the_unfinished_with_a_reason(
    tmp_path: Path,
) -> None:
    db = tmp_path / "restart.db"
    request = {"problem": busy_tuesday(), "time_limit": 0.3}
    with serving(_settings(db, workers=1, queue=3)) as server, server.client() as client:
        done_id = client.post("/v1/plans", json=request).json()["id"]
        done = wait_done(client, done_id)
        assert done["status"] == "done"
        # Each later solve takes its whole 1.5 s, so the stop comes long before the last of
        # them could have started, however fast the machine.
        slow = {**request, "time_limit": 1.5}
        later = [client.post("/v1/plans", json=slow).json()["id"] for _ in range(4)]
    # Stopped at once: solves already handed to the worker process finished (the first, and
    # those in the pool's call queue), the one still waiting in the server was failed.
    with serving(_settings(db, workers=1, queue=3)) as server, server.client() as client:
        again = client.get(f"/v1/plans/{done_id}").json()
        assert again["status"] == "done" and again["plan"] == done["plan"]
        outcomes = [client.get(f"/v1/plans/{plan_id}").json() for plan_id in later]
        assert outcomes[0]["status"] == "done"
        stopped = [o for o in outcomes if o["status"] == "failed"]
        assert stopped
        assert all(o["error"] == STOPPED_REASON for o in stopped)
        assert {o["status"] for o in outcomes} <= {"done", "failed"}
        assert client.get(f"/board/{done_id}").status_code == 200


def test_plans_a_killed_server_left_unfinished_are_failed_at_the_next_start(
    tmp_path: Path,
) -> None:
    db = tmp_path / "killed.db"
    moment = datetime.now(UTC)
    with open_store(str(db)) as store:
        for plan_id, status in (("was-queued", "queued"), ("was-running", "running")):
            store.add_service_plan(
                ServicePlan(
                    id=plan_id,
                    kind="solve",
                    status=status,
                    problem="{}",
                    created_at=moment,
                    updated_at=moment,
                )
            )
    with serving(_settings(db, workers=1, queue=1)) as server, server.client() as client:
        for plan_id in ("was-queued", "was-running"):
            body = client.get(f"/v1/plans/{plan_id}").json()
            assert body["status"] == "failed" and body["error"] == STOPPED_REASON


def test_a_worker_that_dies_fails_its_plan_with_a_reason_and_the_pool_comes_back(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path / "killed-worker.db", workers=1, queue=1)
    with serving(settings) as server, server.client() as client:
        doomed = client.post("/v1/plans", json={"problem": busy_tuesday(), "time_limit": 2})
        plan_id = doomed.json()["id"]
        deadline = time.monotonic() + 10
        while client.get(f"/v1/plans/{plan_id}").json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        executor = server.app.state.service.runner._executor
        for pid in list(executor._processes):  # the one worker, mid-solve (out of memory)
            os.kill(pid, signal.SIGKILL)
        lost = wait_done(client, plan_id)
        assert lost["status"] == "failed" and lost["error"] == LOST_REASON
        again = client.post("/v1/plans", json={"problem": busy_tuesday(), "time_limit": 0.3})
        assert again.status_code == 202
        assert wait_done(client, again.json()["id"])["status"] == "done"

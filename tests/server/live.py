"""A real uvicorn serving the app on 127.0.0.1 (a free port) in a thread, and the small named
days the service tests plan."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
import uvicorn

from dispatchopt.server import ServerSettings, create_app
from tests.days import Day, ada_and_bob

TUESDAY = Day(date(2026, 3, 10))
"""The service tests' day: Tuesday 10 March 2026, in UTC, x/y km travel at 60 km/h."""


def tiny_tuesday() -> dict[str, Any]:
    """Two engineers, four jobs: ada (with a lunch break) and bob (a morning shift); the job
    FAR is 400 km out with a five-minute window, so it is left out with a reason."""
    problem = ada_and_bob(TUESDAY)
    return problem.model_dump(mode="json")


def busy_tuesday(jobs: int = 30) -> dict[str, Any]:
    """Thirty jobs scattered over 40 x 30 km for ada and bob, half with a 09:00-16:00 window:
    big enough that a solve uses its whole time limit."""
    d = TUESDAY
    problem = d.problem(
        [
            d.job(
                f"J{i}",
                (i * 7) % 40 - 20,
                (i * 13) % 30 - 15,
                windows=[("09:00", "16:00")] if i % 2 else None,
            )
            for i in range(jobs)
        ],
        [d.engineer("ada", 0, 0, breaks=[("11:00", "14:00", 30)]), d.engineer("bob", 5, 5)],
    )
    return problem.model_dump(mode="json")


def as_json(data: Any) -> Any:
    """``data`` (a :class:`~tests.days.Day` dict with datetimes) as JSON can carry it."""
    return json.loads(json.dumps(data, default=lambda moment: moment.isoformat()))


class LiveServer:
    """uvicorn running ``create_app(settings)`` on a socket bound to 127.0.0.1 port 0."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings)
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Shut down as on SIGTERM: running solves finish, waiting ones are marked failed."""
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()

    def client(self, **headers: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


@contextmanager
def serving(settings: ServerSettings) -> Iterator[LiveServer]:
    """A started :class:`LiveServer`, stopped on exit."""
    server = LiveServer(settings).start()
    try:
        yield server
    finally:
        server.stop()


def wait_done(client: httpx.Client, plan_id: str, timeout_s: float = 20) -> dict[str, Any]:
    """Poll ``GET /v1/plans/{id}`` until the plan is done or failed."""
    deadline = time.monotonic() + timeout_s
    while True:
        body: dict[str, Any] = client.get(f"/v1/plans/{plan_id}").json()
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.05)

"""One service for the session's tests (a real uvicorn on a free port, SQLite in a temp dir);
tests that need their own settings start their own with ``serving``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dispatchopt.server import ServerSettings
from tests.server.live import LiveServer, serving

SMALL_LIMITS = {
    "max_body_mb": 0.25,
    "max_jobs": 40,
    "max_engineers": 5,
    "max_time_limit": 5.0,
    "default_time_limit": 1.0,
}
"""Limits small enough to hit with small requests."""


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = Path(tmp_path_factory.mktemp("server")) / "service.db"
    settings = ServerSettings(db=str(db), workers=2, queue=4, **SMALL_LIMITS)
    with serving(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c

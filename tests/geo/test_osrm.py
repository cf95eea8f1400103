"""OSRM table client against a fake OSRM on 127.0.0.1: answers, errors, slowness, batching."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from dispatchopt.errors import DispatchoptError, InputError
from dispatchopt.geo import (
    CachedTravelModel,
    Haversine,
    OsrmTable,
    TravelServiceError,
    TravelServiceWarning,
)

STEP = 1e-3


def points(n: int) -> np.ndarray:
    """Point i sits at lat 52 + i/1000, so the fake server can tell which point it was sent."""
    return np.c_[52.0 + STEP * np.arange(n), np.full(n, 4.9)]


@dataclass
class Script:
    """What the fake server does: one mode per request (the last one repeats)."""

    modes: list[str] = field(default_factory=lambda: ["ok"])
    requests: list[tuple[int, int]] = field(default_factory=list)  # (sources, destinations)


class FakeOsrm(BaseHTTPRequestHandler):
    """Speaks OSRM's table format: duration i->j = 1000 i + j + 0.4 s, distance = 2x that."""

    script: Script

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        script = self.server.script  # type: ignore[attr-defined]
        mode = script.modes[min(len(script.requests), len(script.modes) - 1)]
        url = urlsplit(self.path)
        coords = url.path.split("/table/v1/driving/")[1].split(";")
        ids = [round((float(c.split(",")[1]) - 52.0) / STEP) for c in coords]
        q = parse_qs(url.query)
        src = [int(i) for i in q["sources"][0].split(";")] if "sources" in q else range(len(ids))
        dst = (
            [int(i) for i in q["destinations"][0].split(";")]
            if "destinations" in q
            else range(len(ids))
        )
        script.requests.append((len(src), len(dst)))
        if mode == "slow":
            time.sleep(1.0)
        if mode == "500":
            return self._send(500, b"internal error")
        if mode == "invalid":
            return self._send(400, json.dumps({"code": "InvalidQuery", "message": "bad"}).encode())
        durations: list[list[float | None]] = [
            [1000.0 * ids[i] + ids[j] + 0.4 for j in dst] for i in src
        ]
        if mode == "noroute":
            durations[0][-1] = None
        body = {
            "code": "Ok",
            "durations": durations,
            "distances": [[None if d is None else 2 * d for d in row] for row in durations],
        }
        self._send(200, json.dumps(body).encode())

    def _send(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    httpd.daemon_threads = True
    script = Script()
    httpd.script = script  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    finally:
        httpd.shutdown()
        httpd.server_close()


def expected(n: int) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    dur = np.where(i == j, 0, 1000 * i + j)
    return dur, np.where(i == j, 0, np.rint(2 * (1000 * i + j + 0.4)))


def test_a_small_table_comes_back_in_one_request(server: tuple[str, Script]) -> None:
    url, script = server
    m = OsrmTable(url).matrices(points(4))
    dur, dist = expected(4)
    assert m.duration_s.tolist() == dur.tolist()
    assert m.distance_m.tolist() == dist.tolist()
    assert m.duration_s.dtype == np.int32
    assert script.requests == [(4, 4)]


def test_seven_points_in_batches_of_three_are_stitched_back_in_place(
    server: tuple[str, Script],
) -> None:
    url, script = server
    m = OsrmTable(url, max_batch=3).matrices(points(7))
    assert m.duration_s.tolist() == expected(7)[0].tolist()
    assert len(script.requests) == 9  # 3 source blocks x 3 destination blocks
    assert max(max(r) for r in script.requests) <= 3


def test_an_invalid_query_raises_at_once_with_osrms_code(server: tuple[str, Script]) -> None:
    url, script = server
    script.modes = ["invalid"]
    with pytest.raises(TravelServiceError, match="InvalidQuery") as info:
        OsrmTable(url, retries=3, backoff_s=0.01).matrices(points(3))
    assert info.value.code == "InvalidQuery"
    assert isinstance(info.value, DispatchoptError)
    assert len(script.requests) == 1  # a bad query is not retried


def test_a_server_error_is_retried_then_reported(server: tuple[str, Script]) -> None:
    url, script = server
    script.modes = ["500"]
    with pytest.raises(TravelServiceError, match=r"HTTP 500 \(after 3 tries\)") as info:
        OsrmTable(url, retries=2, backoff_s=0.01).matrices(points(3))
    assert info.value.code == "500"
    assert len(script.requests) == 3


def test_a_flaky_server_succeeds_on_the_retry(server: tuple[str, Script]) -> None:
    url, script = server
    script.modes = ["500", "ok"]
    m = OsrmTable(url, retries=1, backoff_s=0.01).matrices(points(3))
    assert m.duration_s.tolist() == expected(3)[0].tolist()
    assert len(script.requests) == 2


def test_a_slow_answer_hits_the_timeout(server: tuple[str, Script]) -> None:
    url, script = server
    script.modes = ["slow"]
    started = time.perf_counter()
    with pytest.raises(TravelServiceError, match="did not answer within 0.2 s") as info:
        OsrmTable(url, timeout_s=0.2, retries=0).matrices(points(2))
    assert info.value.code == "Timeout"
    assert time.perf_counter() - started < 0.9


def test_an_unreachable_pair_is_an_error_not_a_zero(server: tuple[str, Script]) -> None:
    url, script = server
    script.modes = ["noroute"]
    with pytest.raises(TravelServiceError, match="no route") as info:
        OsrmTable(url).matrices(points(3))
    assert info.value.code == "NoRoute"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_is_down_raises_without_a_fallback() -> None:
    table = OsrmTable(f"http://127.0.0.1:{free_port()}", retries=1, backoff_s=0.01)
    with pytest.raises(TravelServiceError, match="cannot reach OSRM") as info:
        table.matrices(points(2))
    assert info.value.code == "Unreachable"


def test_the_haversine_fallback_answers_only_when_asked_and_warns() -> None:
    table = OsrmTable(
        f"http://127.0.0.1:{free_port()}", retries=0, fallback=Haversine(speed_kmh=30.0)
    )
    with pytest.warns(TravelServiceWarning, match="fallback Haversine"):
        m = table.matrices(points(3))
    assert np.array_equal(m.duration_s, Haversine(speed_kmh=30.0).matrices(points(3)).duration_s)


def test_bad_client_settings_are_input_errors() -> None:
    with pytest.raises(InputError, match="base_url"):
        OsrmTable("localhost:5000")
    with pytest.raises(InputError, match="max_batch"):
        OsrmTable("http://127.0.0.1:5000", max_batch=0)


def test_a_fallback_answer_is_not_cached_as_if_osrm_had_given_it(tmp_path: Path) -> None:
    table = OsrmTable(f"http://127.0.0.1:{free_port()}", retries=0, fallback=Haversine())
    cached = CachedTravelModel(table, tmp_path)
    with pytest.warns(TravelServiceWarning):
        cached.matrices(points(3))
    assert list(tmp_path.glob("*.npz")) == []

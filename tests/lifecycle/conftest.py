"""Fixtures: ticket specs, engineers, and stores on SQLite (always) and PostgreSQL (when a
server is installed: a throwaway cluster on 127.0.0.1 started with initdb/pg_ctl)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date
from itertools import count
from pathlib import Path

import pytest

from dispatchopt.lifecycle import SqlStore, TicketSpec, open_store
from dispatchopt.models import Engineer
from tests.days import Day

DAY = Day(date(2026, 3, 2))
"""The test day: Monday 2026-03-02, in UTC."""
at = DAY.at


def spec(ticket_id: str, *, lat: float = 52.37, lon: float = 4.89, **extra: object) -> TicketSpec:
    """A 45-minute boiler service in Amsterdam with an 08:00-17:00 window on the test day."""
    data: dict[str, object] = {
        "id": ticket_id,
        "customer": f"customer of {ticket_id}",
        "location": {"lat": lat, "lon": lon},
        "duration_minutes": 45,
        "time_windows": [{"start": at("08:00").isoformat(), "end": at("17:00").isoformat()}],
    }
    data.update(extra)
    return TicketSpec.model_validate(data)


def engineer(engineer_id: str, *, lat: float = 52.35, lon: float = 4.90) -> Engineer:
    """An engineer working 08:00-17:00 on the test day."""
    return Engineer.model_validate(
        {
            "id": engineer_id,
            "start_location": {"lat": lat, "lon": lon},
            "shifts": [{"start": at("08:00").isoformat(), "end": at("17:00").isoformat()}],
            "cost_per_hour": 30,
        }
    )


# -- PostgreSQL: a throwaway cluster for the whole session ------------------------------------


def _pg_bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(cmd: list[str], owner: str | None) -> list[str]:
    # initdb and postgres refuse to run as root; as root we run them as the `postgres` user.
    return ["runuser", "-u", owner, "--", *cmd] if owner else cmd


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of the maintenance database of a fresh local cluster; skips when none can start."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL not installed (no /usr/lib/postgresql/*/bin/initdb); "
            "run .ci/install-postgres"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg 3 not installed (pip install 'psycopg[binary]')")
    owner = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root and runuser is missing: cannot run initdb as postgres")
        owner = "postgres"
    root = Path(tempfile.mkdtemp(prefix="dispatchopt-pg-"))
    if owner:
        shutil.chown(root, owner, owner)
    data, log, port = root / "data", root / "server.log", _free_port()
    try:
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
                owner,
            ),
            check=True,
            capture_output=True,
        )
        opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-o",
                    opts,
                    "-w",
                    "-t",
                    "30",
                    "start",
                ],
                owner,
            ),
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start a PostgreSQL cluster: {exc.stderr.decode()[-300:]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


_db_numbers = count(1)


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh, empty database on the session's cluster."""
    import psycopg

    name = f"t{next(_db_numbers)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return pg_server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on a SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "tickets.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[SqlStore]:
    """An open, migrated store on each database, with engineers e1 and e2."""
    with open_store(db_url) as s:
        s.put_engineers([engineer("e1"), engineer("e2")])
        yield s

"""Reliability: ``tickets import`` and ``plan --db`` killed (SIGKILL) at random moments leave a
database that passes its integrity check, with each import and each plan whole or absent."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from dispatchopt.lifecycle import open_store, replay

from .conftest import spec
from .test_cli import DATA, DAY

TICKETS = 400
KILLS_EACH = int(os.environ.get("DISPATCHOPT_STRESS_KILLS", "10"))
"""Kills per command (the issue asks for 10 or more); a stress run may ask for more."""


def _run_and_kill(args: list[str], after_s: float) -> bool:
    """Run the CLI with ``args`` and SIGKILL it after ``after_s``; whether it was still running."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dispatchopt.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(after_s)
    running = proc.poll() is None
    if running:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return running


def _lasts(args: list[str]) -> float:
    """How long the CLI takes for ``args`` on this machine, now (kill moments are drawn inside
    it, so a fast or a loaded machine still kills runs mid-work)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "dispatchopt.cli", *args], env=env, capture_output=True, check=False
    )
    return time.monotonic() - started


def _intact(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with open_store(db) as store:
        for ticket in store.tickets():
            assert replay(store.events(ticket.id)) == ticket  # row and log agree


def test_a_killed_import_is_whole_or_absent(tmp_path: Path) -> None:
    batch = [
        {**spec(f"K{i:04d}").model_dump(mode="json"), "state": "ready"} for i in range(TICKETS)
    ]
    file = tmp_path / "big.json"
    file.write_text(json.dumps(batch))
    rng = random.Random(19)
    killed = []
    took = _lasts(["tickets", "import", str(file), "--db", str(tmp_path / "timing.db")])
    for n in range(KILLS_EACH):
        db = tmp_path / f"import{n}.db"
        args = ["tickets", "import", str(file), "--db", str(db)]
        killed.append(_run_and_kill(args, rng.uniform(0.2, 0.95) * took))
        if not db.exists():
            continue  # killed before the database was created: absent
        _intact(db)
        with open_store(db) as store:
            assert len(store.tickets()) in (0, TICKETS)
    assert any(killed), "no run was killed while it worked: the test proved nothing"


def test_a_killed_plan_is_whole_or_absent(tmp_path: Path) -> None:
    db = tmp_path / "day.db"
    with open_store(db):
        pass
    subprocess.run(
        [sys.executable, "-m", "dispatchopt.cli", "tickets", "import", str(DATA / "day.json")]
        + ["--db", str(db)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=True,
        capture_output=True,
    )
    rng = random.Random(7)
    timing = tmp_path / "timing.db"
    shutil.copyfile(db, timing)
    took = _lasts(["plan", "--db", str(timing), "--date", "2026-03-02", "--solver", "greedy"])
    plans_before = 0
    killed = []
    for _ in range(KILLS_EACH):
        args = ["plan", "--db", str(db), "--date", "2026-03-02", "--solver", "greedy"]
        killed.append(_run_and_kill(args, rng.uniform(0.2, 0.95) * took))
        _intact(db)
        with open_store(db) as store:
            saved = store.plans(DAY)
            assert len(saved) in (plans_before, plans_before + 1)
            plans_before = len(saved)
            if saved:  # a stored plan's tickets are scheduled exactly as it says
                _, plan = saved[-1]
                for route in plan.routes:
                    for stop in route.jobs:
                        t = store.get(stop.job_id)
                        assert (t.engineer_id, t.start) == (route.engineer_id, stop.start)
    assert any(killed), "no run was killed while it worked: the test proved nothing"

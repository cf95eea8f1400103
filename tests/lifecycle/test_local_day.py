"""``plan --db --date`` means a local day: the store's calendar zone, else its shifts' offset."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dispatchopt.lifecycle import open_store
from dispatchopt.lifecycle.cli import replan_from_db
from dispatchopt.lifecycle.importing import ImportBatch, import_batch
from dispatchopt.lifecycle.replan import store_zone
from dispatchopt.models import Plan, Problem

PARIS = ZoneInfo("Europe/Paris")


def _night_shift_store(tmp_path: Path, **planning: Any) -> str:
    # Nadia's night shift starts 00:30 on 2 June in Paris (22:30 on 1 June in UTC); one boiler
    # visit is booked for it. As a UTC day, 2 June holds neither her nor the visit.
    def paris(h: int, m: int) -> str:
        return f"2026-06-02T{h:02d}:{m:02d}:00+02:00"

    batch = ImportBatch.model_validate(
        {
            "tickets": [
                {
                    "id": "T1",
                    "state": "ready",
                    "location": {"lat": 48.86, "lon": 2.35},
                    "duration_minutes": 30,
                    "time_windows": [{"start": paris(0, 30), "end": paris(5, 0)}],
                }
            ],
            "engineers": [
                {
                    "id": "nadia",
                    "start_location": {"lat": 48.85, "lon": 2.35},
                    "shifts": [{"start": paris(0, 30), "end": paris(6, 0)}],
                }
            ],
            **({"planning": planning} if planning else {}),
        }
    )
    db = str(tmp_path / "night.db")
    with open_store(db) as store:
        import_batch(store, batch, actor="test")
    return db


def _seen(into: list[Problem]):  # type: ignore[no-untyped-def]
    def solve(problem: Problem, *, time_limit: float) -> Plan:
        into.append(problem)
        from dispatchopt.solvers import solve_greedy

        return solve_greedy(problem)

    return solve


def test_the_day_is_the_shifts_local_day_when_the_store_has_no_calendar(tmp_path: Path) -> None:
    db = _night_shift_store(tmp_path)
    with open_store(db) as store:
        assert store_zone(store).utcoffset(None) is not None
    seen: list[Problem] = []
    result = replan_from_db(db, date(2026, 6, 2), 1.0, solve=_seen(seen))
    assert [j.id for j in seen[0].jobs] == ["T1"] and [e.id for e in seen[0].engineers] == ["nadia"]
    assert [s.job_id for r in result.plan.routes for s in r.stops] == ["T1"]


def test_a_zone_given_overrides_the_stores(tmp_path: Path) -> None:
    db = _night_shift_store(tmp_path)
    seen: list[Problem] = []
    result = replan_from_db(db, date(2026, 6, 2), 1.0, solve=_seen(seen), tz=ZoneInfo("UTC"))
    # The UTC day 2 June starts after Nadia's shift began: nobody is on it, T1 waits.
    assert [e.id for e in seen[0].engineers] == [] and result.plan.routes == []


def test_the_calendar_zone_decides_when_there_is_one(tmp_path: Path) -> None:
    db = _night_shift_store(
        tmp_path, calendar={"time_zone": "Europe/Paris", "working_hours": {"tue": ["00:00-23:59"]}}
    )
    with open_store(db) as store:
        assert store_zone(store) == PARIS
    seen: list[Problem] = []
    replan_from_db(db, date(2026, 6, 2), 1.0, solve=_seen(seen))
    assert [e.id for e in seen[0].engineers] == ["nadia"]

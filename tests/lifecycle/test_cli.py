"""The tickets CLI and the database round trip: import -> plan -> dispatch some -> re-plan,
with the dispatched visits kept on their engineer and start."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dispatchopt.lifecycle import TicketState, open_store
from dispatchopt.lifecycle.cli import plan_from_db, tickets_app
from dispatchopt.models import Plan, Problem, Route, Stop

DATA = Path(__file__).parent / "data"
DAY = date(2026, 3, 2)
runner = CliRunner()


def cli(*args: str) -> str:
    result = runner.invoke(tickets_app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


class FakeSolver:
    """A stand-in planner: locked jobs where their lock says, the others dealt round-robin to
    the engineers in free hourly slots from the first shift start. Keeps each problem it saw."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def __call__(self, problem: Problem, *, time_limit: float, seed: int = 0) -> Plan:
        self.problems.append(problem)
        epoch = min(s.start for e in problem.engineers for s in e.shifts)
        taken: dict[str, list[Stop]] = {e.id: [] for e in problem.engineers}
        for job in problem.jobs:
            if job.lock is not None and job.lock.start is not None:
                taken[job.lock.engineer_id].append(
                    _stop(job.id, job.lock.start, job.duration_minutes)
                )
        crew = sorted(taken)
        for i, job in enumerate(j for j in problem.jobs if j.lock is None):
            eid = crew[i % len(crew)]
            slot = epoch
            while any(s.start == slot for s in taken[eid]):
                slot += timedelta(hours=1)
            taken[eid].append(_stop(job.id, slot, job.duration_minutes))
        return Plan(
            routes=[
                Route(
                    engineer_id=e,
                    departure=epoch,
                    arrival=max(s.end for s in stops),
                    stops=sorted(stops, key=lambda s: s.start),
                )
                for e, stops in sorted(taken.items())
                if stops
            ]
        )


def _stop(job_id: str, start: datetime, minutes: float) -> Stop:
    return Stop(job_id=job_id, arrival=start, start=start, end=start + timedelta(minutes=minutes))


def test_import_list_and_show(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    assert "imported 6 ticket(s), 2 engineer(s), 1 stock line(s)" in cli(
        "import", str(DATA / "day.json"), "--db", db
    )
    listing = cli("list", "--db", db, "--state", "ready")
    assert all(f"T{i}" in listing for i in range(1, 7))
    cli("do", "T3", "await_parts", "--set", "sku=PUMP-7", "--db", db, "--by", "stores")
    assert "T3" not in cli("list", "--db", db, "--state", "ready")
    shown = cli("show", "T3", "--db", db)
    assert "awaiting_parts" in shown and "await_parts" in shown and "PUMP-7" in shown
    assert "SLA clock started" in shown and "paused" in shown
    data = json.loads(cli("show", "T3", "--db", db, "--json"))
    assert data["ticket"]["state"] == "awaiting_parts"
    assert [e["command"] for e in data["events"]] == [
        "create",
        "triage",
        "mark_ready",
        "await_parts",
    ]
    assert data["sla"]["paused"][0]["end"] is None


def test_cli_errors_are_one_line_messages_with_exit_codes(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    cli("import", str(DATA / "day.json"), "--db", db)
    illegal = runner.invoke(tickets_app, ["do", "T1", "dispatch", "--db", db])
    assert illegal.exit_code == 2  # a lifecycle refusal is bad input, not a broken plan
    assert (
        "ticket 'T1' is ready: command 'dispatch' is only allowed from scheduled" in illegal.output
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "X", "location": {"lat": 52}, "duration_minutes": 5}]))
    refused = runner.invoke(tickets_app, ["import", str(bad), "--db", db])
    assert refused.exit_code == 2 and "tickets[0].location" in refused.output
    assert "Traceback" not in refused.output


def test_round_trip_keeps_dispatched_visits_pinned(db_url: str) -> None:
    fake_solve = FakeSolver()
    cli("import", str(DATA / "day.json"), "--db", db_url)
    first = plan_from_db(db_url, DAY, 1.0, solve=fake_solve)
    with open_store(db_url) as store:
        scheduled = {t.id: t for t in store.tickets([TicketState.SCHEDULED])}
    assert sorted(scheduled) == ["T1", "T2", "T3", "T4", "T5", "T6"]
    assert {(s.job_id, r.engineer_id, s.start) for r in first.routes for s in r.stops} == {
        (t.id, t.engineer_id, t.start) for t in scheduled.values()
    }
    # the field app: T1 is dispatched, T2's engineer is already driving there
    cli("do", "T1", "dispatch", "--db", db_url, "--by", "anna-app")
    cli("do", "T2", "dispatch", "--db", db_url)
    cli("do", "T2", "depart", "--db", db_url)
    cli("import", str(DATA / "late_call.json"), "--db", db_url)
    second = plan_from_db(db_url, DAY, 1.0, solve=fake_solve)
    locks = {j.id: j.lock for j in fake_solve.problems[-1].jobs if j.lock}
    assert {k: (v.engineer_id, v.start) for k, v in locks.items()} == {
        "T1": (scheduled["T1"].engineer_id, scheduled["T1"].start),
        "T2": (scheduled["T2"].engineer_id, scheduled["T2"].start),
    }
    with open_store(db_url) as store:
        after = {t.id: t for t in store.tickets()}
    for tid, state in (("T1", TicketState.DISPATCHED), ("T2", TicketState.EN_ROUTE)):
        assert after[tid].state is state
        assert (after[tid].engineer_id, after[tid].start) == (
            scheduled[tid].engineer_id, scheduled[tid].start,
        )  # fmt: skip
        assert second.route_of(tid).engineer_id == scheduled[tid].engineer_id  # type: ignore[union-attr]
    assert after["T7"].state is TicketState.SCHEDULED
    with open_store(db_url) as store:
        assert len(store.plans(DAY)) == 2


def test_round_trip_with_the_ortools_solver_validates_and_keeps_pins(tmp_path: Path) -> None:
    solver = pytest.importorskip("dispatchopt.solvers.engines.ortools")
    from dispatchopt.validate import validate

    seen: list[Problem] = []

    def solve(problem: Problem, *, time_limit: float) -> Plan:
        seen.append(problem)
        plan: Plan = solver.solve_ortools(problem, time_limit=time_limit)
        return plan

    db = str(tmp_path / "d.db")
    cli("import", str(DATA / "day.json"), "--db", db)
    first = plan_from_db(db, DAY, 1.0, solve=solve)
    assert validate(seen[0], first) == [] and first.unassigned == []
    with open_store(db) as store:
        before = {t.id: t for t in store.tickets()}
    cli("do", "T4", "dispatch", "--db", db)
    cli("import", str(DATA / "late_call.json"), "--db", db)
    second = plan_from_db(db, DAY, 1.0, solve=solve)
    assert validate(seen[1], second) == []
    kept = second.route_of("T4")
    assert kept is not None and kept.engineer_id == before["T4"].engineer_id
    assert next(s.start for s in kept.stops if s.job_id == "T4") == before["T4"].start
    with open_store(db) as store:
        assert store.get("T7").state is TicketState.SCHEDULED

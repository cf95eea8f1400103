"""The SQL store on SQLite and PostgreSQL: migrations, event logs, optimistic concurrency,
plans written all-or-nothing, and concurrent writers that lose no update."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from dispatchopt.errors import InputError
from dispatchopt.lifecycle import (
    Arrive,
    Close,
    Command,
    Conflict,
    Depart,
    Dispatch,
    DuplicateTicket,
    MarkReady,
    Reopen,
    Resolve,
    Schedule,
    SqlStore,
    TicketNotFound,
    TicketState,
    Triage,
    VersionConflict,
    open_store,
    replay,
)
from dispatchopt.models import Plan, Route, Stop

from .conftest import DAY, at, engineer, spec

READY: list[Command] = [Triage(), MarkReady()]


def test_opening_applies_the_migrations_once(db_url: str) -> None:
    for _ in range(2):
        with open_store(db_url) as s, s._engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT version FROM schema_version")).all()
            assert [r.version for r in rows] == [1, 2, 3]
            assert {
                "tickets",
                "ticket_events",
                "engineers",
                "parts_stock",
                "plans",
                "service_plans",
            } <= set(sa.inspect(conn).get_table_names())


def test_a_sqlite_store_runs_in_wal_mode(tmp_path: object) -> None:
    path = f"{tmp_path}/wal.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_stored_ticket_replays_from_its_stored_log(store: SqlStore) -> None:
    store.create_ticket(spec("T1"), actor="desk", at=at("07:00"), then=READY)
    for command in (Schedule(engineer_id="e1", start=at("10:00")), Dispatch(), Depart(), Arrive()):
        store.execute("T1", command, actor="app", at=at("09:00"))
    stored = store.get("T1")
    assert stored.state is TicketState.ON_SITE and stored.version == 7
    assert replay(store.events("T1")) == stored
    assert [t.id for t in store.tickets([TicketState.ON_SITE])] == ["T1"]
    assert store.tickets([TicketState.READY]) == []


def test_unknown_and_duplicate_tickets_are_named(store: SqlStore) -> None:
    store.create_ticket(spec("T1"), actor="desk")
    with pytest.raises(DuplicateTicket, match="'T1' already exists"):
        store.create_ticket(spec("T1"), actor="desk")
    with pytest.raises(TicketNotFound, match="no ticket 'T9'"):
        store.execute("T9", Triage(), actor="desk")


def test_two_dispatchers_acting_on_the_same_read_one_wins(store: SqlStore) -> None:
    read = store.create_ticket(spec("T1"), actor="desk", then=READY)
    store.execute(
        "T1",
        Schedule(engineer_id="e1", start=at("09:00")),
        actor="anna",
        expected_version=read.version,
    )
    with pytest.raises(VersionConflict) as err:
        store.execute(
            "T1",
            Schedule(engineer_id="e2", start=at("14:00")),
            actor="bert",
            expected_version=read.version,
        )
    assert err.value.conflicts == [Conflict("T1", 3, 4)]
    assert (store.get("T1").engineer_id, len(store.events("T1"))) == ("e1", 4)


def test_reopening_stores_the_repeat_visit_in_the_same_write(store: SqlStore) -> None:
    store.create_ticket(spec("T1"), actor="desk", at=at("07:00"), then=READY)
    visit_and_fix: list[Command] = [
        Schedule(engineer_id="e1", start=at("10:00")),
        Dispatch(),
        Depart(),
        Arrive(),
    ]
    for command in (*visit_and_fix, Resolve(first_time_fix=True), Close(), Reopen(reason="again")):
        store.execute("T1", command, actor="desk", at=at("12:00"))
    visit = store.get("T1-R1")
    assert (visit.state, visit.repeat_of) == (TicketState.CREATED, "T1")
    assert store.get("T1").repeat_visit_id == "T1-R1"


def test_parts_stock_goes_up_and_down_but_never_below_zero(store: SqlStore) -> None:
    store.set_stock("PUMP-7", 2)
    assert store.adjust_stock("PUMP-7", -2) == 0
    with pytest.raises(InputError, match="only 0 on hand"):
        store.adjust_stock("PUMP-7", -1)
    assert store.adjust_stock("VALVE-1", 5) == 5 and store.stock("PUMP-7") == 0


def _plan_for(*placements: tuple[str, str, int]) -> Plan:
    """A plan placing (ticket, engineer, hour) visits."""
    routes: dict[str, list[Stop]] = {}
    for ticket_id, engineer_id, hour in placements:
        start = DAY.after(hours=hour)
        routes.setdefault(engineer_id, []).append(
            Stop(job_id=ticket_id, arrival=start, start=start, end=start + timedelta(minutes=45))
        )
    return Plan(
        routes=[
            Route(engineer_id=e, departure=at("08:00"), arrival=at("17:00"), stops=s)
            for e, s in sorted(routes.items())
        ]
    )


def test_a_saved_plan_schedules_its_tickets_and_is_kept(store: SqlStore) -> None:
    store.put_engineers([engineer("e1"), engineer("e2")])
    read = [store.create_ticket(spec(t), actor="desk", then=READY) for t in ("T1", "T2")]
    saved = store.save_plan(
        _plan_for(("T1", "e1", 9), ("T2", "e2", 11)),
        read,
        day=DAY.date,
        actor="planner",
        at=at("06:00"),
    )
    assert saved.commands == [("T1", "schedule"), ("T2", "schedule")]
    assert [(t.engineer_id, t.start, t.version) for t in saved.tickets] == [
        ("e1", at("09:00"), 4),
        ("e2", at("11:00"), 4),
    ]
    assert store.events("T2")[-1].actor == "planner"
    assert [p.routes[0].stops[0].job_id for _, p in store.plans(DAY.date)] == ["T1"]
    assert [e.id for e in store.engineers()] == ["e1", "e2"]


def test_a_plan_built_on_stale_tickets_is_rejected_whole(store: SqlStore) -> None:
    read = [store.create_ticket(spec(t), actor="desk", then=READY) for t in ("T1", "T2", "T3")]
    # while the solver ran, a dispatcher booked T2 and T3 by hand
    store.execute("T2", Schedule(engineer_id="e2", start=at("15:00")), actor="anna")
    store.execute("T3", Schedule(engineer_id="e1", start=at("16:00")), actor="anna")
    plan = _plan_for(("T1", "e1", 9), ("T2", "e1", 10), ("T3", "e2", 11))
    with pytest.raises(VersionConflict) as err:
        store.save_plan(plan, read, day=DAY.date, actor="planner")
    assert err.value.conflicts == [Conflict("T2", 3, 4), Conflict("T3", 3, 4)]
    assert "T2: read at version 3, store has version 4" in str(err.value)
    # nothing of the plan was written: T1 is still ready, no plan row
    assert store.get("T1").state is TicketState.READY and len(store.events("T1")) == 3
    assert store.plans(DAY.date) == []


WRITERS = 4
WRITES_EACH = 8


def test_concurrent_writers_lose_no_update(db_url: str) -> None:
    """Several threads, each with its own store (engine and connection), re-schedule one ticket
    read-modify-write style with the version they read; conflicts are retried. Every write must
    land exactly once: no lost update, no gap or duplicate in the log."""
    with open_store(db_url) as setup:
        setup.put_engineers([engineer(f"e{n}") for n in range(WRITERS)])
        setup.create_ticket(
            spec("T1"), actor="desk", then=[*READY, Schedule(engineer_id="e0", start=at("08:00"))]
        )
    start_line = threading.Barrier(WRITERS)
    retries = [0] * WRITERS
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with open_store(db_url) as mine:
                start_line.wait()
                for k in range(WRITES_EACH):
                    command = Schedule(engineer_id=f"e{n}", start=DAY.after(hours=9 + k, minutes=n))
                    while True:
                        seen = mine.get("T1")
                        try:
                            mine.execute(
                                "T1", command, actor=f"w{n}", expected_version=seen.version
                            )
                            break
                        except VersionConflict:
                            retries[n] += 1
        except BaseException as exc:  # surfaced below: a thread's exception would vanish
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures, failures
    with open_store(db_url) as check:
        log = check.events("T1")
        final = check.get("T1")
    assert final.version == 4 + WRITERS * WRITES_EACH
    assert [e.sequence for e in log] == list(range(1, final.version + 1))
    for n in range(WRITERS):
        mine = [e.payload["start"] for e in log if e.actor == f"w{n}"]
        assert mine == [
            DAY.after(hours=9 + k, minutes=n).isoformat().replace("+00:00", "Z")
            for k in range(WRITES_EACH)
        ]
    assert replay(log) == final
    kind = "postgresql" if "://" in db_url else "sqlite"
    print(f"\n{kind}: {WRITERS}x{WRITES_EACH} writes, {sum(retries)} conflicts retried")


def test_a_service_plan_request_moves_from_queued_to_done_and_survives_reopening(
    store: SqlStore, db_url: str
) -> None:
    from dispatchopt.lifecycle.store import ServicePlan

    moment = at("07:00")
    for plan_id in ("p-done", "p-left"):
        store.add_service_plan(
            ServicePlan(
                id=plan_id,
                kind="solve",
                status="queued",
                problem='{"jobs": []}',
                params={"time_limit": 1.0, "seed": 0},
                created_at=moment,
                updated_at=moment,
            )
        )
    store.update_service_plan("p-done", "running", progress={"started_at": moment.isoformat()})
    store.update_service_plan("p-done", "done", plan=Plan().to_json(None))
    assert store.fail_unfinished_service_plans("stopped") == ["p-left"]
    with open_store(db_url) as again:
        done, left = again.service_plan("p-done"), again.service_plan("p-left")
        assert done is not None and done.status == "done" and done.plan == Plan().to_json(None)
        assert done.params == {"time_limit": 1.0, "seed": 0}
        assert done.progress == {"started_at": moment.isoformat()}
        assert left is not None and left.status == "failed" and left.error == "stopped"
        assert again.service_plan("p-none") is None

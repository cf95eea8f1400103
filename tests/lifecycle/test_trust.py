"""Bad records never get into the store, one bad ticket never blocks the day, and every
failure is one clear line with its own exit code (never a traceback)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dispatchopt.cli import EXIT_BAD_INPUT, EXIT_STORE, app
from dispatchopt.errors import DispatchoptError, FormatError, InputError, StoreError
from dispatchopt.lifecycle import TicketState, open_store
from dispatchopt.lifecycle.cli import replan_from_db
from dispatchopt.lifecycle.errors import Conflict, IllegalTransition, VersionConflict

from .conftest import engineer, spec
from .test_cli import DATA, DAY, FakeSolver

runner = CliRunner()


def _ticket(**extra: object) -> dict[str, object]:
    return {**spec("X").model_dump(mode="json"), "state": "ready", **extra}


def _import(tmp_path: Path, content: str | bytes, db: str | None = None) -> tuple[int, str]:
    path = tmp_path / "in.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = runner.invoke(app, ["tickets", "import", str(path), "--db", db or str(tmp_path / "d")])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        (
            "NaN",
            '[{"id": "X", "location": {"lat": 1, "lon": 1}, "duration_minutes": NaN}]',
            "(got nan)",
        ),
        ("infinity", json.dumps([_ticket(duration_minutes=1e999)]), "duration_minutes"),
        ("absurd minutes", json.dumps([_ticket(duration_minutes=1e308)]), "duration_minutes"),
        ("absurd stock", json.dumps({"stock": {"P": 2**63}}), "stock.P"),
        ("long id", json.dumps([_ticket(id="x" * 201)]), "tickets[0].id"),
        ("NUL in id", json.dumps([_ticket(id="a\x00b")]), "NUL"),
        ("lone surrogate", '[{"id": "\\ud800"}]', "lone surrogate"),
        ("JSON bomb", "[" * 100_000 + "]" * 100_000, "nested"),
        ("not UTF-8", b'[{"id": "\xff"}]', "not UTF-8"),
        ("not JSON", "[{", "not JSON"),
    ],
)
def test_a_bad_import_is_one_line_naming_the_field(
    tmp_path: Path, name: str, content: str, said: str
) -> None:
    code, output = _import(tmp_path, content)
    assert code == EXIT_BAD_INPUT, (name, output)
    assert said in output, (name, output)


def test_a_van_with_an_unknown_sku_is_refused_and_nothing_is_imported(tmp_path: Path) -> None:
    eng = {**engineer("e1").model_dump(mode="json"), "van_stock": {"GHOST": 1}}
    code, output = _import(tmp_path, json.dumps({"tickets": [_ticket()], "engineers": [eng]}))
    assert code == EXIT_BAD_INPUT and "van_stock.GHOST" in output
    with open_store(tmp_path / "d") as store:
        assert store.tickets() == [] and store.engineers() == []


def test_an_import_is_all_or_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "d")
    batch = {"tickets": [_ticket(id="A"), _ticket(id="A")], "engineers": [], "stock": {"P": 1}}
    code, output = _import(tmp_path, json.dumps(batch), db)
    assert code == EXIT_BAD_INPUT and "already exists" in output
    with open_store(db) as store:
        assert store.tickets() == [] and store.all_stock() == {}


def test_scheduling_to_an_unknown_engineer_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    runner.invoke(app, ["tickets", "import", str(DATA / "day.json"), "--db", db])
    args = ["tickets", "do", "T2", "schedule", "--db", db, "--set", "engineer_id=ghost"]
    result = runner.invoke(app, [*args, "--set", "start=2026-03-02T10:00:00Z"])
    assert result.exit_code == EXIT_BAD_INPUT and "no such engineer" in result.output


def test_a_day_with_one_bad_ticket_plans_the_rest_and_names_it(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    runner.invoke(app, ["tickets", "import", str(DATA / "day.json"), "--db", db])
    bad = _ticket(id="BAD", sla={"started_at": "2026-03-02T07:00:00Z"}, sla_tier="platinum")
    code, output = _import(tmp_path, json.dumps([bad]), db)
    assert code == 0, output
    result = replan_from_db(db, DAY, 1.0, solve=FakeSolver())
    assert "BAD" in result.skipped and "platinum" in result.skipped["BAD"]
    assert any(line.startswith("left out BAD") for line in result.log)
    with open_store(db) as store:
        assert len(store.tickets([TicketState.SCHEDULED])) == 6
        assert store.get("BAD").state is TicketState.READY


@pytest.mark.parametrize(
    ("db", "said"),
    [
        ("nosuchdriver://x/y", "unknown database driver"),
        ("postgresql://nobody@127.0.0.1:1/none", "database error"),
    ],
)
def test_an_unusable_database_exits_6_in_one_line(db: str, said: str) -> None:
    result = runner.invoke(app, ["tickets", "list", "--db", db])
    assert result.exit_code == EXIT_STORE, result.output
    assert said in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_errors_survive_pickling() -> None:
    errors: list[DispatchoptError] = [
        InputError([("jobs[0].id", "x", "too long")]),
        FormatError([("file", None, "not JSON")]),
        StoreError("down"),
        IllegalTransition("T1", "ready", "dispatch", ("scheduled",)),
        VersionConflict([Conflict("T1", 2, 3)]),
    ]
    for err in errors:
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is type(err) and str(again) == str(err)


def test_a_stored_ticket_that_no_longer_reads_is_named_and_the_rest_plans(tmp_path: Path) -> None:
    import sqlalchemy as sa

    db = str(tmp_path / "d.db")
    runner.invoke(app, ["tickets", "import", str(DATA / "day.json"), "--db", db])
    with open_store(db) as store, store._engine.begin() as conn:  # an old row, now out of bounds
        row = conn.execute(sa.text("SELECT data FROM tickets WHERE id = 'T3'")).scalar_one()
        data = json.loads(row) | {"duration_minutes": 1e6}
        conn.execute(
            sa.text("UPDATE tickets SET data = :d WHERE id = 'T3'"), {"d": json.dumps(data)}
        )
    result = replan_from_db(db, DAY, 1.0, solve=FakeSolver())
    assert "T3" in result.skipped and "duration_minutes" in result.skipped["T3"]
    listed = runner.invoke(app, ["tickets", "list", "--db", db])
    assert listed.exit_code == EXIT_STORE and "stored ticket 'T3' does not read" in listed.output


def test_imports_and_upserts_behave_the_same_on_every_backend(db_url: str) -> None:
    with open_store(db_url) as store:
        store.set_stock("P", 1)
        store.set_stock("P", 5)  # an upsert: one row, the new count
        store.put_engineers([engineer("e1")])
        store.put_engineers([engineer("e1", lat=52.0)])
        assert store.all_stock() == {"P": 5}
        assert [e.start_location.lat for e in store.engineers()] == [52.0]
        with pytest.raises(DispatchoptError, match="already exists"):
            store.import_batch([(spec("A"), []), (spec("A"), [])], stock={"Q": 2}, actor="test")
        assert store.tickets() == [] and store.all_stock() == {"P": 5}
    for bad_id in ("x" * 201, "a\x00b"):  # refused before any backend sees it
        with pytest.raises(ValueError, match="200 characters|NUL"):
            spec(bad_id)


def test_exit_codes_follow_the_documented_scheme() -> None:
    from dispatchopt.cli import EXIT_INTERNAL, EXIT_NO_PLAN, exit_code
    from dispatchopt.errors import SolverError

    assert exit_code(SolverError("no plan")) == EXIT_NO_PLAN == 5
    assert exit_code(StoreError("down")) == EXIT_STORE == 6
    assert exit_code(VersionConflict([Conflict("T1", 1, 2)])) == EXIT_STORE
    assert exit_code(IllegalTransition("T1", "ready", "dispatch", ("scheduled",))) == 2
    assert exit_code(InputError([("f", 1, "bad")])) == EXIT_BAD_INPUT == 2
    assert exit_code(RuntimeError("bug")) == EXIT_INTERNAL == 3

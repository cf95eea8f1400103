"""Re-planning from the store: a worse or broken plan never wipes a day, the kept plan is said,
and a plan whose tickets changed meanwhile is rebased instead of refused."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from dispatchopt.lifecycle import Dispatch, TicketState, open_store
from dispatchopt.lifecycle.cli import replan_from_db
from dispatchopt.models import Plan, Problem, Unassigned, UnassignedReason

from .test_cli import DATA, DAY, FakeSolver, cli


def _scheduled_day(tmp_path: Path) -> str:
    """A store whose six tickets were planned once (all scheduled)."""
    db = str(tmp_path / "d.db")
    cli("import", str(DATA / "day.json"), "--db", db)
    replan_from_db(db, DAY, 1.0, solve=FakeSolver())
    return db


def _schedule(db: str) -> dict[str, tuple[str | None, object]]:
    with open_store(db) as store:
        return {t.id: (t.engineer_id, t.start) for t in store.tickets([TicketState.SCHEDULED])}


def _nothing(problem: Problem, *, time_limit: float) -> Plan:
    """A broken solver: an empty plan (it names none of the day's jobs)."""
    return Plan()


def _all_unplanned(problem: Problem, *, time_limit: float) -> Plan:
    """A valid but useless plan: every job left out."""
    return Plan(
        unassigned=[
            Unassigned(job_id=j.id, reason=UnassignedReason.CAPACITY, detail="gave up")
            for j in problem.jobs
        ]
    )


def test_an_empty_plan_does_not_unschedule_the_day(tmp_path: Path) -> None:
    db = _scheduled_day(tmp_path)
    before = _schedule(db)
    assert len(before) == 6
    result = replan_from_db(db, DAY, 1.0, solve=_nothing)
    assert result.kept != "solver"
    assert any("solver: breaks" in line for line in result.log)
    assert set(_schedule(db)) == set(before)


def test_a_worse_valid_plan_keeps_the_current_schedule(tmp_path: Path) -> None:
    db = _scheduled_day(tmp_path)
    before = _schedule(db)
    result = replan_from_db(db, DAY, 1.0, solve=_all_unplanned)
    assert result.kept in {"current schedule", "greedy"}
    assert any("solver would be worse" in line for line in result.log), result.log
    assert set(_schedule(db)) == set(before)


def test_allow_worse_writes_the_solvers_plan(tmp_path: Path) -> None:
    db = _scheduled_day(tmp_path)
    result = replan_from_db(db, DAY, 1.0, solve=_all_unplanned, allow_worse=True)
    assert result.kept == "solver"
    assert _schedule(db) == {}


def test_a_plan_whose_ticket_changed_meanwhile_is_rebased(tmp_path: Path) -> None:
    from dispatchopt.solvers import solve_greedy

    db = _scheduled_day(tmp_path)

    def solve_while_t1_is_dispatched(problem: Problem, *, time_limit: float) -> Plan:
        plan = solve_greedy(problem)
        with open_store(db) as other:  # the field app moves T1 on while we plan
            other.execute("T1", Dispatch(), actor="app")
        return plan

    result = replan_from_db(db, DAY, 1.0, solve=solve_while_t1_is_dispatched)
    assert any("rebasing" in line and "T1" in line for line in result.log), result.log
    with open_store(db) as store:
        states = {t.id: t.state for t in store.tickets()}
    assert states["T1"] is TicketState.DISPATCHED
    assert all(states[f"T{i}"] is TicketState.SCHEDULED for i in range(2, 7))


def test_the_cli_says_which_plan_it_kept_and_honours_solver_and_seed(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dispatchopt.cli import app

    db = str(tmp_path / "d.db")
    cli("import", str(DATA / "day.json"), "--db", db)
    args = ["plan", "--db", db, "--date", "2026-03-02", "--solver", "greedy", "--seed", "3"]
    pictures = tmp_path / "pictures"
    if importlib.util.find_spec("matplotlib") is not None:
        args += ["--plot", str(pictures)]
    result = CliRunner().invoke(app, [*args, "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert "kept solver" in result.output and "wrote plan #1" in result.output
    if "--plot" in args:
        assert (pictures / "routes.png").is_file() and (pictures / "gantt.png").is_file()


@pytest.mark.parametrize("db_name", ["typo.db"])
def test_plan_on_a_missing_database_file_exits_6_and_creates_nothing(
    tmp_path: Path, db_name: str
) -> None:
    from typer.testing import CliRunner

    from dispatchopt.cli import EXIT_STORE, app

    db = tmp_path / db_name
    result = CliRunner().invoke(app, ["plan", "--db", str(db), "--date", "2026-03-02"])
    assert result.exit_code == EXIT_STORE
    assert "no database file" in result.output and not db.exists()


def test_a_plan_that_keeps_conflicting_gives_up_after_the_bounded_rebases(tmp_path: Path) -> None:
    from dispatchopt.lifecycle import Conflict, VersionConflict, replan_day
    from dispatchopt.solvers import solve_greedy

    class EverBusy:
        """A store where someone always changed T1 just before our write."""

        def __init__(self, store: object) -> None:
            self._store = store
            self.writes = 0

        def __getattr__(self, name: str) -> object:
            return getattr(self._store, name)

        def save_plan(self, *args: object, **kwargs: object) -> object:
            self.writes += 1
            raise VersionConflict([Conflict("T1", 3, 4)])

    db = str(tmp_path / "d.db")
    cli("import", str(DATA / "day.json"), "--db", db)
    with open_store(db) as store:
        busy = EverBusy(store)
        with pytest.raises(VersionConflict):
            replan_day(busy, DAY, lambda p, **_: solve_greedy(p), time_limit=1.0, rebases=2)  # type: ignore[arg-type]
        assert busy.writes == 3
        assert store.tickets([TicketState.SCHEDULED]) == []

"""diff_plans: what a dispatcher needs to know about a re-plan, printable and as JSON, with
the objective term by term before and after."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from dispatchopt.cli import app
from dispatchopt.io import write_plan
from dispatchopt.live import PlanDiff, diff_plans, insert_job
from dispatchopt.models import Job
from tests.live.days import THURSDAY, planned

runner = CliRunner()

at = THURSDAY.at

TWO_ENGINEERS = THURSDAY.problem(
    [THURSDAY.job("near", 5), THURSDAY.job("far", 40, windows=[("13:00", "14:00")])],
    [THURSDAY.engineer("ana"), THURSDAY.engineer("ben", 40)],
)


def test_a_diff_lists_added_reassigned_moved_and_prints_them() -> None:
    before = planned(TWO_ENGINEERS)
    new = Job.model_validate({"id": "new", "location": {"x": 6, "y": 0}, "duration_minutes": 20})
    _, after = insert_job(TWO_ENGINEERS, before, new, now=at("08:00"))
    change = diff_plans(before, after)
    assert change.added == ["new"] and not change.dropped and not change.reassigned
    moved_by = {m.job_id: m.shift_s for m in change.moved}
    assert all(s >= 0 for s in moved_by.values())
    assert "+ new added" in str(change)
    swapped = after.model_copy(deep=True)
    route_a, route_b = swapped.routes[0], swapped.routes[-1]
    route_a.engineer_id, route_b.engineer_id = route_b.engineer_id, route_a.engineer_id
    crossed = diff_plans(after, swapped)
    assert {r.job_id for r in crossed.reassigned} == {
        s.job_id for r in after.routes for s in r.jobs
    }
    assert PlanDiff.model_validate_json(crossed.model_dump_json()) == crossed
    assert diff_plans(before, before).lines() == ["no changes"]


PRICED = THURSDAY.problem(
    [THURSDAY.job("near", 5), THURSDAY.job("far", 40, windows=[("13:00", "14:00")])],
    [
        THURSDAY.engineer("ana", cost_per_hour=30, cost_per_km=0.5),
        THURSDAY.engineer("ben", 40, cost_per_hour=30, cost_per_km=0.5),
    ],
)
NEW = Job.model_validate({"id": "new", "location": {"x": 6, "y": 0}, "duration_minutes": 20})


def test_the_cost_table_gives_each_term_before_and_after_and_the_total() -> None:
    before = planned(PRICED)
    grown, after = insert_job(PRICED, before, NEW, now=at("08:00"))
    change = diff_plans(before, after)
    assert before.summary is not None and after.summary is not None
    table = {c.term: c for c in change.costs}
    assert table["total"].before == round(before.summary.objective or 0.0, 2)
    assert table["total"].after == round(after.summary.objective or 0.0, 2)
    for name, amount in after.summary.cost_breakdown.items():
        assert table[name].after == round(amount, 2)
        assert table[name].change == round(amount - before.summary.cost_breakdown.get(name, 0), 2)
    # 20 more minutes on site and the drive there: working time rises.
    assert table["working_time"].change > 0 and table["distance"].change > 0
    assert "total" in str(change) and "working_time" in str(change)
    # A plan without a summary is priced from the problem, the same way.
    bare = after.model_copy(update={"summary": None})
    assert diff_plans(before, bare).costs == []
    assert diff_plans(before, bare, grown).costs == change.costs


def test_dispatchopt_diff_prints_the_changes_and_the_cost_table(tmp_path: Path) -> None:
    before = planned(PRICED)
    grown, after = insert_job(PRICED, before, NEW, now=at("08:00"))
    a, b, problem = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "day.json"
    write_plan(before.model_copy(update={"summary": None}), a)
    write_plan(after, b)
    problem.write_text(grown.model_dump_json(), encoding="utf-8")
    text = runner.invoke(app, ["diff", str(a), str(b), "--problem", str(problem)])
    assert text.exit_code == 0, text.output
    assert "+ new added" in text.output
    assert re.search(r"^total\s+[\d,.]+\s+[\d,.]+\s+\+[\d,.]+$", text.output, re.MULTILINE)
    raw = runner.invoke(app, ["diff", str(a), str(b), "--problem", str(problem), "--json"])
    data = json.loads(raw.output)
    assert data["added"] == ["new"]
    assert data["costs"][-1]["term"] == "total"
    assert data["costs"] == [c.model_dump() for c in diff_plans(before, after, grown).costs]

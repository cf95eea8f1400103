"""diff_plans: what a dispatcher needs to know about a re-plan, printable and as JSON."""

from __future__ import annotations

from dispatchopt.live import PlanDiff, diff_plans, insert_job
from dispatchopt.models import Job
from tests.live.days import THURSDAY, planned

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

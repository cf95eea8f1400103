"""Properties on random small days: insert_job's plan validates and keeps every other job with
its engineer, inside its appointment, never earlier, and what had begun exactly as it was; a
re-plan after a call lighter than an emergency keeps every promise."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatchopt.live import JobArrived, apply_event, insert_job, replan
from dispatchopt.live.edits import with_changes
from dispatchopt.models import Job, Plan, Problem, TimeWindow
from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.validate import validate
from tests.strategies import DAY, PROPERTY_SETTINGS, problems


def promised(problem: Problem, plan: Plan) -> Problem:
    """Every served job promised the half hour either side of its planned start."""
    starts = {s.job_id: s.start for r in plan.routes for s in r.jobs}
    half = timedelta(minutes=30)
    jobs = [
        j.model_copy(
            update={"appointment": TimeWindow(start=starts[j.id] - half, end=starts[j.id] + half)}
        )
        if j.id in starts
        else j
        for j in problem.jobs
    ]
    return with_changes(problem, jobs=jobs)


@st.composite
def new_jobs(draw: st.DrawFn) -> Job:
    windows = []
    if draw(st.booleans()):
        opens = draw(st.integers(8 * 60, 15 * 60))
        windows = [{"start": DAY.after(minutes=opens), "end": DAY.after(minutes=opens + 120)}]
    return Job.model_validate(
        {
            "id": "newcomer",
            "location": {"x": draw(st.integers(0, 20)), "y": draw(st.integers(0, 20))},
            "duration_minutes": draw(st.integers(5, 60)),
            "time_windows": windows,
        }
    )


@PROPERTY_SETTINGS
@given(problems(), new_jobs(), st.integers(7 * 60, 15 * 60), st.booleans())
def test_insert_job_validates_and_keeps_everyone_else(
    day: Problem, job: Job, now_minutes: int, keep_promises: bool
) -> None:
    plan = solve_greedy(day)
    if keep_promises:
        day = promised(day, plan)
    assert validate(day, plan) == []
    now = DAY.after(minutes=now_minutes)
    problem, after = insert_job(day, plan, job, now=now)
    assert validate(problem, after) == []
    before = {s.job_id: (r.engineer_id, s) for r in plan.routes for s in r.jobs}
    for route in after.routes:
        for stop in route.jobs:
            if stop.job_id == job.id:
                assert stop.start >= now
                continue
            engineer_id, old = before[stop.job_id]
            assert route.engineer_id == engineer_id
            assert stop.start >= old.start
            if old.start < now:
                assert stop == old
            promise = problem.job_by_id[stop.job_id].appointment
            if promise is not None:
                assert promise.contains(stop.start)
    served = {s.job_id for r in after.routes for s in r.jobs}
    assert served == set(before) | ({job.id} & served)
    assert (job.id in served) != any(u.job_id == job.id for u in after.unassigned)


@settings(PROPERTY_SETTINGS, max_examples=20)
@given(problems(), new_jobs(), st.integers(7 * 60, 13 * 60), st.integers(0, 7))
def test_a_call_lighter_than_an_emergency_never_costs_a_promise(
    day: Problem, job: Job, now_minutes: int, priority: int
) -> None:
    plan = solve_greedy(day)
    day = promised(day, plan)
    assert validate(day, plan) == []
    now = DAY.after(minutes=now_minutes)
    call = job.model_copy(update={"priority": priority})
    changed = apply_event(day, plan, JobArrived(job=call), now=now)
    after = replan(changed, plan, now=now, time_limit=1)
    assert validate(changed, after) == []
    for route in plan.routes:
        for stop in route.jobs:
            if stop.start < now:
                continue
            kept = after.route_of(stop.job_id)
            assert kept is not None and kept.engineer_id == route.engineer_id, stop.job_id
            start = next(s.start for s in kept.jobs if s.job_id == stop.job_id)
            appointment = changed.job_by_id[stop.job_id].appointment
            assert appointment is not None and appointment.contains(start)
    assert after.broken_appointments == []

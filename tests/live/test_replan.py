"""Events and replan: the day changes, the plan follows, promises are kept."""

from __future__ import annotations

from dispatchopt.live import (
    Cancelled,
    Disruption,
    EngineerUnavailable,
    JobArrived,
    NoShow,
    VisitOverrun,
    apply_event,
    diff_plans,
    replan,
)
from dispatchopt.live.replan import _filled, _holding, _steered, _warm
from dispatchopt.live.retime import retimed
from dispatchopt.models import Job, Plan, Problem
from dispatchopt.validate import validate
from tests.live.days import THURSDAY, planned, solved, stop_of

at, job, engineer = THURSDAY.at, THURSDAY.job, THURSDAY.engineer

# Cleo works east of the depot: two morning visits and three afternoon ones. Dan and Eve start
# nearby with light days.
CLEO_DAY = THURSDAY.problem(
    [
        job("m1", 10, windows=[("09:00", "09:00")], preferred_engineers=["cleo"]),
        job("m2", 12, windows=[("10:00", "10:00")], preferred_engineers=["cleo"]),
        job("a1", 14, windows=[("13:00", "13:30")], preferred_engineers=["cleo"]),
        job("a2", 16, windows=[("14:00", "14:30")], preferred_engineers=["cleo"]),
        job("a3", 18, windows=[("15:00", "15:30")], preferred_engineers=["cleo"]),
        job("d1", 2, windows=[("09:00", "10:00")], required_engineers=["dan"]),
        job("e1", 4, windows=[("09:00", "10:00")], required_engineers=["eve"]),
    ],
    [engineer("cleo", 5), engineer("dan", 8), engineer("eve", 9)],
)


def test_engineer_off_sick_from_11_her_afternoon_is_shared_out_morning_untouched() -> None:
    plan = solved(CLEO_DAY)
    assert {stop_of(plan, j)[0] for j in ("m1", "m2", "a1", "a2", "a3")} == {"cleo"}
    now = at("10:30")
    sick = EngineerUnavailable(engineer_id="cleo", start=at("11:00"), end=at("17:00"))
    day = apply_event(CLEO_DAY, plan, sick, now=now)
    after = replan(day, plan, now=now, time_limit=3)
    assert validate(day, after) == []
    assert stop_of(after, "m1") == stop_of(plan, "m1")
    assert stop_of(after, "m2") == stop_of(plan, "m2")
    for j in ("a1", "a2", "a3"):
        assert stop_of(after, j)[0] in ("dan", "eve")
    assert stop_of(after, "d1") == stop_of(plan, "d1")
    change = diff_plans(plan, after)
    assert {r.job_id for r in change.reassigned} == {"a1", "a2", "a3"}
    assert not change.dropped and not change.broken_appointments


def test_a_repair_that_overruns_pushes_the_rest_of_the_day_not_others() -> None:
    plan = solved(CLEO_DAY)
    _, start = stop_of(plan, "m2")
    overrun = VisitOverrun(job_id="m2", expected_end=at("11:15"))
    day = apply_event(CLEO_DAY, plan, overrun, now=at("10:45"))
    after = replan(day, plan, now=at("10:45"), time_limit=3)
    assert validate(day, after) == []
    route = after.route_of("m2")
    assert route is not None and route.engineer_id == "cleo"
    visit = next(s for s in route.jobs if s.job_id == "m2")
    assert (visit.start, visit.end) == (start, at("11:15"))
    assert stop_of(after, "d1") == stop_of(plan, "d1")


def test_a_broken_appointment_only_when_nothing_else_fits_and_it_is_reported() -> None:
    # One engineer, two customers promised the same hour 20 km apart: after a 1 h overrun
    # of the first, the second can only be served late.
    day = THURSDAY.problem(
        [
            job("first", 10, minutes=60, appointment={"start": at("09:00"), "end": at("09:00")}),
            job("second", 30, appointment={"start": at("10:20"), "end": at("10:40")}),
        ],
        [engineer("solo")],
    )
    plan = planned(day)
    overrun = VisitOverrun(job_id="first", expected_end=at("10:30"))
    changed = apply_event(day, plan, overrun, now=at("10:00"))
    after = replan(changed, plan, now=at("10:00"), time_limit=4, disruption=Disruption())
    assert validate(changed, after) == []
    assert [b.job_id for b in after.broken_appointments] == ["second"]
    assert diff_plans(plan, after).broken_appointments == ["second"]


def test_cancelled_and_no_show() -> None:
    plan = planned(CLEO_DAY)
    day = apply_event(CLEO_DAY, plan, Cancelled(job_id="a2"), now=at("08:00"))
    assert "a2" not in day.job_by_id
    after = replan(day, plan, now=at("08:00"), time_limit=2)
    assert validate(day, after) == []
    assert diff_plans(plan, after).dropped == ["a2"]
    missed = apply_event(CLEO_DAY, plan, NoShow(job_id="m1"), now=at("09:05"))
    visit = missed.job_by_id["m1"]
    assert visit.duration_minutes == 5 and visit.lock is not None


def _promised(jid: str, x: float, start: str, end: str, **extra: object) -> dict[str, object]:
    return job(jid, x, minutes=60, appointment={"start": at(start), "end": at(end)}, **extra)


def test_an_emergency_call_bumps_a_promised_visit_unless_promises_come_first() -> None:
    # One engineer with one free hour: Mrs P was promised 10:30; an emergency next door must
    # start between 10:00 and 11:00 and takes an hour too. Only one of them fits its window.
    day = THURSDAY.problem(
        [_promised("p", 10, "10:30", "10:30")], [engineer("solo", shift=("08:00", "12:00"))]
    )
    plan = planned(day)
    emergency = Job.model_validate(
        job("e", 10, minutes=60, windows=[("10:00", "11:00")], priority=9)
    )
    changed = apply_event(day, plan, JobArrived(job=emergency), now=at("09:00"))
    # By default a promise gives way to an emergency: the emergency outweighs it, and Mrs P is
    # seen outside her appointment, which the plan lists as broken.
    bumped = replan(changed, plan, now=at("09:00"), time_limit=2)
    assert validate(changed, bumped) == []
    assert bumped.route_of("e") is not None and bumped.route_of("p") is not None
    assert [b.job_id for b in bumped.broken_appointments] == ["p"]
    # Promises first: Mrs P keeps her visit and the emergency is left for someone else.
    first = Disruption(keep_promises=True)
    kept = replan(changed, plan, now=at("09:00"), time_limit=2, disruption=first)
    assert validate(changed, kept) == []
    assert stop_of(kept, "p") == stop_of(plan, "p")
    assert [u.job_id for u in kept.unassigned] == ["e"]
    assert kept.broken_appointments == []


def test_a_promise_outweighs_two_urgent_calls_and_gives_way_to_an_emergency() -> None:
    # One engineer free until 11:45: Mrs P was promised 10:30 (an hour's visit); two urgent
    # calls next door must each start between 10:00 and 11:00. Both calls fit, or one and Mrs P.
    day = THURSDAY.problem(
        [_promised("p", 10, "10:30", "10:30")], [engineer("solo", shift=("08:00", "11:45"))]
    )
    plan = planned(day)
    changed = day
    for jid in ("u1", "u2"):
        call = Job.model_validate(job(jid, 10, windows=[("10:00", "11:00")], priority=6))
        changed = apply_event(changed, plan, JobArrived(job=call), now=at("09:00"))
    # By default only emergencies may bump a promise: Mrs P keeps her time, one call waits.
    kept = replan(changed, plan, now=at("09:00"), time_limit=2)
    assert validate(changed, kept) == []
    assert stop_of(kept, "p") == stop_of(plan, "p")
    assert len(kept.unassigned) == 1 and kept.unassigned[0].job_id in ("u1", "u2")
    # Weighed additively, a promise counts as a call five levels higher: two urgent calls
    # outweigh it.
    additive = Disruption(give_way_to=None)
    bumped = replan(changed, plan, now=at("09:00"), time_limit=2, disruption=additive)
    assert validate(changed, bumped) == []
    assert bumped.route_of("u1") is not None and bumped.route_of("u2") is not None
    assert not _kept(changed, bumped, "p")
    # An emergency still does.
    emergency = Job.model_validate(
        job("e", 10, minutes=60, windows=[("10:00", "11:00")], priority=9)
    )
    urgent_day = apply_event(day, plan, JobArrived(job=emergency), now=at("09:00"))
    after = replan(urgent_day, plan, now=at("09:00"), time_limit=2)
    assert validate(urgent_day, after) == []
    assert after.route_of("e") is not None
    assert not _kept(urgent_day, after, "p")


def _kept(day: Problem, plan: Plan, job_id: str) -> bool:
    """True when the job is served inside its appointment (else it is out or listed broken)."""
    route = plan.route_of(job_id)
    appointment = day.job_by_id[job_id].appointment
    if route is None or appointment is None:
        return False
    start = next(s.start for s in route.jobs if s.job_id == job_id)
    inside = appointment.contains(start)
    assert inside != (job_id in {b.job_id for b in plan.broken_appointments})
    return inside


def test_a_promised_visit_stays_with_its_engineer_while_she_can_keep_it() -> None:
    # Ann was promised to Mr P at 13:00-14:00; a two-hour call only Ann can do comes in for
    # 12:30-13:00. Bob could take Mr P instead, but the promise was Ann's.
    day = THURSDAY.problem(
        [_promised("p", 12, "13:00", "14:00")],
        [engineer("ann", 10), engineer("bob", 30)],
    )
    plan = planned(day)
    assert stop_of(plan, "p")[0] == "ann"
    call = Job.model_validate(
        job("c", 10, minutes=120, windows=[("12:30", "13:00")], required_engineers=["ann"])
    )
    changed = apply_event(day, plan, JobArrived(job=call), now=at("09:00"))
    kept = replan(changed, plan, now=at("09:00"), time_limit=2)
    assert validate(changed, kept) == []
    assert stop_of(kept, "p")[0] == "ann"
    assert [u.job_id for u in kept.unassigned] == ["c"]
    moved = replan(
        changed, plan, now=at("09:00"), time_limit=2, disruption=Disruption(keep_engineer=False)
    )
    assert validate(changed, moved) == []
    assert stop_of(moved, "p")[0] == "bob" and stop_of(moved, "c")[0] == "ann"
    assert diff_plans(plan, moved).broken_appointments == []


def test_before_the_search_a_free_hour_goes_to_the_emergency_not_the_earlier_call() -> None:
    # Solo's morning has one free hour (09:00-10:00) between two promised visits. Two calls
    # came in for it: a standard repair next door and an emergency a little further. The old
    # routes are filled heaviest first, so the emergency takes the hour and the repair waits.
    day = THURSDAY.problem(
        [_promised("p1", 2, "08:00", "08:10"), _promised("p2", 2, "10:20", "10:30")],
        [engineer("solo", shift=("08:00", "12:00"))],
    )
    plan = planned(day)
    repair = Job.model_validate(job("a", 2, minutes=45, windows=[("09:00", "10:00")]))
    emergency = Job.model_validate(
        job("e", 4, minutes=45, windows=[("09:00", "10:00")], priority=9)
    )
    changed = apply_event(day, plan, JobArrived(job=repair), now=at("08:30"))
    changed = apply_event(changed, plan, JobArrived(job=emergency), now=at("08:30"))
    price = Disruption()
    steered = _steered(changed, plan, at("08:30"), price, relax=set())
    warm = _holding(steered, retimed(steered, _warm(changed, plan), at("08:30")))
    assert warm is not None and warm.route_of("e") is None
    filled = _filled(steered, warm, at("08:30"), price, budget_s=1.0)
    assert filled.route_of("e") is not None and filled.route_of("a") is None
    assert _holding(steered, filled) is not None
    assert stop_of(filled, "p2") == stop_of(plan, "p2")

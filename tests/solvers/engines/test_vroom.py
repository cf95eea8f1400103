"""The VROOM engine on named days: every plan passes the independent validator."""

from __future__ import annotations

from datetime import date

from dispatchopt.models import UnassignedReason
from dispatchopt.solvers.capabilities import Capabilities
from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.engines.vroom import Vroom, vroom_routes
from dispatchopt.solvers.stop import Deadline
from dispatchopt.validate import validate
from tests.days import Day
from tests.solvers.scenarios import fridge_and_boiler_day

DAY = Day(date(2025, 6, 2))


def test_fridge_and_boiler_day_keeps_skills_windows_and_lunch_breaks() -> None:
    day = fridge_and_boiler_day()
    plan = Vroom().solve(compile_problem(day), deadline=Deadline.after(2))
    assert validate(day, plan) == []
    served = {s.job_id: r.engineer_id for r in plan.routes for s in r.jobs}
    assert served["boiler"] == "ben" and served["fridge-am"] == "ana"
    assert all(len(r.breaks) == 1 for r in plan.routes)


def test_a_senior_installer_is_planned_with_her_shorter_time_on_site() -> None:
    day = DAY.problem(
        [
            DAY.job(
                "aircon",
                5,
                0,
                90,
                [("09:00", "09:30")],
                skills=[{"skill": "aircon"}],
                duration_by_level={"3": 60},
            )
        ],
        [DAY.engineer("senior", skills={"aircon": 3}), DAY.engineer("junior", 40, 0)],
    )
    plan = Vroom().solve(compile_problem(day), deadline=Deadline.after(1))
    assert validate(day, plan) == []
    (stop,) = plan.routes[0].stops
    assert (stop.end - stop.start).total_seconds() == 3600


def test_a_locked_start_is_kept_and_more_work_than_fits_is_explained() -> None:
    day = DAY.problem(
        [
            DAY.job("pinned", 5, 0, 60, lock={"engineer_id": "ana", "start": DAY.at("10:00")}),
            *[DAY.job(f"j{i}", 3 + i, 2, 120) for i in range(6)],
        ],
        [DAY.engineer("ana", shift=("08:00", "14:00"))],
    )
    plan = Vroom().solve(compile_problem(day), deadline=Deadline.after(1))
    assert validate(day, plan) == []
    pinned = next(s for s in plan.routes[0].stops if s.job_id == "pinned")
    assert pinned.start == DAY.at("10:00")
    assert {u.reason for u in plan.unassigned} == {UnassignedReason.CAPACITY}


def test_vroom_starts_from_given_routes_with_their_breaks() -> None:
    day = fridge_and_boiler_day()
    cp = compile_problem(day)
    first = Vroom().solve(cp, deadline=Deadline.after(1))
    again = Vroom().solve(cp, deadline=Deadline.after(1), initial=first)
    assert validate(day, again) == []
    assert again.summary is not None and first.summary is not None
    assert again.summary.jobs_served >= first.summary.jobs_served
    assert vroom_routes(cp, deadline=Deadline.after(1)) != []


def test_days_with_depot_visits_or_precedence_are_not_for_vroom() -> None:
    depot_day = DAY.problem(
        [DAY.job("fridge", 1, 1, parts=[{"sku": "compressor"}])],
        [DAY.engineer("ana")],
        parts=[{"sku": "compressor"}],
        depots=[{"id": "d", "location": {"x": 0, "y": 1}, "stock": {"compressor": 1}}],
    )
    assert "depots" in (Vroom().unsupported(Capabilities.of(depot_day)) or "")
    chain = DAY.problem(
        [DAY.job("a", 1, 1), DAY.job("b", 2, 2, after=["a"])], [DAY.engineer("ana")]
    )
    assert "precedence" in (Vroom().unsupported(Capabilities.of(chain)) or "")

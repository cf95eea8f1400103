"""The routing model built from compiled data, and its decoding, on tiny named days.

Routes are handed to the model directly (``ReadAssignmentFromRoutes``), so every time below
follows from the matrix and can be checked on paper: 1 km = 60 s, the day starts 08:00 UTC.
"""

from __future__ import annotations

from datetime import date

import pytest
from ortools.constraint_solver import pywrapcp

from dispatchopt.models import UnassignedReason
from dispatchopt.solvers.compiled import CompiledProblem, compile_problem
from dispatchopt.solvers.engines.ortools import model
from dispatchopt.solvers.engines.ortools.decode import decode
from dispatchopt.solvers.engines.ortools.model import RoutingBuild, build_routing_model
from dispatchopt.solvers.engines.ortools.params import search_parameters
from dispatchopt.solvers.stop import Deadline
from dispatchopt.validate import validate
from tests.days import Day

DAY = Day(date(2025, 6, 2))


def ana_and_two_jobs_east():  # type: ignore[no-untyped-def]
    """Ana at home (0, 0), 08:00-17:00, lunch 30 min in 12:00-14:00; a 30-min visit at 10 km
    east that may start 09:00-10:00, and a 60-min one at 20 km east with no window."""
    return DAY.problem(
        [
            DAY.job("near", 10, 0, 30, [("09:00", "10:00")]),
            DAY.job("far", 20, 0, 60),
        ],
        [DAY.engineer("ana", breaks=[("12:00", "14:00", 30)])],
    )


def _model(cp: CompiledProblem) -> RoutingBuild:
    build = build_routing_model(cp)
    params = search_parameters(Deadline.after(5), len(cp.jobs))
    build.routing.CloseModelWithParameters(params)
    return build


def _read(build: RoutingBuild, routes: list[list[int]]) -> pywrapcp.Assignment:
    assignment = build.routing.ReadAssignmentFromRoutes(
        [[build.manager.NodeToIndex(n) for n in r] for r in routes], True
    )
    assert assignment is not None, "the model rejected routes that keep every rule"
    return assignment


def test_job_windows_and_allowed_vehicles_become_cumul_ranges_and_vehicle_vars() -> None:
    cp = compile_problem(ana_and_two_jobs_east())
    build = _model(cp)
    near = build.manager.NodeToIndex(0)
    time = build.time
    assert (time.CumulVar(near).Min(), time.CumulVar(near).Max()) == (3600, 7200)
    assert build.routing.VehicleVar(near).Min() == -1  # optional to the engine
    assert len(build.breaks[0]) == 1
    lunch = build.breaks[0][0]
    assert (lunch.StartMin(), lunch.StartMax(), lunch.DurationMin()) == (4 * 3600, 5.5 * 3600, 1800)


def test_a_route_that_keeps_every_rule_is_accepted_and_decodes_to_exact_times() -> None:
    day = ana_and_two_jobs_east()
    cp = compile_problem(day)
    build = _model(cp)
    solved = build.routing.SolveFromAssignmentWithParameters(
        _read(build, [[0, 1]]), search_parameters(Deadline.after(5, max_solutions=1), 2)
    )
    plan = decode(cp, build, solved)
    assert validate(day, plan) == []
    (route,) = plan.routes
    near, far = route.stops
    assert near.start >= DAY.at("09:00") and near.travel_s == 600
    assert far.travel_s == 600 and far.end - far.start == (DAY.at("01:00") - DAY.at("00:00"))
    assert route.return_travel_s == 1200
    assert plan.unassigned == []


def test_a_route_that_breaks_a_window_is_rejected() -> None:
    cp = compile_problem(
        DAY.problem(
            [
                DAY.job("first", 10, 0, 30, [("16:00", "16:30")]),
                DAY.job("second", 20, 0, 30, [("08:00", "09:00")]),
            ],
            [DAY.engineer("ana")],
        )
    )
    build = _model(cp)
    # "second" must start by 09:00, but "first" cannot start before 16:00.
    assert (
        build.routing.ReadAssignmentFromRoutes(
            [[build.manager.NodeToIndex(n) for n in (0, 1)]], True
        )
        is None
    )


def test_jobs_left_out_of_the_routes_are_decoded_as_unassigned_with_a_reason() -> None:
    day = DAY.problem(
        [
            DAY.job("routed", 5, 0),
            DAY.job("optional", 6, 0, optional=True, penalty=10),
            DAY.job("mandatory", 7, 0),
        ],
        [DAY.engineer("ana")],
    )
    cp = compile_problem(day)
    build = _model(cp)
    plan = decode(cp, build, _read(build, [[0]]))
    assert [s.job_id for s in plan.routes[0].stops] == ["routed"]
    reasons = {u.job_id: u.reason for u in plan.unassigned}
    assert reasons == {
        "optional": UnassignedReason.NOT_WORTH_ITS_PENALTY,
        "mandatory": UnassignedReason.CAPACITY,
    }


def test_a_part_that_arrives_after_the_day_ends_leaves_the_rest_of_the_day_plannable() -> None:
    # Two compressors reach the Vaise depot, one at 09:00 and one at 17:01, a minute after
    # Ana's day ends: the pickup of the second can never happen, and must not make the
    # routing model infeasible (it once raised "CP Solver fail").
    from dispatchopt import validate
    from dispatchopt.solvers.engines.ortools import solve_ortools
    from tests.days import Day

    day = Day(date(2024, 3, 4))
    problem = day.problem(
        [
            day.job("fridge1", 5, parts=[{"sku": "compressor", "quantity": 1}]),
            day.job("fridge2", 6, parts=[{"sku": "compressor", "quantity": 1}]),
        ],
        [day.engineer("ana")],
        parts=[{"sku": "compressor"}],
        depots=[{"id": "vaise", "location": {"x": 0, "y": 0}, "pickup_minutes": 5}],
        part_arrivals=[
            {"sku": "compressor", "quantity": 1, "depot_id": "vaise", "expected_at": day.at(t)}
            for t in ("09:00", "17:01")
        ],
    )
    plan = solve_ortools(problem, time_limit=1)
    assert validate(problem, plan) == []
    assert len([s for r in plan.routes for s in r.jobs]) == 1
    assert [u.reason for u in plan.unassigned] == ["awaiting_parts"]


def ana_ben_and_a_fix_that_prefers_ana(penalty: float):  # type: ignore[no-untyped-def]
    """Ana at home (0, 0), Ben at (4, 0); a fridge fix 5 km east that prefers Ana (1 km from
    Ben, 5 from her), the preference priced at ``penalty`` against the distance driven."""
    return DAY.problem(
        [DAY.job("fix", 5, 0, preferred_engineers=["ana"])],
        [DAY.engineer("ana"), DAY.engineer("ben", 4)],
        objective={"kind": "distance", "non_preferred_penalty": penalty},
    )


@pytest.mark.parametrize("budget", [model.MATRIX_BUDGET, 0], ids=["matrices", "dimension"])
def test_a_preference_weighs_the_same_in_cost_matrices_and_on_its_own_dimension(
    monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    # Past the matrix budget (a re-plan of 2 000 jobs prices every job off its engineer) the
    # surcharges move to a dimension; the job must still go where they send it.
    monkeypatch.setattr(model, "MATRIX_BUDGET", budget)
    for penalty, who in ((1000.0, "ana"), (0.0, "ben")):
        day = ana_ben_and_a_fix_that_prefers_ana(penalty)
        cp = compile_problem(day)
        build = _model(cp)
        names = list(build.routing.GetAllDimensionNames())
        assert (model.SURCHARGE in names) == (budget == 0 and penalty > 0)
        solved = build.routing.SolveWithParameters(
            search_parameters(Deadline.after(2, max_solutions=1), len(cp.jobs))
        )
        plan = decode(cp, build, solved)
        assert validate(day, plan) == []
        route = plan.route_of("fix")
        assert route is not None and route.engineer_id == who

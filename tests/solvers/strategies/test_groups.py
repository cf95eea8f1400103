"""Group re-optimisation: groups share out vehicles and jobs, and a plan never gets worse."""

from __future__ import annotations

from pathlib import Path

from dispatchopt.io import read_solomon
from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.compiled.restrict import restrict
from dispatchopt.solvers.engines.greedy import plan_greedy
from dispatchopt.solvers.engines.ortools import OrTools
from dispatchopt.solvers.objective import plan_score
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies.groups import improve_by_groups, node_positions, vehicle_groups
from dispatchopt.validate import validate

C101 = Path(__file__).parents[2] / "data" / "C101.txt"


def _nodes(cp, plan):  # type: ignore[no-untyped-def]
    node_of = {j.job_id: j.node for j in cp.jobs}
    vehicle_of = {(v.engineer_id, v.shift_index): i for i, v in enumerate(cp.vehicles)}
    out: list[list[int]] = [[] for _ in cp.vehicles]
    for r in plan.routes:
        out[vehicle_of[(r.engineer_id, r.shift_index)]] = [node_of[s.job_id] for s in r.jobs]
    return out


def test_every_vehicle_and_every_job_is_in_exactly_one_group_each_round() -> None:
    cp = compile_problem(read_solomon(C101))
    plan = plan_greedy(cp)
    routes = _nodes(cp, plan)
    served = {n for r in routes for n in r}
    unplanned = [j.node for j in cp.jobs if j.node not in served]
    xy = node_positions(cp)
    assert xy is not None
    for round_no in range(3):
        groups = vehicle_groups(cp, routes, unplanned, group_jobs=30, round_no=round_no, xy=xy)
        vehicles = [v for g in groups for v in g.vehicles]
        jobs = [j for g in groups for j in g.jobs]
        assert len(vehicles) == len(set(vehicles))
        assert len(jobs) == len(set(jobs)) == len(cp.jobs)
        assert all(len(g.jobs) <= 60 for g in groups)


def test_a_part_keeps_its_jobs_vehicles_and_their_routes() -> None:
    cp = compile_problem(read_solomon(C101))
    plan = plan_greedy(cp)
    routes = _nodes(cp, plan)
    part = restrict(cp, routes[0] + routes[1], (0, 1))
    assert [j.job_id for j in part.cp.jobs] == [cp.jobs[n].job_id for n in routes[0] + routes[1]]
    assert [v.engineer_id for v in part.cp.vehicles] == [
        cp.vehicles[0].engineer_id,
        cp.vehicles[1].engineer_id,
    ]
    inside = part.routes_in(routes)
    assert part.routes_out(inside) == {0: routes[0], 1: routes[1]}
    assert (
        part.cp.travel(0)[part.cp.vehicles[0].start_node, 0]
        == cp.travel(0)[cp.vehicles[0].start_node, routes[0][0]]
    )


def test_improving_by_groups_never_makes_the_plan_worse_and_keeps_every_rule() -> None:
    c101 = read_solomon(C101)
    cp = compile_problem(c101)
    start = plan_greedy(cp)
    better = improve_by_groups(
        cp,
        start,
        OrTools(cold_start=False),
        deadline=Deadline.after(3),
        group_jobs=30,
        group_seconds=0.4,
    )
    assert validate(c101, better) == []
    assert plan_score(c101, better) <= plan_score(c101, start)
    served = [s.job_id for r in better.routes for s in r.jobs]
    assert len(served) + len(better.unassigned) == len(c101.jobs)

"""TRSP (Pillac et al.) instances: reader mapping, the working-time objective, and solving."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatchopt.errors import FormatError
from dispatchopt.io import load_problem
from dispatchopt.io.trsp import DEPOT_ID, read_trsp, working_time
from dispatchopt.models import Plan
from dispatchopt.solvers.engines.greedy import solve_greedy
from dispatchopt.solvers.engines.ortools import solve_ortools as solve
from dispatchopt.validate import validate

TINY = Path(__file__).parents[1] / "data" / "trsp_tiny.txt"


def test_tiny_instance_maps_technicians_requests_and_the_main_depot() -> None:
    problem = load_problem(TINY)  # detected by its CREW COUNT header
    assert [e.id for e in problem.engineers] == ["1", "2"]
    assert [j.id for j in problem.jobs] == ["3", "4", "5", "6", "7"]
    ana = problem.engineer_by_id["1"]
    assert ana.skills == {"s0": 1} and ana.tools == ["t0"] and ana.van_stock == {"p0": 1}
    job4 = problem.job_by_id["4"]
    assert [p.sku for p in job4.parts] == ["p0"] and job4.tools == ["t0"]
    assert job4.duration_minutes == 30
    depot = problem.depot_by_id[DEPOT_ID]
    assert depot.unlimited and set(depot.tools) == {"t0", "t1"}
    assert problem.objective.kind == "working_time"


def test_two_jobs_need_the_one_part_in_the_van_so_a_restock_comes_between() -> None:
    # Technician 1 carries one p0 but jobs 3 and 4 need one each; only 1 has skill s0, with
    # tool t0 in the van, so the second of them must follow a visit to the depot ("0").
    problem = read_trsp(TINY)
    for plan in (solve(problem, time_limit=1), solve_greedy(problem)):
        assert validate(problem, plan) == []
        assert plan.unassigned == []
        route = next(r for r in plan.routes if r.engineer_id == "1")
        kinds = [(s.kind, s.job_id) for s in route.stops]
        assert ("pickup", DEPOT_ID) in kinds
        second_part_job = max(kinds.index(("job", "3")), kinds.index(("job", "4")))
        assert kinds.index(("pickup", DEPOT_ID)) < second_part_job


def test_working_time_follows_the_papers_definition_on_a_hand_made_route() -> None:
    problem = read_trsp(TINY)
    plan = Plan.model_validate(
        {
            "routes": [
                {
                    "engineer_id": "2",
                    "departure": "2000-01-01T00:00:00Z",
                    "arrival": "2000-01-01T10:00:00Z",
                    "stops": [
                        {
                            "job_id": "6",
                            "arrival": "2000-01-01T00:20:00Z",
                            "start": "2000-01-01T03:20:00Z",
                            "end": "2000-01-01T03:50:00Z",
                        }
                    ],
                }
            ],
        }
    )
    total, distance = working_time(problem, plan)
    # 20 out, 30 on site, 20 back; the 180-minute wait before the window opens is avoided
    # by leaving later, so it does not count.
    assert distance == pytest.approx(40.0)
    assert total == pytest.approx(70.0)


def test_broken_trsp_file_names_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(TINY.read_text().replace("[1,0]", "[1,0,7]", 1))
    with pytest.raises(FormatError, match="spare parts"):
        read_trsp(bad)
    with pytest.raises(FormatError, match="CREW COUNT"):
        (tmp_path / "nohead.txt").write_text("x\n0 1 2 0 10 0 [] [] []\n")
        read_trsp(tmp_path / "nohead.txt")

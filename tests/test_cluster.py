"""Dask clusters as the executor: a real LocalCluster plans the regions as in-process planning
does, survives a worker killed mid-solve, and a scheduler that does not answer is one line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from typer.testing import CliRunner  # noqa: E402

import dispatchopt.cluster  # noqa: E402
from dispatchopt.cli import EXIT_CLUSTER, app  # noqa: E402
from dispatchopt.cluster import Cluster, dask_cluster  # noqa: E402
from dispatchopt.errors import ClusterError  # noqa: E402
from dispatchopt.models import Plan, Problem  # noqa: E402
from dispatchopt.scenarios import generate_scenario  # noqa: E402
from dispatchopt.simulate.sweep import run_sweep  # noqa: E402
from dispatchopt.solvers import Deadline, solve_regions  # noqa: E402
from dispatchopt.solvers.strategies.regional import RegionBudget, RegionRun, regional  # noqa: E402
from dispatchopt.validate import validate  # noqa: E402
from tests.solvers.scenarios import three_towns_day  # noqa: E402

REPEATABLE = {"max_solutions": 30}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with dask_cluster(workers=2) as running:
        yield running


def _routes(plan: Plan) -> dict[str, list[str]]:
    return {r.engineer_id: [s.job_id for s in r.jobs] for r in plan.routes}


def test_the_cluster_plans_the_regions_as_planning_here_does(cluster: Cluster) -> None:
    day = three_towns_day()
    here = solve_regions(day, deadline=Deadline.after(30, **REPEATABLE), regions=3)
    there = solve_regions(
        day,
        deadline=Deadline.after(30, **REPEATABLE),
        regions=3,
        executor=cluster.executor,
        scatter=cluster.scatter,
        slots=cluster.slots,
    )
    assert cluster.slots == 2
    assert _routes(there) == _routes(here)
    assert validate(day, there) == []


def test_a_sweep_on_the_cluster_gives_the_kpis_of_a_sweep_here(cluster: Cluster) -> None:
    day = generate_scenario(12, 2, 4)
    here = run_sweep(day, ["greedy"], [1, 2])
    there = run_sweep(day, ["greedy"], [1, 2], executor=cluster.executor, scatter=cluster.scatter)
    assert [(r.policy, r.seed, r.kpis.served) for r in there] == [
        (r.policy, r.seed, r.kpis.served) for r in here
    ]


def _killed_once(marker: Path) -> RegionRun:
    """A region run that kills its worker process the first time it plans region r01."""

    def run(problem: Problem, budget: RegionBudget, initial: Plan | None) -> Plan:
        from dispatchopt.solvers.front_door import _region

        if problem.name.endswith("(r01)") and not marker.exists():
            marker.write_text("killed", encoding="utf-8")
            os.kill(os.getpid(), 9)
        return _region(problem, budget, initial)

    return run


def test_a_region_whose_worker_dies_is_planned_again_elsewhere(
    cluster: Cluster, tmp_path: Path
) -> None:
    day = three_towns_day()
    marker = tmp_path / "killed"
    plan = regional(
        day,
        _killed_once(marker),
        deadline=Deadline.after(60, **REPEATABLE),
        regions=3,
        executor=cluster.executor,
        scatter=cluster.scatter,
        slots=cluster.slots,
    )
    assert marker.exists()
    assert validate(day, plan) == []
    served = [s.job_id for r in plan.routes for s in r.jobs]
    assert sorted(served + [u.job_id for u in plan.unassigned]) == sorted(j.id for j in day.jobs)


def _closed_port() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def test_a_scheduler_that_does_not_answer_is_a_cluster_error() -> None:
    with (
        pytest.raises(ClusterError, match="cannot reach the Dask scheduler"),
        dask_cluster(scheduler=_closed_port(), timeout_s=1),
    ):
        pass


def test_plan_with_an_unreachable_scheduler_exits_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatchopt.cluster, "CONNECT_TIMEOUT_S", 1.0)
    day = tmp_path / "day.json"
    day.write_text(three_towns_day().model_dump_json(), encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", str(day), "--scheduler", _closed_port(), "-t", "20"])
    assert result.exit_code == EXIT_CLUSTER
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "cannot reach the Dask scheduler" in errors[0]


def test_plan_with_workers_writes_a_plan_the_validator_accepts(tmp_path: Path) -> None:
    day = tmp_path / "day.json"
    out = tmp_path / "plan.json"
    problem = three_towns_day()
    day.write_text(problem.model_dump_json(), encoding="utf-8")
    args = ["plan", str(day), "--workers", "1", "--regions", "3", "-t", "20", "--brief"]
    result = CliRunner().invoke(app, [*args, "--max-solutions", "30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "regions(" in result.output
    plan = Plan.model_validate_json(out.read_text(encoding="utf-8"))
    assert validate(problem, plan) == []

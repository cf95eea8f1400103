"""Policy simulator: replays a scenario's day under dispatch policies and scores them with KPIs."""

from dispatchopt.simulate.compare import run_policies, simulate_command
from dispatchopt.simulate.kpis import Kpis, compute_kpis, rich_table, to_csv, to_markdown
from dispatchopt.simulate.policies import (
    BatchPlan,
    DispatchPolicy,
    GreedyNearest,
    RollingReoptimisation,
    parse_policy,
    plan_queues,
)
from dispatchopt.simulate.simulator import SimulationResult, simulate
from dispatchopt.simulate.state import DispatchState

__all__ = [
    "BatchPlan",
    "DispatchPolicy",
    "DispatchState",
    "GreedyNearest",
    "Kpis",
    "RollingReoptimisation",
    "SimulationResult",
    "compute_kpis",
    "parse_policy",
    "plan_queues",
    "rich_table",
    "run_policies",
    "simulate",
    "simulate_command",
    "to_csv",
    "to_markdown",
]

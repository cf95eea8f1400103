"""Policy simulator: replays a scenario's day under dispatch policies and scores them with KPIs.

The simulator, policies and KPIs load on first use, so registering the ``simulate`` command
(``dispatchopt.simulate.cli``) imports none of them.
"""

from typing import TYPE_CHECKING

from dispatchopt._lazy import lazy_getattr

if TYPE_CHECKING:
    from dispatchopt.simulate.compare import run_policies, simulate_command
    from dispatchopt.simulate.kpis import Kpis, compute_kpis, rich_table, to_csv, to_markdown
    from dispatchopt.simulate.live_dispatch import LiveDispatch
    from dispatchopt.simulate.policies import (
        BatchPlan,
        DispatchPolicy,
        GreedyNearest,
        RollingReoptimisation,
        parse_policy,
        plan_queues,
    )
    from dispatchopt.simulate.promises import Promise, PromiseKeeping, keeping
    from dispatchopt.simulate.simulator import SimulationResult, simulate
    from dispatchopt.simulate.state import DispatchState

_LAZY = {
    "run_policies": "dispatchopt.simulate.compare",
    "simulate_command": "dispatchopt.simulate.compare",
    "Kpis": "dispatchopt.simulate.kpis",
    "compute_kpis": "dispatchopt.simulate.kpis",
    "rich_table": "dispatchopt.simulate.kpis",
    "to_csv": "dispatchopt.simulate.kpis",
    "to_markdown": "dispatchopt.simulate.kpis",
    "LiveDispatch": "dispatchopt.simulate.live_dispatch",
    "Promise": "dispatchopt.simulate.promises",
    "PromiseKeeping": "dispatchopt.simulate.promises",
    "keeping": "dispatchopt.simulate.promises",
    "BatchPlan": "dispatchopt.simulate.policies",
    "DispatchPolicy": "dispatchopt.simulate.policies",
    "GreedyNearest": "dispatchopt.simulate.policies",
    "RollingReoptimisation": "dispatchopt.simulate.policies",
    "parse_policy": "dispatchopt.simulate.policies",
    "plan_queues": "dispatchopt.simulate.policies",
    "SimulationResult": "dispatchopt.simulate.simulator",
    "simulate": "dispatchopt.simulate.simulator",
    "DispatchState": "dispatchopt.simulate.state",
}


__getattr__ = lazy_getattr("dispatchopt.simulate", _LAZY)


__all__ = [
    "BatchPlan",
    "DispatchPolicy",
    "DispatchState",
    "GreedyNearest",
    "Kpis",
    "LiveDispatch",
    "Promise",
    "PromiseKeeping",
    "RollingReoptimisation",
    "SimulationResult",
    "compute_kpis",
    "keeping",
    "parse_policy",
    "plan_queues",
    "rich_table",
    "run_policies",
    "simulate",
    "simulate_command",
    "to_csv",
    "to_markdown",
]

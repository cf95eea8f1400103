"""Where the live policy's kilometres go, on one generated day: legs by SLA tier (live and
greedy), and what became of each emergency or urgent call when it came in.

Run from the repository root: ``python benchmarks/experiments/live_diagnostics.py --seed 1``
(about two minutes). Prints; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from dispatchopt.live.insert import Update  # noqa: E402
from dispatchopt.models import Problem  # noqa: E402
from dispatchopt.scenarios import generate_scenario  # noqa: E402
from dispatchopt.simulate.kpis import sla_tier  # noqa: E402
from dispatchopt.simulate.live_dispatch import LiveDispatch  # noqa: E402
from dispatchopt.simulate.policies import GreedyNearest  # noqa: E402
from dispatchopt.simulate.simulator import SimulationResult, simulate  # noqa: E402
from dispatchopt.simulate.state import DispatchState  # noqa: E402


@dataclass(frozen=True)
class Watched(LiveDispatch):
    """The live policy, noting what each call with an SLA clock got when it came in."""

    log: list[str] = field(default_factory=list, compare=False)

    def _insert(self, state: DispatchState, problem: Problem, job_id: str) -> Update | None:
        out = super()._insert(state, problem, job_id)
        self._note(state, job_id, "insert", out)
        return out

    def _bump(self, state: DispatchState, problem: Problem, job_id: str) -> Update | None:
        out = super()._bump(state, problem, job_id)
        self._note(state, job_id, "bump", out)
        return out

    def _note(self, state: DispatchState, job_id: str, how: str, out: Update | None) -> None:
        tier = sla_tier(state.full.job_by_id[job_id])
        if tier == "standard":
            return
        nearest = min(
            (state.travel_s(e, job_id) / 60, e) for e in state.engineers if state.can_do(e, job_id)
        )
        where = "did not fit"
        route = None if out is None else out.plan.route_of(job_id)
        if route is not None:
            stop = next(s for s in route.jobs if s.job_id == job_id)
            wait = (stop.start - state.now).total_seconds() / 60
            where = (
                f"{route.engineer_id}, leg {stop.distance_m / 1000:.1f} km, starts +{wait:.0f} min"
            )
        self.log.append(
            f"{state.now:%H:%M} {tier:9} {job_id} {how:6} {where:40} "
            f"(nearest able engineer {nearest[1]}, {nearest[0]:.0f} min away)"
        )


def legs(result: SimulationResult) -> dict[str, Any]:
    """Visits and mean leg km by SLA tier of the job driven to."""
    by: dict[str, list[int]] = defaultdict(list)
    for r in result.plan.routes:
        for s in r.jobs:
            by[sla_tier(result.scenario.problem.job_by_id[s.job_id])].append(s.distance_m)
    return {t: (len(v), round(sum(v) / 1000 / len(v), 2)) for t, v in sorted(by.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=2.0)
    args = parser.parse_args()
    day = generate_scenario(200, 20, args.seed)
    greedy = simulate(day, GreedyNearest())
    watched = Watched(time_limit=args.time_limit)
    live = simulate(day, watched)
    for name, result in (("greedy", greedy), ("live", live)):
        km = sum(r.distance_m for r in result.plan.routes) / 1000
        print(f"{name}: {km:.0f} km; (visits, mean leg km) by tier {legs(result)}")
    print("\n".join(watched.log))


if __name__ == "__main__":
    main()

"""Variants of the live policy, to see which part of its day costs the kilometres and hours
that keep it behind greedy on cost: planned overtime, standard calls put in on arrival, and
how far ahead standard work is committed.

Run from the repository root, e.g.
``python benchmarks/experiments/live_variants.py --seeds 1 2 3 --variant no-overtime``
(a few minutes per seed). Prints one line per seed and the mean; writes nothing. Variants:

- ``live``: the policy as shipped (``LiveDispatch``).
- ``no-overtime``: every (re-)plan and insert sees engineers without their overtime allowance
  (the simulator still lets a visit run into it).
- ``standard-waits``: a standard call is not put in when it comes in; the next tick's re-plan
  decides (emergency and urgent calls as shipped).
- ``standard-waits-no-overtime``: both.
- ``horizon:H``: a standard job not yet promised may only be planned to start within H hours
  of now (so the day's later hours stay free for the calls still to come).
- ``kmops``: the policy as shipped, printing the planned kilometres and jobs each kind of
  decision adds (measured at the moment of the decision, before and after).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from dispatchopt.live.edits import with_changes  # noqa: E402
from dispatchopt.live.insert import Update  # noqa: E402
from dispatchopt.models import Job, Plan, Problem, TimeWindow  # noqa: E402
from dispatchopt.scenarios import generate_scenario  # noqa: E402
from dispatchopt.simulate.kpis import compute_kpis, sla_tier  # noqa: E402
from dispatchopt.simulate.live_dispatch import INSERT_ON, LiveDispatch  # noqa: E402
from dispatchopt.simulate.policies import Queues  # noqa: E402
from dispatchopt.simulate.simulator import simulate  # noqa: E402
from dispatchopt.simulate.state import DispatchState  # noqa: E402


@dataclass(frozen=True)
class Variant(LiveDispatch):
    """The live policy with the experiment's switches."""

    overtime: bool = True
    standard_waits: bool = False
    horizon_hours: float | None = None

    def decide(self, state: DispatchState) -> Queues | None:
        if (
            self.standard_waits
            and "plan" in self._day
            and state.trigger in INSERT_ON
            and state.subject in state.pending
            and sla_tier(state.full.job_by_id[state.subject]) == "standard"
        ):
            return None
        return super().decide(state)

    def _problem(self, state: DispatchState) -> Problem:
        problem = super()._problem(state)
        if not self.overtime:
            engineers = [e.model_copy(update={"overtime_minutes": 0.0}) for e in problem.engineers]
            problem = with_changes(problem, engineers=engineers)
        if self.horizon_hours is not None:
            jobs = [self._open(state, j) for j in problem.jobs]
            problem = with_changes(problem, jobs=[j for j in jobs if j is not None])
        return problem

    def _insert(self, state: DispatchState, problem: Problem, job_id: str) -> Update | None:
        if self.horizon_hours is not None and self._open(state, problem_job(state, job_id)) is None:
            return None
        return super()._insert(state, problem, job_id)

    def _open(self, state: DispatchState, job: Job) -> Job | None:
        """The job as this plan may place it: a standard job not yet promised only within
        the horizon (``None`` when none of its windows opens by then)."""
        if self.horizon_hours is None or sla_tier(job) != "standard":
            return job
        if job.id in state.appointments:
            return job
        until = state.now + timedelta(hours=self.horizon_hours)
        return _cut(job, until, state.now)


def problem_job(state: DispatchState, job_id: str) -> Job:
    return state.open_problem.job_by_id[job_id]


def _cut(job: Job, until: datetime, now: datetime) -> Job | None:
    if not job.time_windows:
        return job.model_copy(update={"time_windows": [TimeWindow(start=now, end=until)]})
    windows = [
        TimeWindow(start=w.start, end=min(w.end, until))
        for w in job.time_windows
        if w.start <= until
    ]
    return job.model_copy(update={"time_windows": windows}) if windows else None


@dataclass(frozen=True)
class KmOps(LiveDispatch):
    """The shipped policy, adding up the planned km and jobs each kind of decision adds."""

    log: dict[str, list[float]] = field(
        default_factory=lambda: defaultdict(lambda: [0.0, 0.0, 0.0]), compare=False
    )

    def decide(self, state: DispatchState) -> Queues | None:
        before: Plan | None = self._day.get("plan")
        km0, n0 = _remaining(state, before)
        out = super().decide(state)
        after: Plan | None = self._day.get("plan")
        if after is not before:
            km1, n1 = _remaining(state, after)
            key = state.trigger
            if state.trigger in INSERT_ON and state.subject is not None:
                key += ":" + sla_tier(state.full.job_by_id[state.subject])
            entry = self.log[key]
            entry[0] += 1
            entry[1] += km1 - km0
            entry[2] += n1 - n0
        return out


def _remaining(state: DispatchState, plan: Plan | None) -> tuple[float, int]:
    """Planned km and visits of the jobs still pending, from each engineer's present point."""
    if plan is None:
        return 0.0, 0
    pending = set(state.pending)
    km, visits = 0.0, 0
    for route in plan.routes:
        st = state.engineers.get(route.engineer_id)
        if st is None:
            continue
        point = st.point
        for stop in route.jobs:
            if stop.job_id in pending:
                nxt = state.matrices.job_point[stop.job_id]
                km += state.matrices.distance(point, nxt) / 1000
                point, visits = nxt, visits + 1
    return km, visits


def make(name: str, time_limit: float) -> LiveDispatch:
    if name == "live":
        return LiveDispatch(time_limit=time_limit)
    if name == "kmops":
        return KmOps(time_limit=time_limit)
    if name == "no-overtime":
        return Variant(time_limit=time_limit, overtime=False)
    if name == "standard-waits":
        return Variant(time_limit=time_limit, standard_waits=True)
    if name == "standard-waits-no-overtime":
        return Variant(time_limit=time_limit, standard_waits=True, overtime=False)
    if name.startswith("horizon:"):
        return Variant(time_limit=time_limit, horizon_hours=float(name.split(":", 1)[1]))
    raise SystemExit(f"unknown variant {name!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--variant", default="live")
    parser.add_argument("--time-limit", type=float, default=2.0)
    args = parser.parse_args()
    rows = []
    for seed in args.seeds:
        policy = make(args.variant, args.time_limit)
        k = compute_kpis(simulate(generate_scenario(200, 20, seed), policy))
        row = {
            "weighted": k.weighted_service,
            "served": k.served,
            "cost": k.cost,
            "km": k.travel_km,
            "overtime_h": k.overtime_hours,
            "broken": k.appointments_broken,
            **{f"sla_{t}": v for t, v in k.sla_compliance.items()},
        }
        rows.append(row)
        print(seed, args.variant, {a: round(v, 3) for a, v in row.items()}, flush=True)
        if isinstance(policy, KmOps):
            for key, (ops, km, jobs) in sorted(policy.log.items()):
                per = km / jobs if jobs else float("nan")
                print(f"  {key:22} {ops:3.0f} decisions, {km:7.1f} km, {jobs:4.0f} jobs", end="")
                print(f", {per:.2f} km/job")
    mean = {a: statistics.fmean(r[a] for r in rows) for a in rows[0]}
    print("mean", args.variant, {a: round(v, 3) for a, v in mean.items()})


if __name__ == "__main__":
    main()

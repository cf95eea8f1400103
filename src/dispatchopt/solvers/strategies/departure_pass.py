"""Rush hours in two passes: plan safely, then re-price each drive for when the plan leaves.

The first pass prices a drive leaving a job with the slowest time over the span the job can be
left in (always valid); the second re-prices drives for departures near the first plan's and
searches on from it. The second plan is kept only if the independent validator accepts it at
its real departure times and it serves at least as many jobs for no more objective.
"""

from __future__ import annotations

from datetime import timedelta

from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.compiled import compile_problem
from dispatchopt.solvers.engines.ortools import SearchConfig, routes_from_plan, search
from dispatchopt.solvers.progress import ProgressCallback
from dispatchopt.solvers.stop import Deadline
from dispatchopt.validate import validate

DEPARTURE_MARGIN_S = 1800
"""In the second pass, a drive is priced for departures up to 30 min either side of when the
first plan left; a plan that strays further is caught by the validator."""


def departure_pass(
    problem: Problem,
    *,
    deadline: Deadline,
    seed: int = 0,
    config: SearchConfig | None = None,
    progress: ProgressCallback | None = None,
) -> Plan:
    """Plan ``problem`` in the two passes described above, half the time each."""
    started_with = deadline.remaining()
    first = search(
        compile_problem(problem, seed=seed),
        deadline=deadline.share(0.5),
        config=config,
        progress=progress,
    )
    assert first is not None
    margin = timedelta(seconds=DEPARTURE_MARGIN_S)
    departures = {
        stop.job_id: (stop.end - margin, stop.end + margin)
        for route in first.routes
        for stop in route.jobs
    }
    if deadline.remaining() <= 0.2 or not departures:
        return first
    cp = compile_problem(problem, seed=seed, departures=departures)
    second = search(
        cp, deadline=deadline, config=config, routes=routes_from_plan(cp, first), cold=False
    )
    if second is None or second.summary is None or first.summary is None:
        return first
    better = (second.summary.jobs_served, -(second.summary.objective or 0.0)) >= (
        first.summary.jobs_served,
        -(first.summary.objective or 0.0),
    )
    if better and not validate(problem, second):
        second.summary.solve_seconds = round(started_with - deadline.remaining(), 3)
        return second
    return first


def depends_on_time_of_day(problem: Problem) -> bool:
    """True when some drive takes longer at some hours than at others."""
    speed = getattr(problem.travel, "speed_profile", None)
    return speed is not None and any(f != 1.0 for f in speed.hourly_factors)


__all__ = ["DEPARTURE_MARGIN_S", "departure_pass", "depends_on_time_of_day"]

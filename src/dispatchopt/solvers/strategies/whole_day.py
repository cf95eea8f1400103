"""The whole day at once: one engine plans every job and engineer in one search.

The greedy baseline plans the day first; the engine's plan replaces it only when it is
better, so no engine can hand back a plan worse than the dispatcher's rule of thumb (an
OR-Tools search that finds no first solution in time, say). Large days start the OR-Tools
search from the greedy routes, where its own first solution is slow to come.
"""

from __future__ import annotations

import time

from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.compiled import CompiledProblem, compile_problem
from dispatchopt.solvers.engines import Engine
from dispatchopt.solvers.engines.greedy import plan_greedy
from dispatchopt.solvers.objective import plan_score
from dispatchopt.solvers.progress import ProgressCallback, SolveProgress
from dispatchopt.solvers.stop import Deadline

WARM_FROM_GREEDY_JOBS = 200
"""From this many jobs on, OR-Tools starts from the greedy routes instead of building its own
first solution (parallel cheapest insertion takes most of a short time limit there)."""


def whole_day(
    problem: Problem,
    engine: Engine,
    *,
    deadline: Deadline,
    seed: int = 0,
    initial: Plan | None = None,
    progress: ProgressCallback | None = None,
    cp: CompiledProblem | None = None,
) -> Plan:
    """Plan ``problem`` with ``engine`` until ``deadline``, never worse than the greedy plan
    (``cp``: its compiled form, when the caller has it already)."""
    started = time.perf_counter()
    compiled = cp if cp is not None else compile_problem(problem, seed=seed)
    if engine.name == "greedy" or not compiled.jobs or not compiled.vehicles:
        return engine.solve(compiled, deadline=deadline, seed=seed, initial=initial)
    base = plan_greedy(compiled)
    base_score = plan_score(problem, base)
    if progress is not None:
        progress(
            SolveProgress(time.perf_counter() - started, deadline.remaining(), base_score.total, 1)
        )
    start = initial
    big = len(compiled.jobs) >= WARM_FROM_GREEDY_JOBS
    if start is None and engine.name == "ortools" and (big or compiled.has_crews):
        # OR-Tools inserts one node at a time, so it seldom adds a crew job (every member at
        # once) itself: it starts from the greedy crews and moves them.
        start = base
    plan = engine.solve(compiled, deadline=deadline, seed=seed, initial=start, progress=progress)
    if plan_score(problem, plan) <= base_score:
        return plan
    if base.summary is not None:
        base.summary.solver_notes.append(
            f"{engine.name}'s plan was worse than the greedy baseline's; the greedy plan is kept"
        )
        base.summary.solve_seconds = round(time.perf_counter() - started, 3)
    return base


__all__ = ["WARM_FROM_GREEDY_JOBS", "whole_day"]

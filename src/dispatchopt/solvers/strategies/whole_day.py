"""The whole day at once: one engine plans every job and engineer in one search.

The greedy baseline plans the day first; the engine's plan replaces it only when it is
better, so no engine can hand back a plan worse than the dispatcher's rule of thumb (an
OR-Tools search that finds no first solution in time, say). Large days start the OR-Tools
search from the greedy routes, where its own first solution is slow to come. An engine that
finds no plan at all (OR-Tools rejecting a given start and not building its own in time) leaves
the better of the given plan, when it holds on the day, and the greedy one.
"""

from __future__ import annotations

import time

from dispatchopt.errors import SolverError
from dispatchopt.models import Plan, Problem, Rule
from dispatchopt.solvers.compiled import CompiledProblem, compile_problem
from dispatchopt.solvers.engines import Engine
from dispatchopt.solvers.engines.decoding import unassigned_jobs
from dispatchopt.solvers.engines.greedy import plan_greedy
from dispatchopt.solvers.objective import plan_score
from dispatchopt.solvers.progress import ProgressCallback, SolveProgress
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.summary import summarize
from dispatchopt.validate import validate

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
    try:
        plan = engine.solve(
            compiled, deadline=deadline, seed=seed, initial=start, progress=progress
        )
    except SolverError as exc:
        if not base.routes and not base.outsourced:
            raise  # nothing placed by anyone: the engine's message says why
        why = f"{engine.name} found no plan ({exc})"
        return _fallback(compiled, base, initial, why, started)
    if plan_score(problem, plan) <= base_score:
        return plan
    return _fallback(
        compiled, base, None, f"{engine.name}'s plan was worse than the greedy baseline's", started
    )


def _fallback(
    cp: CompiledProblem, base: Plan, given: Plan | None, why: str, started: float
) -> Plan:
    """The given plan when it holds on the day (every job missing from it aside) and scores no
    worse than the greedy plan, else the greedy plan; the notes say which and why."""
    problem = cp.problem
    if given is not None and all(v.rule is Rule.MISSING_JOB for v in validate(problem, given)):
        served = {s.job_id for r in given.routes for s in r.jobs}
        served |= {o.job_id for o in given.outsourced}
        kept = given.model_copy(update={"unassigned": unassigned_jobs(cp, served, given.routes)})
        if plan_score(problem, kept) <= plan_score(problem, base):
            kept.summary = summarize(
                problem, kept, solver="given", solve_seconds=time.perf_counter() - started
            )
            kept.summary.solver_notes.append(f"{why}; the given plan is kept")
            kept.summary.fallback = "given"
            return kept
    if base.summary is not None:
        base.summary.solver_notes.append(f"{why}; the greedy plan is kept")
        base.summary.fallback = "greedy"
        base.summary.solve_seconds = round(time.perf_counter() - started, 3)
    return base


__all__ = ["WARM_FROM_GREEDY_JOBS", "whole_day"]

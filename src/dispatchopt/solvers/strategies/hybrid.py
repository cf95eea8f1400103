"""Field days: a guaranteed first plan, a fast engine to explore, OR-Tools to finish.

1. The greedy baseline plans the day at once (the plan every later stage must beat, so a
   plan is never empty when the rule of thumb can place jobs).
2. VROOM explores: the whole day when it is small enough for VROOM to keep to its time, then
   groups of neighbouring routes with the unplanned jobs near them.
3. OR-Tools, which models and prices every rule VROOM does not (working time, overtime, SLA
   lateness, preferences), finishes from the best routes: the whole day when it is small,
   group by group when it is large.
Each stage's plan is kept only if it lowers the objective.
"""

from __future__ import annotations

import time
from concurrent.futures import Executor

from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.capabilities import Capabilities
from dispatchopt.solvers.compiled import CompiledProblem, compile_problem
from dispatchopt.solvers.engines.greedy import plan_greedy
from dispatchopt.solvers.engines.ortools import OrTools, SearchConfig, search, start_from_plan
from dispatchopt.solvers.engines.vroom import Vroom
from dispatchopt.solvers.objective import plan_score
from dispatchopt.solvers.progress import ProgressCallback, SolveProgress
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies.groups import improve_by_groups
from dispatchopt.solvers.summary import summarize

VROOM_WHOLE_DAY_JOBS = 1500
"""Above this, VROOM's constructions overrun its time limit (5 000 jobs / 500 engineers: 519 s
for a 150 s limit), so it explores group by group only."""
ORTOOLS_WHOLE_DAY_JOBS = 400
"""Above this, OR-Tools finishes group by group: one routing model of the whole day builds
slowly and improves little in the time left."""
GROUP_JOBS = 200
"""Jobs per group (routes plus nearby unplanned jobs) in the group stages."""
EXPLORE_SHARE = 0.45
"""VROOM's share of the time for the whole day (it stops sooner when it converges)."""
FINISH_SHARE = 0.15
"""The share of the time kept for OR-Tools to finish in (more when exploring ends early)."""


def why_not_hybrid(caps: Capabilities) -> str | None:
    """``None`` when VROOM can explore this day keeping every hard rule, else why not."""
    return Vroom().unsupported(caps)


def hybrid(
    problem: Problem,
    *,
    deadline: Deadline,
    seed: int = 0,
    config: SearchConfig | None = None,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
) -> Plan:
    """Plan ``problem`` until ``deadline`` in the three stages of the module docstring."""
    started = time.perf_counter()
    total = deadline.remaining()
    cp = compile_problem(problem, seed=seed)
    best = plan_greedy(cp)
    score = plan_score(problem, best)
    notes = [f"first plan (greedy) after {time.perf_counter() - started:.2f} s"]
    stages = ["greedy"]
    if progress is not None:
        progress(SolveProgress(time.perf_counter() - started, total, score.total, 1))

    def offer(plan: Plan, stage: str) -> None:
        nonlocal best, score
        new = plan_score(problem, plan)
        if new < score:
            best, score = plan, new
            stages.append(stage)
            notes.append(f"{stage} improved the plan after {time.perf_counter() - started:.2f} s")
            if progress is not None:
                progress(
                    SolveProgress(time.perf_counter() - started, total, new.total, len(stages))
                )

    n = len(cp.jobs)
    explore_until = deadline.reserve(FINISH_SHARE * total)
    if cp.jobs and cp.vehicles and not cp.visits:
        vroom = Vroom()
        if n <= VROOM_WHOLE_DAY_JOBS and explore_until.remaining() > 0:
            offer(vroom.solve(cp, deadline=explore_until.within(EXPLORE_SHARE * total)), "vroom")
        if n > GROUP_JOBS and explore_until.remaining() > 1.0:
            offer(
                improve_by_groups(
                    cp,
                    best,
                    vroom,
                    deadline=explore_until,
                    group_jobs=GROUP_JOBS,
                    executor=executor,
                ),
                "vroom groups",
            )
    if cp.jobs and cp.vehicles and deadline.remaining() > 0.1:
        offer(_finish(cp, best, deadline, config, executor), "ortools")
    best.summary = summarize(
        problem,
        best,
        solver="+".join(dict.fromkeys(s.split()[0] for s in stages)),
        objective=score.total,
        solve_seconds=time.perf_counter() - started,
    )
    best.summary.solver_notes = notes
    return best


def _finish(
    cp: CompiledProblem,
    plan: Plan,
    deadline: Deadline,
    config: SearchConfig | None,
    executor: Executor | None,
) -> Plan:
    if len(cp.jobs) <= ORTOOLS_WHOLE_DAY_JOBS:
        finished = search(
            cp, deadline=deadline, config=config, start=start_from_plan(cp, plan), cold=False
        )
        return plan if finished is None else finished
    engine = OrTools(config, cold_start=False)
    return improve_by_groups(
        cp, plan, engine, deadline=deadline, group_jobs=GROUP_JOBS // 2, executor=executor
    )


__all__ = [
    "EXPLORE_SHARE",
    "FINISH_SHARE",
    "GROUP_JOBS",
    "ORTOOLS_WHOLE_DAY_JOBS",
    "VROOM_WHOLE_DAY_JOBS",
    "hybrid",
    "why_not_hybrid",
]

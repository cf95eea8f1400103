"""The whole day at once: one engine plans every job and engineer in one search."""

from __future__ import annotations

from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.compiled import CompiledProblem, compile_problem
from dispatchopt.solvers.engines import Engine
from dispatchopt.solvers.progress import ProgressCallback
from dispatchopt.solvers.stop import Deadline


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
    """Plan ``problem`` with ``engine`` until ``deadline`` (``cp``: its compiled form, when the
    caller has it already)."""
    compiled = cp if cp is not None else compile_problem(problem, seed=seed)
    return engine.solve(compiled, deadline=deadline, seed=seed, initial=initial, progress=progress)


__all__ = ["whole_day"]

"""Which engine plans a problem: OR-Tools (the core, every rule) or PyVRP (pure VRPTW only).

``solve`` is the library's front door. With ``engine="auto"`` a problem that PyVRP models
exactly (time windows, capacities, optional jobs, nothing engineer-specific) goes to PyVRP when
the optional ``pyvrp`` extra is installed, because it finds far shorter routes there; everything
else, and every field-service rule, goes to OR-Tools. The plan says which one ran
(``summary.solver``), and the same independent validator checks both.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from typing import Literal

from dispatchopt.errors import InputError, SolverError
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.ortools_solver import SearchConfig, SolveProgress
from dispatchopt.solvers.ortools_solver import solve as solve_ortools

Engine = Literal["auto", "ortools", "pyvrp"]


def pyvrp_available() -> bool:
    """True when the optional PyVRP engine can be imported."""
    return importlib.util.find_spec("pyvrp") is not None


def choose_engine(problem: Problem, engine: Engine = "auto") -> tuple[str, str]:
    """The engine that will run and why, e.g. ``("ortools", "the day has breaks")``."""
    if engine not in ("auto", "ortools", "pyvrp"):
        raise InputError([("engine", engine, "must be auto, ortools or pyvrp")])
    if engine == "ortools":
        return "ortools", "asked for"
    if not pyvrp_available():
        if engine == "pyvrp":
            raise InputError(
                [("engine", engine, "PyVRP is not installed: pip install 'dispatchopt[pyvrp]'")]
            )
        return "ortools", "PyVRP is not installed"
    from dispatchopt.solvers.pyvrp_engine import pyvrp_unsupported

    reason = pyvrp_unsupported(problem)
    if reason is None:
        return "pyvrp", "pure VRPTW" if engine == "auto" else "asked for"
    if engine == "pyvrp":
        raise InputError([("engine", engine, f"PyVRP cannot model this problem: {reason}")])
    return "ortools", reason


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    progress: Callable[[SolveProgress], None] | None = None,
    engine: Engine = "auto",
    config: SearchConfig | None = None,
    initial_plan: Plan | None = None,
) -> Plan:
    """Plan ``problem`` within ``time_limit`` seconds; every job is routed or explained.

    ``engine`` picks OR-Tools or PyVRP (see the module docstring); ``config`` and
    ``initial_plan`` tune or warm-start the OR-Tools search (an initial plan keeps OR-Tools).
    """
    chosen = "ortools" if initial_plan is not None and engine == "auto" else None
    chosen = chosen or choose_engine(problem, engine)[0]
    if chosen == "pyvrp":
        from dispatchopt.solvers.pyvrp_engine import solve_pyvrp

        started = time.perf_counter()
        try:
            return solve_pyvrp(problem, time_limit=time_limit, seed=seed)
        except SolverError:
            if engine == "pyvrp":
                raise
            # PyVRP found no feasible plan it could vouch for: OR-Tools plans the rest of the
            # time, and explains every job it cannot fit.
            time_limit = max(1.0, time_limit - (time.perf_counter() - started))
    return solve_ortools(
        problem,
        time_limit=time_limit,
        seed=seed,
        progress=progress,
        config=config,
        initial_plan=initial_plan,
    )

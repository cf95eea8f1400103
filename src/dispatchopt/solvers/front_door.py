"""The library's front door: ``solve`` picks an engine and a strategy for a day and runs them.

Every caller inside the package (CLI, store planning, simulator policies, portfolio members,
examples) comes through here, so they all get the same choice. The choice is made once from
the day's :class:`~dispatchopt.solvers.capabilities.Capabilities`, and the plan's summary says
what ran and why (``summary.solver``, ``summary.solver_notes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from typing import Literal, cast

from dispatchopt.errors import InputError, SolverError
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.capabilities import Capabilities
from dispatchopt.solvers.engines import Engine
from dispatchopt.solvers.engines.greedy import Greedy
from dispatchopt.solvers.engines.ortools import OrTools, SearchConfig
from dispatchopt.solvers.engines.pyvrp import PyVrp, pyvrp_available
from dispatchopt.solvers.engines.vroom import Vroom
from dispatchopt.solvers.left_out import explain_left_out
from dispatchopt.solvers.progress import ProgressCallback
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.strategies import (
    DECOMPOSE_FROM_JOBS,
    DEFAULT_MEMBERS,
    Member,
    decomposed,
    departure_pass,
    hybrid,
    portfolio,
    whole_day,
    why_not_decompose,
    why_not_hybrid,
)
from dispatchopt.solvers.strategies.portfolio import Submitter
from dispatchopt.solvers.strategies.regional import RegionBudget, Scatter, regional
from dispatchopt.solvers.strategies.regions import REGION_JOBS

EngineName = Literal["auto", "ortools", "pyvrp", "vroom", "greedy"]
StrategyName = Literal["auto", "whole_day", "hybrid", "decompose", "departure_pass"]
ENGINES = ("auto", "ortools", "pyvrp", "vroom", "greedy")
STRATEGIES = ("auto", "whole_day", "hybrid", "decompose", "departure_pass")


def choose_engine(
    problem: Problem, engine: EngineName = "auto", *, caps: Capabilities | None = None
) -> tuple[str, str]:
    """The engine that will run and why, e.g. ``("ortools", "the day has breaks")``."""
    if engine not in ENGINES:
        raise InputError([("engine", engine, "must be auto, ortools, pyvrp, vroom or greedy")])
    if engine in ("ortools", "greedy"):
        return engine, "asked for"
    caps = caps or Capabilities.of(problem)
    if engine == "vroom":
        why = Vroom().unsupported(caps)
        if why is not None:
            raise InputError([("engine", engine, f"VROOM cannot keep every rule here: {why}")])
        return "vroom", "asked for"
    reason = PyVrp().unsupported(caps)
    if engine == "pyvrp":
        if not pyvrp_available():
            raise InputError(
                [
                    (
                        "engine",
                        engine,
                        "PyVRP is missing (a dependency of dispatchopt: reinstall it)",
                    )
                ]
            )
        if reason is not None:
            raise InputError([("engine", engine, f"PyVRP cannot model this problem: {reason}")])
        return "pyvrp", "asked for"
    if reason is None:
        return "pyvrp", "pure VRPTW"
    why_not_vroom = why_not_hybrid(caps)
    if why_not_vroom is None:
        return "vroom+ortools", f"PyVRP cannot ({reason}); VROOM explores, OR-Tools finishes"
    return "ortools", f"{reason}; VROOM cannot either ({why_not_vroom})"


def choose_strategy(
    problem: Problem,
    strategy: StrategyName = "auto",
    *,
    engine: str,
    caps: Capabilities | None = None,
    warm_started: bool = False,
) -> tuple[str, str]:
    """The strategy that will run and why."""
    if strategy not in STRATEGIES:
        raise InputError(
            [
                (
                    "strategy",
                    strategy,
                    "must be auto, whole_day, hybrid, decompose or departure_pass",
                )
            ]
        )
    caps = caps or Capabilities.of(problem)
    if strategy == "hybrid":
        why = why_not_hybrid(caps)
        if why is not None:
            raise InputError([("strategy", strategy, f"VROOM cannot explore this day: {why}")])
        return strategy, "asked for"
    if strategy == "decompose":
        why = why_not_decompose(caps)
        if why is not None:
            raise InputError([("strategy", strategy, f"cannot decompose this day: {why}")])
        return strategy, "asked for"
    if strategy != "auto":
        return strategy, "asked for"
    if warm_started:
        return "whole_day", "starts from the given plan"
    if engine == "vroom+ortools":
        return "hybrid", "greedy first, VROOM explores, OR-Tools finishes"
    if engine != "ortools":
        return "whole_day", f"{engine} plans the whole day"
    if caps.jobs < DECOMPOSE_FROM_JOBS:
        return "whole_day", f"fewer than {DECOMPOSE_FROM_JOBS} jobs"
    why = why_not_decompose(caps)
    if why is not None:
        return "whole_day", why
    return "decompose", f"{DECOMPOSE_FROM_JOBS} jobs or more"


EXPLAIN_BUDGET_S = 2.0
"""At most this many seconds of a solve go to explaining the jobs left out..."""
EXPLAIN_SHARE = 0.05
"""...and at most this share of its time (jobs beyond it keep the engine's reason)."""


def solve(
    problem: Problem,
    *,
    time_limit: float | None = None,
    deadline: Deadline | None = None,
    seed: int = 0,
    engine: EngineName = "auto",
    strategy: StrategyName = "auto",
    config: SearchConfig | None = None,
    initial_plan: Plan | None = None,
    progress: ProgressCallback | None = None,
) -> Plan:
    """Plan ``problem`` within ``time_limit`` seconds (or until ``deadline``); every job is
    routed or explained.

    ``engine``: ``"auto"`` (PyVRP for pure-VRPTW days, OR-Tools for every field-service rule),
    or one by name (``"greedy"`` is the dispatcher's rule of thumb). ``strategy``: ``"auto"``
    decomposes OR-Tools days of ``DECOMPOSE_FROM_JOBS`` jobs or more whose rules are local to
    routes; ``"whole_day"``, ``"decompose"`` and ``"departure_pass"`` (rush hours in two
    passes) on request. ``config`` tunes the OR-Tools engine; ``initial_plan`` is a start it
    uses when its routes hold. ``seed`` 0 keeps the problem's job order, others shuffle it.
    """
    whole = _deadline(time_limit, deadline)
    # The last moments go to saying why each job left out is out (see left_out.py).
    explaining = min(EXPLAIN_BUDGET_S, EXPLAIN_SHARE * whole.remaining())
    stop = whole.reserve(explaining)
    caps = Capabilities.of(problem)
    if initial_plan is not None and engine == "auto":
        chosen, why_engine = "ortools", "starts from the given plan"
    else:
        chosen, why_engine = choose_engine(problem, engine, caps=caps)
    plan_with, why_strategy = choose_strategy(
        problem, strategy, engine=chosen, caps=caps, warm_started=initial_plan is not None
    )
    if chosen == "vroom+ortools" and plan_with != "hybrid":
        chosen = "ortools"
    notes = [f"engine {chosen}: {why_engine}", f"strategy {plan_with}: {why_strategy}"]
    runner = _engine(chosen, config)
    if plan_with == "hybrid":
        plan = hybrid(problem, deadline=stop, seed=seed, config=config, progress=progress)
    elif plan_with == "decompose":
        plan = decomposed(problem, runner, deadline=stop, seed=seed, progress=progress)
    elif plan_with == "departure_pass":
        plan = departure_pass(problem, deadline=stop, seed=seed, config=config, progress=progress)
    else:
        try:
            plan = whole_day(
                problem, runner, deadline=stop, seed=seed, initial=initial_plan, progress=progress
            )
        except SolverError as exc:
            if engine != "auto" or chosen == "ortools":
                raise
            # The fast engine could not vouch for a plan: OR-Tools plans the rest of the time
            # and explains every job it cannot fit.
            notes.append(f"engine ortools: {chosen} failed ({exc})")
            plan = whole_day(
                problem,
                OrTools(config),
                deadline=stop.within(max(1.0, stop.remaining())),
                seed=seed,
                progress=progress,
            )
    plan = explain_left_out(problem, plan, budget_s=max(explaining, whole.remaining()))
    if plan.summary is not None:
        plan.summary.solver_notes = notes + plan.summary.solver_notes
    return plan


def _member(problem: Problem, time_limit: float, member: Member) -> Plan:
    """One portfolio member, as a plain solve would run it (top-level so it pickles)."""
    engine = cast(EngineName, member.engine)
    return solve(
        problem, time_limit=time_limit, seed=member.seed, config=member.config, engine=engine
    )


def solve_portfolio(
    problem: Problem,
    *,
    time_limit: float,
    members: Sequence[Member] = DEFAULT_MEMBERS,
    executor: Executor | Submitter | None = None,
) -> Plan:
    """Run every member (a seed, an engine and OR-Tools settings) for ``time_limit`` seconds on
    ``executor`` (default: a two-process pool) and return the best plan."""
    return portfolio(
        problem, time_limit=time_limit, run=_member, members=members, executor=executor
    )


def _region(problem: Problem, budget: RegionBudget, initial: Plan | None) -> Plan:
    """One region's day, as a plain solve would plan it (top-level so it pickles)."""
    return solve(problem, deadline=budget.deadline(), seed=budget.seed, initial_plan=initial)


def solve_regions(
    problem: Problem,
    *,
    time_limit: float | None = None,
    deadline: Deadline | None = None,
    seed: int = 0,
    regions: int | None = None,
    region_jobs: int = REGION_JOBS,
    executor: Executor | None = None,
    scatter: Scatter | None = None,
    slots: int = 1,
) -> Plan:
    """Plan a national day region by region within ``time_limit`` seconds (or until
    ``deadline``): each region solved as :func:`solve` would, on ``executor`` when given (Dask:
    ``dispatchopt.cluster``), then the jobs a region left out offered to its neighbour (see
    :func:`~dispatchopt.solvers.strategies.regional.regional`)."""
    return regional(
        problem,
        _region,
        deadline=_deadline(time_limit, deadline),
        seed=seed,
        regions=regions,
        region_jobs=region_jobs,
        executor=executor,
        scatter=scatter,
        slots=slots,
    )


def _engine(name: str, config: SearchConfig | None) -> Engine:
    if name == "pyvrp":
        return PyVrp()
    if name == "vroom":
        return Vroom()
    if name == "greedy":
        return Greedy()
    return OrTools(config)


def _deadline(time_limit: float | None, deadline: Deadline | None) -> Deadline:
    if deadline is not None:
        return deadline
    if time_limit is None:
        raise InputError([("time_limit", None, "give a time limit in seconds (or a deadline)")])
    return Deadline.after(time_limit)


__all__ = [
    "ENGINES",
    "STRATEGIES",
    "EngineName",
    "StrategyName",
    "choose_engine",
    "choose_strategy",
    "solve",
    "solve_portfolio",
    "solve_regions",
]

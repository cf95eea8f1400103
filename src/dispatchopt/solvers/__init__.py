"""Solvers: one front door (``solve``) over engines (leaves) and strategies (compositions).

Layers, imports pointing one way::

    front_door -> strategies -> engines -> compiled -> models, geo, matrices

``capabilities`` (what rules a day uses), ``stop`` (the shared deadline), ``progress`` and
``summary`` sit beside ``compiled`` and are read by all of them. The names below are the public
ones; they load on first use, so importing one small module here does not load OR-Tools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatchopt._lazy import lazy_getattr

if TYPE_CHECKING:
    from dispatchopt.solvers.capabilities import Capabilities, Feature
    from dispatchopt.solvers.engines.greedy import solve_greedy
    from dispatchopt.solvers.engines.ortools import SearchConfig, improve
    from dispatchopt.solvers.front_door import (
        choose_engine,
        solve,
        solve_portfolio,
        solve_regions,
    )
    from dispatchopt.solvers.progress import SolveProgress
    from dispatchopt.solvers.stop import Deadline
    from dispatchopt.solvers.strategies import Member

_PUBLIC = {
    "Capabilities": "dispatchopt.solvers.capabilities",
    "Deadline": "dispatchopt.solvers.stop",
    "Feature": "dispatchopt.solvers.capabilities",
    "Member": "dispatchopt.solvers.strategies",
    "SearchConfig": "dispatchopt.solvers.engines.ortools",
    "SolveProgress": "dispatchopt.solvers.progress",
    "choose_engine": "dispatchopt.solvers.front_door",
    "improve": "dispatchopt.solvers.engines.ortools",
    "solve": "dispatchopt.solvers.front_door",
    "solve_greedy": "dispatchopt.solvers.engines.greedy",
    "solve_portfolio": "dispatchopt.solvers.front_door",
    "solve_regions": "dispatchopt.solvers.front_door",
}


__getattr__ = lazy_getattr("dispatchopt.solvers", _PUBLIC)


__all__ = [
    "Capabilities",
    "Deadline",
    "Feature",
    "Member",
    "SearchConfig",
    "SolveProgress",
    "choose_engine",
    "improve",
    "solve",
    "solve_greedy",
    "solve_portfolio",
    "solve_regions",
]

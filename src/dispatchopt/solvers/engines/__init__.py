"""Engines: leaves that turn one compiled problem into a plan, knowing nothing of strategies.

Each engine is a small object with a ``name``, an ``unsupported(capabilities)`` that says why it
cannot model a day exactly (``None`` when it can), and a ``solve(cp, *, deadline, seed, initial,
progress)`` that returns a :class:`~dispatchopt.models.Plan` in which every job is routed or
explained.
"""

from __future__ import annotations

from typing import Protocol

from dispatchopt.models import Plan
from dispatchopt.solvers.capabilities import Capabilities
from dispatchopt.solvers.compiled import CompiledProblem
from dispatchopt.solvers.progress import ProgressCallback
from dispatchopt.solvers.stop import Deadline


class Engine(Protocol):
    """What a strategy needs from an engine."""

    @property
    def name(self) -> str:
        """The engine's name in ``Summary.solver``."""
        ...

    def unsupported(self, caps: Capabilities) -> str | None:
        """Why this engine cannot plan a day with ``caps`` exactly, or ``None``."""
        ...

    def solve(
        self,
        cp: CompiledProblem,
        *,
        deadline: Deadline,
        seed: int = 0,
        initial: Plan | None = None,
        progress: ProgressCallback | None = None,
    ) -> Plan:
        """Plan ``cp`` until ``deadline``; ``initial`` is a starting point the engine may use."""
        ...


__all__ = ["Engine"]

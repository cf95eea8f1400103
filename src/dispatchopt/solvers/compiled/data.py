"""The compiled problem: plain integer data every engine reads (no domain objects needed).

Nodes are jobs first, then optional depot visits, then the distinct start/end places; times are
seconds of :attr:`CompiledProblem.clock`, costs are engine units (:mod:`.units`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

from dispatchopt.geo.time_dependent import slot_duration
from dispatchopt.matrices import ProblemMatrices
from dispatchopt.models import Problem, UnassignedReason
from dispatchopt.solvers.compiled.timebase import Timebase


@dataclass(frozen=True)
class Vehicle:
    """One engineer's shift, as the engine sees it (seconds from the epoch)."""

    engineer_id: str
    shift_index: int
    start_node: int
    end_node: int
    shift_start: int
    shift_end: int
    hard_end: int
    max_span: int | None
    capacity: int | None
    breaks: tuple[tuple[int, int, int], ...]
    """``(earliest start, latest start, duration)`` per break, in seconds."""
    fixed_cost: int
    span_cost_per_s: int
    overtime_cost_per_s: int
    cost_per_m: float


@dataclass(frozen=True)
class CompiledJob:
    """A job that at least one vehicle could serve, as integer data."""

    job_id: str
    node: int
    windows: tuple[tuple[int, int], ...]
    """Hard start windows (already intersected with the release time), sorted."""
    service: tuple[int, ...]
    """On-site seconds per vehicle (the engineer's skill level may change it)."""
    allowed: tuple[int, ...]
    """Vehicles that may serve it (skills, restrictions, capacity, lock, reachable in time)."""
    demand: int
    penalty: int
    lock_start: int | None
    soft_window: tuple[int, int, int, int] | None
    """``(start, end, early cost/s, late cost/s)`` in objective units."""
    parts: tuple[tuple[str, int], ...] = ()
    """Units used per SKU, sorted by SKU."""
    sla_due: int | None = None
    """When service should start to keep every priced SLA stage (the engines' one bound)."""
    sla_late_cost_per_s: int = 0
    sla_deadline: int | None = None
    """The policy's deadline stage (``on_site``) due time, as plans report it."""
    sla_stages: tuple[tuple[str, int, str | None], ...] = ()
    """Every SLA stage as (name, due second, ``"start"``/``"end"``/``None``: what meets it)."""
    tools: tuple[str, ...] = ()
    crew: tuple[int, ...] = ()
    """On a crew job's lead node: the nodes of the other members' copies (same job id)."""
    crew_lead: int | None = None
    """On a crew member's copy node: the lead's node (the copy carries no cost of its own)."""
    providers: tuple[int, ...] = ()
    """Indices into ``CompiledProblem.providers`` of the providers that may take the job."""
    fees: tuple[int, ...] = ()
    """What giving the job to each of ``providers`` costs, in objective units (the fee, plus
    the continuity bonus forgone when the job has a last engineer)."""

    @property
    def is_copy(self) -> bool:
        """True for a crew member's copy node (not the job's lead)."""
        return self.crew_lead is not None


@dataclass(frozen=True)
class CompiledProvider:
    """A third-party provider as the engines see it: a virtual vehicle with no travel, that
    starts no job before ``ready`` and takes at most ``max_jobs``."""

    provider_id: str
    ready: int
    max_jobs: int


@dataclass(frozen=True)
class CompiledVisit:
    """An optional stop at a depot where a route may pick up parts (one node each)."""

    depot_id: str
    node: int
    pool: int
    """Index into ``CompiledProblem.pools``: the shelf this visit draws from."""
    windows: tuple[tuple[int, int], ...]
    """Start windows that leave the whole pickup inside the opening hours (and after the
    pool's arrival time)."""
    service: int
    vehicle: int
    """The one vehicle that may make this visit (each vehicle gets its own visit per shelf, so
    one route cannot use up the visits others need)."""


@dataclass(frozen=True)
class Pool:
    """Units on one shelf: a depot's stock now, or one expected arrival at a depot."""

    depot_id: str
    supply: dict[str, int | None]
    """Units per SKU; ``None`` means unlimited."""
    available_from: int
    tools: frozenset[str] = frozenset()
    """Tools an engineer can collect on this visit."""


@dataclass(frozen=True)
class Rejection:
    """A job settled as unassignable before search, with its reason and a sentence."""

    job_id: str
    reason: UnassignedReason
    detail: str


@dataclass
class CompiledProblem:
    """A problem as integer arrays: nodes, vehicles, time in seconds, costs in objective units."""

    problem: Problem
    clock: Timebase
    matrices: ProblemMatrices
    node_point: npt.NDArray[np.int64]
    """Matrix point of each routing node (jobs first, then start/end places)."""
    jobs: list[CompiledJob]
    vehicles: list[Vehicle]
    rejected: list[Rejection]
    precedences: list[tuple[int, int, int]] = field(default_factory=list)
    """``(before node, after node, before's longest service)``."""
    horizon: int = 0
    visits: list[CompiledVisit] = field(default_factory=list)
    pools: list[Pool] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    """SKUs some plannable job uses (one stock dimension each)."""
    van_stock: list[dict[str, int]] = field(default_factory=list)
    """Units per SKU in each vehicle's van at the start of its shift."""
    tools: list[str] = field(default_factory=list)
    """Tools some plannable job needs (one dimension each)."""
    departures: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Node -> the span its departure is expected in (from an earlier plan), for rush hours."""
    van_tools: list[frozenset[str]] = field(default_factory=list)
    providers: list[CompiledProvider] = field(default_factory=list)
    seed: int = 0
    """The seed the job order was shuffled with (0: the problem's order); heuristics that make
    random choices on this data draw from it too."""
    _travel_memo: dict[tuple[str | None, int, int], npt.NDArray[np.int32]] = field(
        default_factory=dict, repr=False
    )
    _distance_memo: list[npt.NDArray[np.int32]] = field(default_factory=list, repr=False)

    @property
    def epoch(self) -> datetime:
        """Engine second zero."""
        return self.clock.epoch

    @property
    def num_nodes(self) -> int:
        """Routing nodes: jobs, then depot visits, then distinct start/end places."""
        return len(self.node_point)

    def at(self, seconds: int) -> datetime:
        """The moment of engine second ``seconds``."""
        return self.clock.at(seconds)

    @property
    def leads(self) -> list[CompiledJob]:
        """The jobs themselves: every compiled job but crew members' copies."""
        return [j for j in self.jobs if j.crew_lead is None]

    @property
    def has_crews(self) -> bool:
        """True when some job needs several engineers on site together."""
        return any(j.crew for j in self.jobs)

    def visit_at(self, node: int) -> CompiledVisit | None:
        """The depot visit at ``node``, if it is one."""
        k = node - len(self.jobs)
        return self.visits[k] if 0 <= k < len(self.visits) else None

    def travel(self, vehicle: int | None = None) -> npt.NDArray[np.int32]:
        """Node-to-node travel seconds (int32) for ``vehicle`` (its vehicle profile, and the
        slowest time of day within its shift when travel depends on it); the free-flow default
        without one. Computed once per distinct profile."""
        p = self.node_point
        if vehicle is None:
            return np.asarray(self.matrices.matrices.duration_s[np.ix_(p, p)], dtype=np.int32)
        key = self.travel_key(vehicle)
        if key not in self._travel_memo:
            full = self.matrices.durations_between(*key)
            matrix = np.asarray(full[np.ix_(p, p)], dtype=np.int32)
            profile = self.matrices.profile_of(key[0])
            if profile is not None and self.departures:
                # Rows of nodes whose departure time is roughly known are priced for departures
                # near it, not for the slowest hour of the whole shift.
                base = self.matrices.vehicle_durations(key[0])
                for node, (lo, hi) in self.departures.items():
                    row = base[p[node]][p].reshape(1, -1)
                    matrix[node] = slot_duration(row, lo, hi, profile)[0]
            self._travel_memo[key] = matrix
        return self._travel_memo[key]

    def travel_key(self, vehicle: int) -> tuple[str | None, int, int]:
        """What ``vehicle``'s travel times depend on: profile and (if time matters) shift span."""
        veh = self.vehicles[vehicle]
        profile = self.problem.engineer_by_id[veh.engineer_id].vehicle_profile
        if self.matrices.profile_of(profile) is None:
            return (profile, 0, 0)
        return (profile, veh.shift_start, veh.hard_end)

    def distance(self) -> npt.NDArray[np.int32]:
        """Node-to-node metres (int32, computed once)."""
        if not self._distance_memo:
            p = self.node_point
            self._distance_memo.append(
                np.asarray(self.matrices.matrices.distance_m[np.ix_(p, p)], dtype=np.int32)
            )
        return self._distance_memo[0]

    def service_vector(self, vehicle: int) -> npt.NDArray[np.int64]:
        """On-site seconds at every node for ``vehicle`` (zero at start/end places)."""
        out = np.zeros(self.num_nodes, dtype=np.int64)
        for job in self.jobs:
            out[job.node] = job.service[vehicle]
        for visit in self.visits:
            out[visit.node] = visit.service
        return out


__all__ = [
    "CompiledJob",
    "CompiledProblem",
    "CompiledProvider",
    "CompiledVisit",
    "Pool",
    "Rejection",
    "Vehicle",
]

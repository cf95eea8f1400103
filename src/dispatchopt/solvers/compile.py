"""Compiles a :class:`Problem` into plain integer arrays the routing engine reads.

This is the one place where datetimes become integer seconds from ``Problem.epoch()``. It also
settles, before any search, which jobs no engineer could ever serve and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from dispatchopt.geo.time_dependent import slot_duration
from dispatchopt.models import Job, Problem, UnassignedReason
from dispatchopt.models.parts import required_quantities
from dispatchopt.models.skills import missing_skills
from dispatchopt.solvers.matrices import ProblemMatrices, problem_matrices

MONEY_SCALE = 100_000
"""Objective units per currency unit in ``cost`` mode (fine enough for per-second rates)."""
UNITS_PER_KM = 1_000
"""Objective units per km in ``distance`` mode (one unit per metre)."""
UNITS_PER_HOUR = 3_600
"""Objective units per hour in ``travel_time`` mode (one unit per second)."""
OBJECTIVE_UNITS = {
    "cost": MONEY_SCALE,
    "distance": UNITS_PER_KM,
    "travel_time": UNITS_PER_HOUR,
    "working_time": UNITS_PER_HOUR,
}
"""Engine objective units per reported unit (currency, km, hours, hours) for each objective kind."""
LOCK_PENALTY_FACTOR = 10
"""A locked job is ten times as costly to drop as an ordinary mandatory job."""


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
    sla_late_cost_per_s: int = 0
    tools: tuple[str, ...] = ()


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
    epoch: datetime
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
    _travel_memo: dict[tuple[str | None, int, int], npt.NDArray[np.int64]] = field(
        default_factory=dict, repr=False
    )

    @property
    def num_nodes(self) -> int:
        """Routing nodes: jobs, then depot visits, then distinct start/end places."""
        return len(self.node_point)

    def visit_at(self, node: int) -> CompiledVisit | None:
        """The depot visit at ``node``, if it is one."""
        k = node - len(self.jobs)
        return self.visits[k] if 0 <= k < len(self.visits) else None

    def travel(self, vehicle: int | None = None) -> npt.NDArray[np.int64]:
        """Node-to-node travel seconds for ``vehicle`` (its vehicle profile, and the slowest time
        of day within its shift when travel depends on it); the free-flow default without one."""
        p = self.node_point
        if vehicle is None:
            return self.matrices.matrices.duration_s[np.ix_(p, p)].astype(np.int64)
        key = self.travel_key(vehicle)
        if key not in self._travel_memo:
            full = self.matrices.durations_between(*key)
            matrix = full[np.ix_(p, p)].astype(np.int64)
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

    def distance(self) -> npt.NDArray[np.int64]:
        """Node-to-node metres."""
        p = self.node_point
        return self.matrices.matrices.distance_m[np.ix_(p, p)].astype(np.int64)

    def service_vector(self, vehicle: int) -> npt.NDArray[np.int64]:
        """On-site seconds at every node for ``vehicle`` (zero at start/end places)."""
        out = np.zeros(self.num_nodes, dtype=np.int64)
        for job in self.jobs:
            out[job.node] = job.service[vehicle]
        for visit in self.visits:
            out[visit.node] = visit.service
        return out


def _seconds(moment: datetime, epoch: datetime) -> int:
    return round((moment - epoch).total_seconds())


def _penalty_units(problem: Problem, money: float) -> int:
    return round(money * OBJECTIVE_UNITS[problem.objective.kind])


def _money_rate_per_s(per_hour: float) -> int:
    return round(per_hour * MONEY_SCALE / 3600)


def _vehicles(
    problem: Problem, epoch: datetime, place_node: dict[int, int], mats: ProblemMatrices
) -> list[Vehicle]:
    cost_mode = problem.objective.kind == "cost"
    out = []
    for eng in problem.engineers:
        for k, shift in sorted(enumerate(eng.shifts), key=lambda ks: ks[1].start):
            start, end = _seconds(shift.start, epoch), _seconds(shift.end, epoch)
            breaks = tuple(
                (
                    _seconds(b.window.start, epoch),
                    _seconds(b.window.end, epoch) - round(b.duration_minutes * 60),
                    round(b.duration_minutes * 60),
                )
                for b in shift.breaks
            )
            out.append(
                Vehicle(
                    engineer_id=eng.id,
                    shift_index=k,
                    start_node=place_node[mats.start_point[eng.id]],
                    end_node=place_node[mats.end_point[eng.id]],
                    shift_start=start,
                    shift_end=end,
                    hard_end=end + round(eng.overtime_minutes * 60),
                    max_span=None
                    if eng.max_working_minutes is None
                    else round(eng.max_working_minutes * 60),
                    capacity=eng.capacity,
                    breaks=breaks,
                    fixed_cost=round(eng.fixed_cost * MONEY_SCALE) if cost_mode else 0,
                    span_cost_per_s=_money_rate_per_s(eng.cost_per_hour) if cost_mode else 0,
                    overtime_cost_per_s=_money_rate_per_s(eng.overtime_cost_per_hour)
                    if cost_mode
                    else 0,
                    cost_per_m=eng.cost_per_km * MONEY_SCALE / 1000 if cost_mode else 0.0,
                )
            )
    return out


def _windows(job: Job, epoch: datetime) -> list[tuple[int, int]]:
    if job.time_windows:
        wins = sorted((_seconds(w.start, epoch), _seconds(w.end, epoch)) for w in job.time_windows)
    else:
        wins = [(0, 10**9)]
    if job.earliest_start is not None:
        release = _seconds(job.earliest_start, epoch)
        wins = [(max(a, release), b) for a, b in wins if b >= release]
    if job.lock is not None and job.lock.start is not None:
        at = _seconds(job.lock.start, epoch)
        wins = [(at, at)] if any(a <= at <= b for a, b in wins) else []
    return wins


def compile_problem(
    problem: Problem,
    *,
    seed: int = 0,
    departures: dict[str, tuple[datetime, datetime]] | None = None,
) -> CompiledProblem:
    """Turn ``problem`` into integer arrays; jobs no vehicle could serve become rejections.

    ``seed`` other than 0 shuffles the order in which jobs become nodes, which sends the
    (otherwise deterministic) search down a different path. ``departures`` (job id -> earliest
    and latest moment it is expected to be left) prices drives leaving those jobs for that span
    only, when travel depends on the time of day; the others keep the safe price.
    """
    epoch = problem.epoch()
    mats = problem_matrices(problem)
    jobs_in_order = list(problem.jobs)
    if seed:
        order = np.random.default_rng(seed).permutation(len(jobs_in_order))
        jobs_in_order = [jobs_in_order[i] for i in order]

    mandatory_units = _penalty_units(problem, problem.objective.unassigned_penalty)
    place_points = sorted(
        {mats.start_point[e.id] for e in problem.engineers}
        | {mats.end_point[e.id] for e in problem.engineers}
    )
    # Start/end nodes are known only once jobs and depot visits are numbered; until then the
    # vehicles carry matrix points in those fields, and are renumbered below.
    by_point = _vehicles(problem, epoch, {p: p for p in place_points}, mats)
    van_stock = _van_stock(problem, by_point)
    fleet = _Fleet(problem, by_point, mats)

    compiled_jobs: list[CompiledJob] = []
    rejected: list[Rejection] = []
    for job in jobs_in_order:
        verdict = _allowed_vehicles(fleet, job, epoch)
        if not isinstance(verdict, Rejection):
            verdict = _parts_verdict(problem, job, verdict, van_stock, by_point, epoch)
        if isinstance(verdict, Rejection):
            rejected.append(verdict)
            continue
        allowed, wins = verdict
        compiled_jobs.append(
            _compile_job(
                fleet,
                job,
                len(compiled_jobs),
                allowed,
                wins,
                epoch,
                mandatory_units,
            )
        )

    rejected, compiled_jobs = _drop_orphaned_successors(problem, rejected, compiled_jobs)
    skus = sorted({sku for j in compiled_jobs for sku, _ in j.parts})
    tools = sorted({t for j in compiled_jobs for t in j.tools})
    pools, visits = _depot_visits(problem, compiled_jobs, skus, tools, len(by_point), epoch, mats)
    first_place = len(compiled_jobs) + len(visits)
    place_node = {p: first_place + i for i, p in enumerate(place_points)}
    node_point = np.array(
        [mats.job_point[j.job_id] for j in compiled_jobs]
        + [mats.depot_point[v.depot_id] for v in visits]
        + place_points,
        dtype=np.int64,
    )
    vehicles = [
        replace(v, start_node=place_node[v.start_node], end_node=place_node[v.end_node])
        for v in by_point
    ]
    node_of = {j.job_id: j.node for j in compiled_jobs}
    precedences = []
    for j in compiled_jobs:
        for pred in problem.job_by_id[j.job_id].after:
            pj = compiled_jobs[node_of[pred]]
            precedences.append((pj.node, j.node, max(pj.service)))
    horizon = max(
        [0]
        + [v.hard_end for v in vehicles]
        + [b for j in compiled_jobs for _, b in j.windows if b < 10**9]
    )
    return CompiledProblem(
        departures=_departure_spans(
            compiled_jobs,
            {
                jid: (max(0, _seconds(lo, epoch)), _seconds(hi, epoch))
                for jid, (lo, hi) in (departures or {}).items()
            },
        ),
        problem=problem,
        epoch=epoch,
        matrices=mats,
        node_point=node_point,
        jobs=compiled_jobs,
        vehicles=vehicles,
        rejected=rejected,
        precedences=precedences,
        horizon=horizon,
        visits=visits,
        pools=pools,
        skus=skus,
        van_stock=van_stock,
        tools=tools,
        van_tools=[frozenset(problem.engineer_by_id[v.engineer_id].tools) for v in vehicles],
    )


def _departure_spans(
    jobs: list[CompiledJob], hints: dict[str, tuple[int, int]]
) -> dict[int, tuple[int, int]]:
    """When each job's engineer can leave it: always within its windows plus its time on site
    (so pricing that span is safe), narrowed to a hinted span where one is given."""
    out: dict[int, tuple[int, int]] = {}
    for job in jobs:
        lo = job.windows[0][0] + min(job.service)
        hi = job.windows[-1][1] + max(job.service)
        if job.job_id in hints:
            h_lo, h_hi = hints[job.job_id]
            lo, hi = max(lo, h_lo), min(hi, h_hi) if hi < 10**9 else h_hi
        if hi < 10**9 and lo <= hi:
            out[job.node] = (lo, hi)
    return out


def _compile_job(
    fleet: _Fleet,
    job: Job,
    node: int,
    allowed: list[int],
    wins: list[tuple[int, int]],
    epoch: datetime,
    mandatory_units: int,
) -> CompiledJob:
    problem = fleet.problem
    service = fleet.service(job)
    if job.optional:
        penalty = _penalty_units(problem, job.penalty or 0.0)
    else:
        penalty = mandatory_units * (1 + job.priority)
        if job.lock is not None:
            penalty *= LOCK_PENALTY_FACTOR
    soft = None
    if job.soft_window is not None and problem.objective.kind == "cost":
        w = problem.objective.lateness_weight
        soft = (
            _seconds(job.soft_window.start, epoch),
            _seconds(job.soft_window.end, epoch),
            _money_rate_per_s(job.soft_window.early_cost_per_hour * w),
            _money_rate_per_s(job.soft_window.late_cost_per_hour * w),
        )
    due = problem.sla_deadline(job)
    sla_due = None if due is None else _seconds(due, epoch)
    late_cost = 0
    if sla_due is not None and problem.sla_mode.kind == "soft":
        per_hour = problem.sla_mode.late_cost_per_hour_for(job.sla_tier)
        late_cost = max(1, round(_penalty_units(problem, per_hour) / 3600)) if per_hour else 0
    return CompiledJob(
        job_id=job.id,
        node=node,
        windows=tuple(wins),
        service=service,
        allowed=tuple(allowed),
        demand=job.demand,
        penalty=penalty,
        lock_start=None
        if job.lock is None or job.lock.start is None
        else _seconds(job.lock.start, epoch),
        soft_window=soft,
        parts=tuple(sorted(required_quantities(job.parts).items())),
        sla_due=sla_due,
        sla_late_cost_per_s=late_cost,
        tools=tuple(sorted(set(job.tools))),
    )


def _van_stock(problem: Problem, vehicles: list[Vehicle]) -> list[dict[str, int]]:
    """Van stock per vehicle: an engineer's van is loaded for the first shift only (later shifts
    of the same engineer start empty, a safe under-estimate of what is left)."""
    seen: set[str] = set()
    out = []
    for v in vehicles:
        eng = problem.engineer_by_id[v.engineer_id]
        out.append({} if v.engineer_id in seen else dict(eng.van_stock))
        seen.add(v.engineer_id)
    return out


def _parts_verdict(
    problem: Problem,
    job: Job,
    verdict: tuple[list[int], list[tuple[int, int]]],
    van_stock: list[dict[str, int]],
    vehicles: list[Vehicle],
    epoch: datetime,
) -> tuple[list[int], list[tuple[int, int]]] | Rejection:
    """Apply SLA hard deadlines and parts availability to a job's allowed vehicles and windows."""
    allowed, wins = verdict
    due = problem.sla_deadline(job)
    if due is not None and problem.sla_mode.kind == "hard":
        cut = _seconds(due, epoch)
        wins = [(a, min(b, cut)) for a, b in wins if a <= cut]
        if not wins:
            return Rejection(
                job.id,
                UnassignedReason.SLA_DEADLINE_UNREACHABLE,
                f"its SLA deadline {due.isoformat()} (hard) is before any window opens",
            )
    if job.tools:
        at_depots = {t for d in problem.depots for t in d.tools}
        lacking = set(job.tools) - at_depots
        allowed = [
            i
            for i in allowed
            if lacking <= set(problem.engineer_by_id[vehicles[i].engineer_id].tools)
        ]
        if not allowed:
            return Rejection(
                job.id,
                UnassignedReason.PARTS_UNAVAILABLE,
                f"tool {sorted(lacking)[0]} is in no eligible engineer's van and no depot",
            )
    if not job.parts:
        return allowed, wins
    need = required_quantities(job.parts)
    readiness = problem.parts_readiness(job)
    if readiness.unavailable:
        sku = readiness.unavailable[0]
        return Rejection(
            job.id,
            UnassignedReason.PARTS_UNAVAILABLE,
            f"part {sku} is in no van or depot and none is on its way",
        )
    shelf = _depot_supply(problem)
    from_depot = {
        sku for sku in need if shelf.get(sku, 0) is None or (shelf.get(sku) or 0) >= need[sku]
    }
    by_van = [
        i
        for i in allowed
        if all(van_stock[i].get(sku, 0) >= q for sku, q in need.items() if sku not in from_depot)
    ]
    if not by_van:
        ready = readiness.ready_at
        sku = next(iter(sorted(set(need) - from_depot)), next(iter(need)))
        if ready is not None and ready > max(v.hard_end for v in vehicles) * _S + epoch:
            return Rejection(
                job.id,
                UnassignedReason.AWAITING_PARTS,
                f"part {sku} is expected at {ready.isoformat()}, after the horizon",
            )
        return Rejection(
            job.id,
            UnassignedReason.AWAITING_PARTS,
            f"part {sku} is not on any eligible engineer's van nor on a depot shelf yet",
        )
    ready = readiness.ready_at
    if ready is not None and ready > epoch + max(vehicles[i].hard_end for i in by_van) * _S:
        late = max(
            (s for s in readiness.skus if s.ready_at is not None),
            key=lambda s: s.ready_at or ready,
        )
        return Rejection(
            job.id,
            UnassignedReason.AWAITING_PARTS,
            f"part {late.sku} can be picked up only from {ready.isoformat()}, after the horizon",
        )
    return by_van, wins


def _depot_supply(problem: Problem) -> dict[str, int | None]:
    """Units per SKU on all depot shelves and on their way (``None``: some depot is unlimited)."""
    out: dict[str, int | None] = {}
    for depot in problem.depots:
        if depot.unlimited:
            for sku in {p.sku for p in problem.parts}:
                out[sku] = None
            continue
        for sku, qty in depot.stock.items():
            if out.get(sku, 0) is not None:
                out[sku] = (out.get(sku) or 0) + qty
    for arrival in problem.part_arrivals:
        if out.get(arrival.sku, 0) is not None:
            out[arrival.sku] = (out.get(arrival.sku) or 0) + arrival.quantity
    return out


def _depot_visits(
    problem: Problem,
    jobs: list[CompiledJob],
    skus: list[str],
    tools: list[str],
    n_vehicles: int,
    epoch: datetime,
    mats: ProblemMatrices,
) -> tuple[list[Pool], list[CompiledVisit]]:
    """Shelves (stock now, and each expected arrival) and the optional visit nodes to reach them."""
    if not skus and not tools:
        return [], []
    pools: list[Pool] = []
    for depot in problem.depots:
        kit = frozenset(depot.tools) & frozenset(tools)
        if depot.unlimited:
            pools.append(Pool(depot.id, {sku: None for sku in skus}, 0, kit))
        elif kit or any(depot.stock.get(sku, 0) > 0 for sku in skus):
            pools.append(Pool(depot.id, {sku: depot.stock.get(sku, 0) for sku in skus}, 0, kit))
    for arrival in sorted(problem.part_arrivals, key=lambda a: (a.expected_at, a.depot_id, a.sku)):
        if arrival.sku in skus:
            pools.append(
                Pool(
                    arrival.depot_id,
                    {sku: arrival.quantity if sku == arrival.sku else 0 for sku in skus},
                    max(0, _seconds(arrival.expected_at, epoch)),
                )
            )
    users = sum(1 for j in jobs if j.parts or j.tools)
    visits: list[CompiledVisit] = []
    first = len(jobs)
    for k, pool in enumerate(pools):
        depot = problem.depot_by_id[pool.depot_id]
        service = round(depot.pickup_minutes * 60)
        if depot.opening_hours:
            wins = [
                (_seconds(w.start, epoch), _seconds(w.end, epoch) - service)
                for w in sorted(depot.opening_hours, key=lambda w: w.start)
            ]
        else:
            wins = [(0, 10**9)]
        wins = [
            (max(a, pool.available_from), b) for a, b in wins if b >= max(a, pool.available_from)
        ]
        if not wins:
            continue
        if users:
            for v in range(n_vehicles):
                visits.append(
                    CompiledVisit(pool.depot_id, first + len(visits), k, tuple(wins), service, v)
                )
    return pools, visits


_S = timedelta(seconds=1)


class _Fleet:
    """Per-vehicle arrays that every job's eligibility check reads (built once per compile)."""

    def __init__(self, problem: Problem, vehicles: list[Vehicle], mats: ProblemMatrices) -> None:
        self.problem = problem
        self.vehicles = vehicles
        self.mats = mats
        self.engineers = [problem.engineer_by_id[v.engineer_id] for v in vehicles]
        self.start_pt = np.array(
            [mats.start_point[v.engineer_id] for v in vehicles], dtype=np.int64
        )
        self.end_pt = np.array([mats.end_point[v.engineer_id] for v in vehicles], dtype=np.int64)
        self.shift_start = np.array([v.shift_start for v in vehicles], dtype=np.int64)
        self.hard_end = np.array([v.hard_end for v in vehicles], dtype=np.int64)
        self.max_span = np.array(
            [np.iinfo(np.int64).max if v.max_span is None else v.max_span for v in vehicles],
            dtype=np.int64,
        )
        groups: dict[tuple[str | None, int, int], list[int]] = {}
        for i, (v, eng) in enumerate(zip(vehicles, self.engineers, strict=True)):
            key = (eng.vehicle_profile, v.shift_start, v.hard_end)
            if mats.profile_of(eng.vehicle_profile) is None:
                key = (eng.vehicle_profile, 0, 0)
            groups.setdefault(key, []).append(i)
        self.travel_groups = [
            (mats.durations_between(*key), np.array(idx, dtype=np.int64))
            for key, idx in groups.items()
        ]
        self._skilled: dict[tuple[tuple[str, int], ...], list[int]] = {}
        self._levels: dict[str, list[int | None]] = {}

    def skilled(self, job: Job) -> list[int]:
        """Vehicles whose engineer meets every skill requirement (memoised per requirement set)."""
        key = tuple(sorted((r.skill, r.level) for r in job.skills))
        if key not in self._skilled:
            self._skilled[key] = [
                i
                for i, eng in enumerate(self.engineers)
                if not missing_skills(job.skills, eng.skills)
            ]
        return self._skilled[key]

    def service(self, job: Job) -> tuple[int, ...]:
        """On-site seconds per vehicle: the job's duration at each engineer's lead-skill level."""
        if not job.duration_by_level:
            seconds = round(job.duration_minutes * 60)
            return (seconds,) * len(self.vehicles)
        lead = job.skills[0].skill
        if lead not in self._levels:
            self._levels[lead] = [eng.skills.get(lead) for eng in self.engineers]
        memo: dict[int | None, int] = {}
        out = []
        for level in self._levels[lead]:
            if level not in memo:
                memo[level] = round(job.duration_for_level(level) * 60)
            out.append(memo[level])
        return tuple(out)

    def reachable(
        self,
        candidates: list[int],
        point: int,
        service: tuple[int, ...],
        wins: list[tuple[int, int]],
    ) -> list[int]:
        """Candidates that can drive out, serve inside a window and get home within the shift."""
        go = np.zeros(len(self.vehicles), dtype=np.int64)
        back = np.zeros(len(self.vehicles), dtype=np.int64)
        for matrix, idx in self.travel_groups:
            go[idx] = matrix[self.start_pt[idx], point]
            back[idx] = matrix[point, self.end_pt[idx]]
        cand = np.asarray(candidates, dtype=np.int64)
        on_site = np.asarray(service, dtype=np.int64)[cand]
        earliest = self.shift_start[cand] + go[cand]
        latest = self.hard_end[cand] - back[cand] - on_site
        fits = go[cand] + on_site + back[cand] <= self.max_span[cand]
        in_window = np.zeros(len(cand), dtype=bool)
        for a, b in wins:
            in_window |= np.maximum(a, earliest) <= np.minimum(b, latest)
        return [int(i) for i in cand[fits & in_window]]


def _allowed_vehicles(
    fleet: _Fleet, job: Job, epoch: datetime
) -> tuple[list[int], list[tuple[int, int]]] | Rejection:
    vehicles = fleet.vehicles
    if not vehicles:
        return Rejection(
            job.id, UnassignedReason.NO_ENGINEERS, "the problem has no engineers to send"
        )
    skilled = fleet.skilled(job)
    if not skilled:
        needs = ", ".join(f"{r.skill}>={r.level}" for r in job.skills)
        return Rejection(
            job.id,
            UnassignedReason.NO_ENGINEER_WITH_SKILL,
            f"no engineer has the skills it needs ({needs})",
        )
    permitted = [
        i
        for i in skilled
        if (not job.required_engineers or vehicles[i].engineer_id in job.required_engineers)
        and vehicles[i].engineer_id not in job.excluded_engineers
        and (job.lock is None or vehicles[i].engineer_id == job.lock.engineer_id)
    ]
    if not permitted:
        if job.lock is not None:
            return Rejection(
                job.id,
                UnassignedReason.LOCK_INFEASIBLE,
                f"locked to {job.lock.engineer_id}, who lacks the skills it needs",
            )
        return Rejection(
            job.id,
            UnassignedReason.ENGINEER_RESTRICTIONS,
            "the engineers with the right skills are excluded or not among the required ones",
        )
    loadable = [i for i in permitted if job.demand <= (vehicles[i].capacity or job.demand)]
    if not loadable:
        return Rejection(
            job.id,
            UnassignedReason.LOAD_EXCEEDS_CAPACITY,
            f"its load {job.demand} exceeds every eligible engineer's capacity",
        )
    wins = _windows(job, epoch)
    reachable = fleet.reachable(loadable, fleet.mats.job_point[job.id], fleet.service(job), wins)
    if not reachable:
        if job.lock is not None and job.lock.start is not None:
            return Rejection(
                job.id,
                UnassignedReason.LOCK_INFEASIBLE,
                "its locked start is outside its windows or the engineer's shift",
            )
        return Rejection(
            job.id,
            UnassignedReason.OUTSIDE_ALL_SHIFTS,
            "no eligible engineer's shift leaves time to reach it, do it and get back "
            "within its time windows",
        )
    return reachable, wins


def _drop_orphaned_successors(
    problem: Problem, rejected: list[Rejection], jobs: list[CompiledJob]
) -> tuple[list[Rejection], list[CompiledJob]]:
    """A job whose predecessor can never be served cannot be served either (transitively)."""
    out = set(r.job_id for r in rejected)
    changed = True
    while changed:
        changed = False
        for j in jobs:
            if j.job_id in out:
                continue
            lost = [p for p in problem.job_by_id[j.job_id].after if p in out]
            if lost:
                rejected.append(
                    Rejection(
                        j.job_id,
                        UnassignedReason.PREDECESSOR_UNASSIGNED,
                        f"it must follow {lost[0]}, which cannot be planned",
                    )
                )
                out.add(j.job_id)
                changed = True
    kept = [j for j in jobs if j.job_id not in out]
    renumbered = [replace(j, node=i) for i, j in enumerate(kept)]
    return rejected, renumbered

"""The dispatcher's rule of thumb: first come, first served, to the nearest engineer who can go.

Jobs are taken in order of their earliest possible start (locked jobs first); each is appended
to the route of the engineer who is nearest to it and can still keep every hard rule, with a
detour to a depot first when the van lacks a part. A crew job takes the nearest lead and the
nearest helpers who can all start together; a job no engineer (or no crew) can take goes to the
cheapest provider with room in its quota. No job is ever moved once placed. This is the
baseline that optimised plans are compared against.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from dispatchopt.models import BreakTaken, Outsourced, Plan, Problem, Route, Stop
from dispatchopt.models.plan import PartUse
from dispatchopt.solvers.capabilities import Capabilities
from dispatchopt.solvers.compiled import (
    CompiledJob,
    CompiledProblem,
    CompiledVisit,
    Vehicle,
    compile_problem,
)
from dispatchopt.solvers.engines.decoding import (
    job_stop_details,
    outsourced_entry,
    retimed,
    unassigned_jobs,
    with_crews,
)
from dispatchopt.solvers.progress import ProgressCallback
from dispatchopt.solvers.stop import Deadline
from dispatchopt.solvers.summary import summarize


@dataclass(frozen=True)
class _Target:
    """Somewhere to go: a job, or a depot visit (``pool`` set) to pick up ``picks``."""

    node: int
    windows: tuple[tuple[int, int], ...]
    service: int
    job_id: str
    pool: int | None = None
    picks: tuple[tuple[str, int], ...] = ()


@dataclass
class _Leg:
    target: _Target
    arrival: int
    start: int
    end: int


@dataclass
class _State:
    vehicle: Vehicle
    node: int
    time: int
    van: dict[str, int]
    tools: set[str] = field(default_factory=set)
    load: int = 0
    pending: list[tuple[int, int, int]] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)
    legs: list[_Leg] = field(default_factory=list)


def _copy(st: _State) -> _State:
    """A trial copy: containers copied one level deep (legs are never changed once made)."""
    return _State(
        vehicle=st.vehicle,
        node=st.node,
        time=st.time,
        van=dict(st.van),
        tools=set(st.tools),
        load=st.load,
        pending=list(st.pending),
        taken=list(st.taken),
        legs=list(st.legs),
    )


def _earliest_start(windows: tuple[tuple[int, int], ...], ready: int) -> int | None:
    for a, b in windows:
        if ready <= b:
            return max(a, ready)
    return None


def _append(st: _State, target: _Target, travel: npt.NDArray[np.int32], release: int) -> bool:
    """Append ``target`` to ``st`` in place (taking breaks that fall due first); False if the
    route could no longer get home in time, leaving ``st`` partly changed (callers use a copy)."""
    veh = st.vehicle
    while True:
        arrival = st.time + int(travel[st.node, target.node])
        start = _earliest_start(target.windows, max(arrival, release))
        if start is None:
            return False
        end = start + target.service
        if st.pending and end > st.pending[0][1]:
            lo, hi, dur = st.pending.pop(0)
            b = max(st.time, lo)
            if b > hi:
                return False
            st.taken.append((b, b + dur))
            st.time = b + dur
            continue
        break
    st.legs.append(_Leg(target, arrival, start, end))
    st.node, st.time = target.node, end
    home_t = end
    back = int(travel[target.node, veh.end_node])
    for lo, hi, dur in st.pending:
        if max(home_t, lo) + back > hi:
            b = max(home_t, lo)
            if b > hi:
                return False
            home_t = b + dur
    home = home_t + back
    if home > veh.hard_end:
        return False
    first = st.legs[0]
    departure = _departure(veh, first, st.taken, travel)
    return veh.max_span is None or home - departure <= veh.max_span


def _departure(
    veh: Vehicle, first: _Leg, taken: list[tuple[int, int]], travel: npt.NDArray[np.int32]
) -> int:
    """Leave as late as the first visit allows; a break that would fall inside the first drive
    is taken on the way, so the engineer leaves before it."""
    departure = first.start - int(travel[veh.start_node, first.target.node])
    for a, b in sorted(taken, reverse=True):
        if a < first.start and b > departure:
            departure = min(departure, a)
    return max(veh.shift_start, departure)


NAME = "greedy"


@dataclass(frozen=True)
class Greedy:
    """The greedy baseline as an engine: it needs no time, and ignores the deadline."""

    name: str = NAME

    def unsupported(self, caps: Capabilities) -> str | None:
        """Always ``None``: every hard rule is kept (soft costs are not weighed)."""
        return None

    def solve(
        self,
        cp: CompiledProblem,
        *,
        deadline: Deadline,
        seed: int = 0,
        initial: Plan | None = None,
        progress: ProgressCallback | None = None,
    ) -> Plan:
        """Plan ``cp`` by the rule of thumb (``initial`` and ``progress`` are not used)."""
        return plan_greedy(cp)


def solve_greedy(problem: Problem, *, seed: int = 0) -> Plan:
    """Plan ``problem`` with the nearest-feasible-engineer, first-come-first-served rule."""
    return plan_greedy(compile_problem(problem, seed=seed))


def plan_greedy(cp: CompiledProblem) -> Plan:
    """The greedy plan of a compiled problem."""
    started = _time.perf_counter()
    problem = cp.problem
    states = [
        _State(
            vehicle=veh,
            node=veh.start_node,
            time=veh.shift_start,
            van=dict(cp.van_stock[v]),
            tools=set(cp.van_tools[v]),
            pending=sorted(veh.breaks),
        )
        for v, veh in enumerate(cp.vehicles)
    ]
    shelves = [dict(pool.supply) for pool in cp.pools]
    pool_visit: dict[int, CompiledVisit] = {}
    for visit in cp.visits:
        pool_visit.setdefault(visit.pool, visit)
    end_of: dict[int, int] = {}
    served: set[str] = set()
    node_preds: dict[int, list[int]] = {j.node: [] for j in cp.jobs}
    for before, after, _ in cp.precedences:
        node_preds[after].append(before)
    fleet = _FleetArrays(cp, states)
    caps = {e.id: e.max_jobs for e in problem.engineers if e.max_jobs is not None}
    done: dict[str, int] = {}
    quota = [p.max_jobs for p in cp.providers]
    outsourced: list[Outsourced] = []

    def full(v: int) -> bool:
        eid = cp.vehicles[v].engineer_id
        return eid in caps and done.get(eid, 0) >= caps[eid]

    # In order of earliest start (a route only grows at its end); among jobs that open at
    # the same time crew jobs go first, since they need several free diaries at once.
    waiting = sorted(
        cp.leads, key=lambda j: (j.lock_start is None, j.windows[0][0], not j.crew, j.node)
    )
    progress = True
    while waiting and progress:
        progress = False
        still: list[CompiledJob] = []
        for job in waiting:
            preds = node_preds[job.node]
            if any(p not in end_of for p in preds):
                still.append(job)
                continue
            progress = True
            release = max((end_of[p] for p in preds), default=0)
            if job.crew:
                crew = _place_crew(cp, job, states, release, full)
                if crew is not None:
                    for sku, q in job.parts:  # the lead's van carries them (no detour)
                        crew[0][1].van[sku] -= q
                    crew[0][1].load += job.demand
                    for v, trial in crew:
                        states[v] = trial
                        fleet.update(v, trial)
                        done[cp.vehicles[v].engineer_id] = (
                            done.get(cp.vehicles[v].engineer_id, 0) + 1
                        )
                    end_of[job.node] = crew[0][1].legs[-1].end
                    served.add(job.job_id)
                    continue
            target = _Target(job.node, job.windows, 0, job.job_id)
            best: tuple[tuple[int, int, int], _State, int | None] | None = None
            candidates = (
                [] if job.crew else _candidates(cp, job, states, shelves, pool_visit, fleet)
            )
            for first_leg, v, pool in candidates:
                if best is not None and first_leg > best[0][0]:
                    break  # the nearest feasible engineer is known: the rest are farther
                if full(v):
                    continue
                st = states[v]
                travel = cp.travel(v)
                trial = _copy(st)
                if pool is not None:
                    visit = pool_visit[pool]
                    short = {
                        sku: q - st.van.get(sku, 0)
                        for sku, q in job.parts
                        if st.van.get(sku, 0) < q
                    }
                    pick = _Target(
                        visit.node,
                        visit.windows,
                        visit.service,
                        visit.depot_id,
                        pool,
                        tuple(sorted(short.items())),
                    )
                    if not _append(trial, pick, travel, 0):
                        continue
                if not _append(trial, _with_service(target, job.service[v]), travel, release):
                    continue
                key = (first_leg, trial.legs[-1].start, v)
                if best is None or key < best[0]:
                    best = (key, trial, pool)
            taker = _provider_for(job, quota)
            if best is None or (
                taker is not None and _dearer_than_fee(cp, states, best, job, taker)
            ):
                if taker is not None:
                    quota[taker] -= 1
                    given = outsourced_entry(cp, job, taker)
                    outsourced.append(given)
                    served.add(job.job_id)
                    opens = job.windows[0][0]
                    if given.window is not None:
                        opens = cp.clock.seconds(given.window.start)
                    end_of[job.node] = opens + max(job.service, default=0)
                continue
            _, trial, pool = best
            v = best[0][2]
            if pool is not None:
                trial.tools |= cp.pools[pool].tools
                for sku, q in trial.legs[-2].target.picks:
                    trial.van[sku] = trial.van.get(sku, 0) + q
                    if shelves[pool].get(sku) is not None:
                        shelves[pool][sku] = (shelves[pool][sku] or 0) - q
            for sku, q in job.parts:
                trial.van[sku] -= q
            trial.load += job.demand
            _count(done, cp.vehicles[v])
            states[v] = trial
            fleet.update(v, trial)
            end_of[job.node] = trial.legs[-1].end
            served.add(job.job_id)
        waiting = still
    routes = [
        retimed(cp, _route(cp, st, cp.travel(v)), v) for v, st in enumerate(states) if st.legs
    ]
    routes = with_crews(cp, routes)
    plan = Plan(
        routes=routes,
        unassigned=unassigned_jobs(cp, served, routes),
        outsourced=sorted(outsourced, key=lambda o: o.job_id),
    )
    plan.summary = summarize(
        problem, plan, solver=NAME, solve_seconds=_time.perf_counter() - started
    )
    return plan


def _count(done: dict[str, int], vehicle: Vehicle) -> None:
    """One more job for the vehicle's engineer (``max_jobs`` counts over all shifts)."""
    done[vehicle.engineer_id] = done.get(vehicle.engineer_id, 0) + 1


def _dearer_than_fee(
    cp: CompiledProblem,
    states: list[_State],
    best: tuple[tuple[int, int, int], _State, int | None],
    job: CompiledJob,
    provider: int,
) -> bool:
    """True when serving ``job`` as ``best`` places it costs more than the provider's fee:
    the engineer's time from where they were to the end of the job, and the drive, priced
    at their rates (the rule of thumb ignores the way home)."""
    (_, _, v), trial, _ = best
    veh, before = cp.vehicles[v], states[v]
    added: float = (trial.time - before.time) * veh.span_cost_per_s
    added += float(cp.distance()[before.node, job.node]) * veh.cost_per_m
    return job.fees[job.providers.index(provider)] < added


def _provider_for(job: CompiledJob, quota: list[int]) -> int | None:
    """The cheapest provider that may take ``job`` and has room left (ties: the first)."""
    open_ = [(fee, k) for k, fee in zip(job.providers, job.fees, strict=True) if quota[k] > 0]
    return min(open_)[1] if open_ else None


CREW_LEADS_TRIED = 3
"""Lead candidates (nearest first) the greedy crew placement tries before giving up."""


def _place_crew(
    cp: CompiledProblem,
    job: CompiledJob,
    states: list[_State],
    release: int,
    full: Callable[[int], bool],
) -> list[tuple[int, _State]] | None:
    """A lead and ``crew_size - 1`` helpers (different engineers) who can all start ``job``
    at the same moment: the earliest each can start alone, then all at the latest of those
    (and later while a window or a break moves someone on). ``None``: no such crew now."""
    copies = [cp.jobs[n] for n in job.crew]

    def alone(v: int, node: int, not_before: int) -> _State | None:
        trial = _copy(states[v])
        target = _Target(node, job.windows, job.service[v], job.job_id)
        return trial if _append(trial, target, cp.travel(v), not_before) else None

    def equipped(v: int) -> bool:
        st = states[v]
        has_parts = all(st.van.get(sku, 0) >= q for sku, q in job.parts)
        room = st.vehicle.capacity is None or st.load + job.demand <= st.vehicle.capacity
        return has_parts and room and set(job.tools) <= st.tools

    def starts(pool: tuple[int, ...], node: int) -> list[tuple[int, int]]:
        out = []
        for v in pool:
            if full(v) or (node == job.node and not equipped(v)):
                continue
            trial = alone(v, node, release)
            if trial is not None:
                out.append((trial.legs[-1].start, v))
        return sorted(out)

    leads = starts(job.allowed, job.node)
    helpers = starts(copies[0].allowed, copies[0].node) if copies else []
    for _, lead in leads[:CREW_LEADS_TRIED]:
        taken = {cp.vehicles[lead].engineer_id}
        members = [(lead, job.node)]
        for _, v in helpers:
            if len(members) == len(copies) + 1:
                break
            if cp.vehicles[v].engineer_id not in taken:
                taken.add(cp.vehicles[v].engineer_id)
                members.append((v, copies[len(members) - 1].node))
        if len(members) < len(copies) + 1:
            return None
        at = release
        for _ in range(4):
            trials = [alone(v, node, at) for v, node in members]
            if any(t is None for t in trials):
                break
            placed = [(v, t) for (v, _), t in zip(members, trials, strict=True) if t is not None]
            begins = {t.legs[-1].start for _, t in placed}
            if len(begins) == 1:
                return placed
            at = max(begins)
    return None


class _FleetArrays:
    """Where each vehicle is and how loaded, as arrays, so that a job's candidate engineers
    are sorted by their drive to it without a Python loop over every engineer."""

    def __init__(self, cp: CompiledProblem, states: list[_State]) -> None:
        self.node = np.array([st.node for st in states], dtype=np.int64)
        self.time = np.array([st.time for st in states], dtype=np.int64)
        self.load = np.array([st.load for st in states], dtype=np.int64)
        self.capacity = np.array(
            [
                np.iinfo(np.int64).max if st.vehicle.capacity is None else st.vehicle.capacity
                for st in states
            ],
            dtype=np.int64,
        )
        self.end_node = np.array([st.vehicle.end_node for st in states], dtype=np.int64)
        self.hard_end = np.array([st.vehicle.hard_end for st in states], dtype=np.int64)
        groups: dict[tuple[str | None, int, int], list[int]] = {}
        for v in range(len(states)):
            groups.setdefault(cp.travel_key(v), []).append(v)
        self.group_of = np.zeros(len(states), dtype=np.int64)
        self.matrices = []
        for k, members in enumerate(groups.values()):
            self.group_of[members] = k
            self.matrices.append(cp.travel(members[0]))

    def update(self, v: int, st: _State) -> None:
        """Vehicle ``v`` has a new state."""
        self.node[v], self.time[v], self.load[v] = st.node, st.time, st.load

    def drives(
        self, vehicles: npt.NDArray[np.int64], target: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Seconds from each vehicle's position to ``target``, and from there to its end."""
        go = np.empty(len(vehicles), dtype=np.int64)
        back = np.empty(len(vehicles), dtype=np.int64)
        groups = self.group_of[vehicles]
        for k, matrix in enumerate(self.matrices):
            mask = groups == k
            if mask.any():
                members = vehicles[mask]
                go[mask] = matrix[self.node[members], target]
                back[mask] = matrix[target, self.end_node[members]]
        return go, back


def _candidates(
    cp: CompiledProblem,
    job: CompiledJob,
    states: list[_State],
    shelves: list[dict[str, int | None]],
    pool_visit: dict[int, CompiledVisit],
    fleet: _FleetArrays,
) -> list[tuple[int, int, int | None]]:
    """``(drive to the first stop, vehicle, shelf to restock at or None)`` for every vehicle
    that might take ``job``, nearest first; vehicles that could not reach it inside its
    windows and get home even without breaks are left out (breaks only delay)."""
    allowed = np.asarray(job.allowed, dtype=np.int64)
    if not len(allowed):
        return []
    allowed = allowed[fleet.load[allowed] + job.demand <= fleet.capacity[allowed]]
    go, back = fleet.drives(allowed, job.node)
    service = np.asarray(job.service, dtype=np.int64)[allowed]
    start = np.maximum(fleet.time[allowed] + go, job.windows[0][0])
    fits = (start <= job.windows[-1][1]) & (start + service + back <= fleet.hard_end[allowed])
    out: list[tuple[int, int, int | None]] = []
    if not job.parts and not job.tools:
        keep = allowed[fits]
        for t, v in sorted(zip(go[fits].tolist(), keep.tolist(), strict=True)):
            out.append((t, v, None))
        return out
    for v in allowed.tolist():
        st = states[v]
        short = {sku: q - st.van.get(sku, 0) for sku, q in job.parts if st.van.get(sku, 0) < q}
        no_tools = set(job.tools) - st.tools
        if not short and not no_tools:
            out.append((int(cp.travel(v)[st.node, job.node]), v, None))
            continue
        for k, shelf in enumerate(shelves):
            if (
                k in pool_visit
                and no_tools <= cp.pools[k].tools
                and all(
                    shelf.get(sku, 0) is None or (shelf.get(sku) or 0) >= q
                    for sku, q in short.items()
                )
            ):
                out.append((int(cp.travel(v)[st.node, pool_visit[k].node]), v, k))
    out.sort(key=lambda c: (c[0], c[1], -1 if c[2] is None else c[2]))
    return out


def _with_service(target: _Target, service: int) -> _Target:
    return _Target(target.node, target.windows, service, target.job_id)


def _route(cp: CompiledProblem, st: _State, travel: npt.NDArray[np.int32]) -> Route:
    veh = st.vehicle
    distance = cp.distance()

    at = cp.at
    taken = list(st.taken)
    last = st.legs[-1]
    home_t = last.end
    back = int(travel[last.target.node, veh.end_node])
    for lo, hi, dur in st.pending:
        after_home = max(home_t + back, lo)
        b = after_home if after_home <= hi else max(home_t, lo)
        taken.append((b, b + dur))
        if b < home_t + back:
            home_t = b + dur
    first = st.legs[0]
    departure = _departure(veh, first, taken, travel)
    stops = []
    prev_node, prev_end = veh.start_node, departure
    for leg in st.legs:
        tgt = leg.target
        t = int(travel[prev_node, tgt.node])
        gap_breaks = sum(b - a for a, b in taken if prev_end <= a and b <= leg.start)
        arrival = min(leg.start, prev_end + t + gap_breaks)
        job = None if tgt.pool is not None else cp.jobs[tgt.node]
        details: dict[str, Any] = (
            {"parts": [PartUse(sku=s, quantity=q) for s, q in tgt.picks]}
            if job is None
            else job_stop_details(cp, job, veh.engineer_id, leg.start, leg.end)
        )
        if job is not None and job.crew:
            details["crew"] = [veh.engineer_id]  # the lead; with_crews adds the members
        stops.append(
            Stop(
                job_id=tgt.job_id,
                kind="job" if job else "pickup",
                arrival=at(arrival),
                start=at(leg.start),
                end=at(leg.end),
                travel_s=t,
                distance_m=int(distance[prev_node, tgt.node]),
                wait_s=leg.start - arrival,
                **details,
            )
        )
        prev_node, prev_end = tgt.node, leg.end
    return Route(
        engineer_id=veh.engineer_id,
        shift_index=veh.shift_index,
        departure=at(departure),
        arrival=at(home_t + back),
        stops=stops,
        breaks=[BreakTaken(start=at(a), end=at(b)) for a, b in sorted(taken)],
        return_travel_s=back,
        return_distance_m=int(distance[prev_node, veh.end_node]),
    )

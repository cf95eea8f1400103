"""The dispatcher's rule of thumb: first come, first served, to the nearest engineer who can go.

Jobs are taken in order of their earliest possible start (locked jobs first); each is appended
to the route of the engineer who can reach it soonest-by-distance while keeping every hard rule.
No job is ever moved once placed. This is the baseline optimised plans are compared against.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from dispatchopt.models import BreakTaken, Plan, Problem, Route, Stop
from dispatchopt.solvers.compile import CompiledJob, CompiledProblem, Vehicle, compile_problem
from dispatchopt.solvers.decode import unassigned_jobs
from dispatchopt.solvers.summary import summarize


@dataclass
class _Leg:
    job: CompiledJob
    arrival: int
    start: int
    end: int


@dataclass
class _State:
    vehicle: Vehicle
    node: int
    time: int
    load: int = 0
    pending: list[tuple[int, int, int]] = field(default_factory=list)
    taken: list[tuple[int, int]] = field(default_factory=list)
    legs: list[_Leg] = field(default_factory=list)


def _earliest_start(job: CompiledJob, ready: int) -> int | None:
    for a, b in job.windows:
        if ready <= b:
            return max(a, ready)
    return None


def _try_append(state: _State, job: CompiledJob, v: int, travel: np.ndarray,
                release: int) -> tuple[_Leg, list[tuple[int, int]], int, int] | None:
    """The leg, breaks taken before it, and the time/home arrival if ``job`` is appended."""
    veh = state.vehicle
    t = state.time
    taken: list[tuple[int, int]] = []
    pending = list(state.pending)
    service = job.service[v]
    while True:
        arrival = t + int(travel[state.node, job.node])
        start = _earliest_start(job, max(arrival, release))
        if start is None:
            return None
        end = start + service
        if pending and end > pending[0][1]:
            lo, hi, dur = pending.pop(0)
            b = max(t, lo)
            if b > hi:
                return None
            taken.append((b, b + dur))
            t = b + dur
            continue
        break
    # Getting home: breaks due before arrival are taken right after the job.
    home_t = end
    for lo, hi, dur in pending:
        if max(home_t, lo) + int(travel[job.node, veh.end_node]) > hi:
            b = max(home_t, lo)
            if b > hi:
                return None
            home_t = b + dur
    home = home_t + int(travel[job.node, veh.end_node])
    if home > veh.hard_end:
        return None
    first_start = state.legs[0].start if state.legs else start
    first_job = state.legs[0].job if state.legs else job
    departure = first_start - int(travel[veh.start_node, first_job.node])
    if veh.max_span is not None and home - max(veh.shift_start, departure) > veh.max_span:
        return None
    return _Leg(job, arrival, start, end), taken, end, home


def solve_greedy(problem: Problem, *, seed: int = 0) -> Plan:
    """Plan ``problem`` with the nearest-feasible-engineer, first-come-first-served rule."""
    started = _time.perf_counter()
    cp = compile_problem(problem, seed=seed)
    travel = cp.travel()
    states = [
        _State(vehicle=veh, node=veh.start_node, time=veh.shift_start, pending=sorted(veh.breaks))
        for veh in cp.vehicles
    ]
    end_of: dict[int, int] = {}
    served: set[str] = set()
    node_preds = {j.node: [] for j in cp.jobs}  # type: dict[int, list[int]]
    for before, after, _ in cp.precedences:
        node_preds[after].append(before)
    order = sorted(cp.jobs, key=lambda j: (j.lock_start is None, j.windows[0][0], j.node))
    pending_jobs = list(order)
    progress = True
    while pending_jobs and progress:
        progress = False
        for job in list(pending_jobs):
            preds = node_preds[job.node]
            if any(p not in end_of for p in preds):
                continue
            pending_jobs.remove(job)
            progress = True
            release = max((end_of[p] for p in preds), default=0)
            best = None
            for v in job.allowed:
                st = states[v]
                cap = st.vehicle.capacity
                if cap is not None and st.load + job.demand > cap:
                    continue
                result = _try_append(st, job, v, travel, release)
                if result is None:
                    continue
                key = (int(travel[st.node, job.node]), result[0].start, v)
                if best is None or key < best[0]:
                    best = (key, v, result)
            if best is None:
                continue
            _, v, (leg, taken, end, _home) = best
            st = states[v]
            st.taken.extend(taken)
            st.pending = st.pending[len(taken):]
            st.legs.append(leg)
            st.node, st.time, st.load = job.node, end, st.load + job.demand
            end_of[job.node] = end
            served.add(job.job_id)
    plan = Plan(routes=[_route(cp, st, travel) for st in states if st.legs],
                unassigned=unassigned_jobs(cp, served))
    plan.summary = summarize(problem, plan, solver="greedy",
                             solve_seconds=_time.perf_counter() - started)
    return plan


def _route(cp: CompiledProblem, st: _State, travel: np.ndarray) -> Route:
    veh = st.vehicle
    distance = cp.distance()

    def at(s: int) -> object:
        return cp.epoch + timedelta(seconds=s)

    taken = list(st.taken)
    last = st.legs[-1]
    home_t = last.end
    back = int(travel[last.job.node, veh.end_node])
    for lo, hi, dur in st.pending:
        after_home = max(home_t + back, lo)
        b = after_home if after_home <= hi else max(home_t, lo)
        taken.append((b, b + dur))
        if b < home_t + back:
            home_t = b + dur
    first = st.legs[0]
    before_first = sum(b - a for a, b in taken if b <= first.start)
    departure = max(
        veh.shift_start, first.start - int(travel[veh.start_node, first.job.node]) - before_first
    )
    stops = []
    prev_node, prev_end = veh.start_node, departure
    for leg in st.legs:
        t = int(travel[prev_node, leg.job.node])
        gap_breaks = sum(b - a for a, b in taken if prev_end <= a and b <= leg.start)
        arrival = min(leg.start, prev_end + t + gap_breaks)
        stops.append(Stop(job_id=leg.job.job_id, arrival=at(arrival), start=at(leg.start),
                          end=at(leg.end), travel_s=t, distance_m=int(distance[prev_node, leg.job.node]),
                          wait_s=leg.start - arrival))
        prev_node, prev_end = leg.job.node, leg.end
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

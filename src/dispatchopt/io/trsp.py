"""Reader for Pillac et al. (2013) technician routing and scheduling (TRSP) instances.

The format maps onto the domain model without special cases in the solver: technicians become
engineers (home start and end, shift = the home's window), skills and tools stay skills and tools,
spare parts become van stock used up by jobs, and the main depot (node 0) becomes an unlimited
depot that also lends every tool, where a visit restocks the van. Times are minutes from
:data:`~dispatchopt.io.vrptw.BENCHMARK_EPOCH`; travel is the unrounded Euclidean distance at one
unit per minute, rounded *up* to whole seconds so every plan stays feasible for the exact checker.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dispatchopt.errors import FormatError, InputError
from dispatchopt.io.vrptw import BENCHMARK_EPOCH
from dispatchopt.models import (
    Engineer,
    EuclideanTravel,
    Job,
    Location,
    Objective,
    Plan,
    Problem,
    Shift,
    SkillRequirement,
    TimeWindow,
)
from dispatchopt.models.parts import Depot, Part, PartRequirement

_NODE = re.compile(
    r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+"
    r"\[([^\]]*)\]\s+\[([^\]]*)\]\s+\[([^\]]*)\]\s*$"
)
DEPOT_ID = "0"
"""The main depot's id: restock visits appear in plans as stops with this ``job_id``."""


@dataclass(frozen=True)
class _Node:
    id: int
    x: float
    y: float
    ready: float
    due: float
    service: float
    skills: tuple[int, ...]
    tools: tuple[int, ...]
    parts: tuple[int, ...]


def _ints(text: str, where: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise FormatError([(where, text, "expected a comma-separated list of integers")]) from None


def _parse(path: Path) -> tuple[str, int, int, int, int, list[_Node]]:
    if not path.is_file():
        raise FormatError([("path", str(path), "no such file")])
    lines = path.read_text().splitlines()
    name = lines[0].strip() if lines else path.stem
    header: tuple[int, int, int, int] | None = None
    nodes: list[_Node] = []
    for i, line in enumerate(lines):
        if line.strip().upper().startswith("CREW COUNT") and i + 1 < len(lines):
            values = lines[i + 1].split()
            if len(values) != 4 or not all(v.isdigit() for v in values):
                raise FormatError([(f"{path}: line {i + 2}", lines[i + 1], "expected 4 integers")])
            crew, skills, tools, parts = (int(v) for v in values)
            header = (crew, skills, tools, parts)
        m = _NODE.match(line)
        if m:
            where = f"{path}: line {i + 1}"
            try:
                x, y, ready, due, service = (float(m[k]) for k in range(2, 7))
            except ValueError:
                raise FormatError([(where, line.strip(), "non-numeric field")]) from None
            nodes.append(
                _Node(
                    int(m[1]),
                    x,
                    y,
                    ready,
                    due,
                    service,
                    _ints(m[7], where),
                    _ints(m[8], where),
                    _ints(m[9], where),
                )
            )
    if header is None:
        raise FormatError([(str(path), None, "no 'CREW COUNT SKILLS TOOLS SPARE PARTS' header")])
    ids = [n.id for n in nodes]
    if ids != list(range(len(nodes))):
        raise FormatError([(str(path), ids[:5], "node ids must run 0, 1, 2, ... in order")])
    crew, n_skills, n_tools, n_parts = header
    if len(nodes) <= crew + 1:
        raise FormatError([(str(path), len(nodes), f"needs a depot, {crew} homes and requests")])
    return name, crew, n_skills, n_tools, n_parts, nodes


def _window(node: _Node) -> TimeWindow:
    from datetime import timedelta

    return TimeWindow(
        start=BENCHMARK_EPOCH + timedelta(minutes=node.ready),
        end=BENCHMARK_EPOCH + timedelta(minutes=node.due),
    )


def read_trsp(path: str | Path) -> Problem:
    """Read a TRSP instance: engineer ids are home node ids, job ids request node ids."""
    path = Path(path)
    name, crew, _, _, n_parts, nodes = _parse(path)
    for node in nodes:
        if node.due < node.ready:
            raise FormatError(
                [
                    (
                        f"{path}: node {node.id}",
                        (node.ready, node.due),
                        "window ends before it starts",
                    )
                ]
            )
        if len(node.parts) not in (0, n_parts) or any(q < 0 for q in node.parts):
            raise FormatError(
                [
                    (
                        f"{path}: node {node.id} spare parts",
                        node.parts,
                        f"expected {n_parts} non-negative quantities",
                    )
                ]
            )
    depot = nodes[0]
    engineers = [
        Engineer(
            id=str(n.id),
            start_location=Location(x=n.x, y=n.y),
            shifts=[Shift(start=_window(n).start, end=_window(n).end)],
            skills={f"s{k}": 1 for k in n.skills},
            tools=[f"t{k}" for k in n.tools],
            van_stock={f"p{k}": q for k, q in enumerate(n.parts) if q > 0},
        )
        for n in nodes[1 : crew + 1]
    ]
    jobs = [
        Job(
            id=str(n.id),
            location=Location(x=n.x, y=n.y),
            duration_minutes=n.service,
            time_windows=[_window(n)],
            skills=[SkillRequirement(skill=f"s{k}") for k in n.skills],
            tools=[f"t{k}" for k in n.tools],
            parts=[
                PartRequirement(sku=f"p{k}", quantity=q) for k, q in enumerate(n.parts) if q > 0
            ],
        )
        for n in nodes[crew + 1 :]
    ]
    all_tools = sorted({t for j in jobs for t in j.tools} | {t for e in engineers for t in e.tools})
    try:
        return Problem(
            name=name,
            jobs=jobs,
            engineers=engineers,
            parts=[Part(sku=f"p{k}") for k in range(n_parts)],
            depots=[
                Depot(
                    id=DEPOT_ID,
                    location=Location(x=depot.x, y=depot.y),
                    opening_hours=[_window(depot)],
                    pickup_minutes=depot.service,
                    unlimited=True,
                    tools=all_tools,
                )
            ],
            travel=EuclideanTravel(speed_kmh=60.0, round_up=True),
            objective=Objective(kind="working_time"),
        )
    except ValueError as exc:
        raise InputError([(str(path), None, str(exc))]) from None


def _minutes(moment: datetime) -> float:
    return (moment - BENCHMARK_EPOCH).total_seconds() / 60


def working_time(problem: Problem, plan: Plan) -> tuple[float, float]:
    """The benchmark's objective for ``plan``: total working time and distance, unrounded.

    Per route, with exact Euclidean travel: the time the technician is back home minus the day's
    start, where the start is delayed as far as the windows allow without adding waiting
    (Pillac et al.'s definition). Computed from the route order, not from the plan's times.
    """
    total = distance = 0.0
    for route in plan.routes:
        eng = problem.engineer_by_id[route.engineer_id]
        home = eng.start_location
        day_start = _minutes(eng.shifts[route.shift_index].start)
        places: list[tuple[float, float, float, float, float]] = []  # x, y, open, close, service
        for stop in route.stops:
            if stop.kind == "pickup":
                depot = problem.depot_by_id[stop.job_id]
                hours = depot.opening_hours[0] if depot.opening_hours else None
                places.append(
                    (
                        float(depot.location.x or 0.0),
                        float(depot.location.y or 0.0),
                        _minutes(hours.start) if hours else day_start,
                        _minutes(hours.end) if hours else math.inf,
                        depot.pickup_minutes,
                    )
                )
            else:
                job = problem.job_by_id[stop.job_id]
                window = job.time_windows[0]
                places.append(
                    (
                        float(job.location.x or 0.0),
                        float(job.location.y or 0.0),
                        _minutes(window.start),
                        _minutes(window.end),
                        job.duration_minutes,
                    )
                )
        if not places:
            continue
        end_home = eng.home
        x, y = float(home.x or 0.0), float(home.y or 0.0)
        clock, waited, slack, no_wait = day_start, 0.0, math.inf, day_start
        for px, py, opens, closes, service in places:
            leg = math.hypot(px - x, py - y)
            distance += leg
            arrive = clock + leg
            no_wait += leg
            slack = min(slack, closes - no_wait)
            waited += max(0.0, opens - arrive)
            clock = max(arrive, opens) + service
            no_wait += service
            x, y = px, py
        back = math.hypot(float(end_home.x or 0.0) - x, float(end_home.y or 0.0) - y)
        distance += back
        no_wait += back
        slack = min(slack, _minutes(eng.shifts[route.shift_index].end) - no_wait)
        total += clock + back - (day_start + min(slack, waited))
    return total, distance

"""Readers for the classic VRPTW benchmark formats (Solomon ``.txt``, VRPLIB ``.vrp``).

Both map onto the DIMACS convention of docs/architecture.md "Benchmarks": one coordinate unit is
one kilometre and one minute, distances truncated to 0.1, total distance as the objective.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dispatchopt.errors import FormatError, InputError
from dispatchopt.models import (
    Engineer,
    EuclideanTravel,
    Job,
    Location,
    Objective,
    Problem,
    Shift,
    TimeWindow,
)

BENCHMARK_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
"""Time zero of every benchmark instance: their times are minutes after this moment."""


def _at(minutes: float) -> datetime:
    return BENCHMARK_EPOCH + timedelta(minutes=float(minutes))


def _parse(path: Path, instance_format: str) -> dict[str, Any]:
    """Run the ``vrplib`` parser, turning whatever it raises on a broken file into FormatError."""
    if not path.is_file():
        raise FormatError([("path", str(path), "no such file")])
    import vrplib  # only a benchmark file needs the parser

    try:
        # vrplib warns (and then fails) on empty sections; the failure is what we report.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return dict(vrplib.read_instance(str(path), instance_format=instance_format))
    except Exception as exc:  # the parser raises ValueError, IndexError, KeyError, ...
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise FormatError(
            [(str(path), None, f"not a readable {instance_format} instance: {detail}")]
        ) from None


def _array(path: Path, inst: dict[str, Any], key: str, shape_tail: tuple[int, ...]) -> Any:
    if key not in inst:
        raise FormatError([(f"{path}: {key}", None, "section missing")])
    arr = np.asarray(inst[key], dtype=np.float64)
    if arr.ndim != 1 + len(shape_tail) or arr.shape[1:] != shape_tail:
        raise FormatError([(f"{path}: {key}", arr.shape, "unexpected shape")])
    return arr


def _vrptw_problem(
    path: Path,
    *,
    name: str,
    xy: npt.NDArray[np.float64],
    demand: npt.NDArray[np.float64],
    windows: npt.NDArray[np.float64],
    service: npt.NDArray[np.float64],
    depot: int,
    vehicles: int,
    capacity: int,
) -> Problem:
    """Build the Problem shared by both formats; job ids are node indices (depot excluded)."""
    n = len(xy)
    for label, arr in (("demand", demand), ("time_window", windows), ("service_time", service)):
        if len(arr) != n:
            raise FormatError(
                [(f"{path}: {label}", len(arr), f"has a different length than the {n} nodes")]
            )
    if n < 2:
        raise FormatError([(f"{path}: nodes", n, "needs a depot and at least one customer")])
    if vehicles < 1:
        raise FormatError([(f"{path}: vehicles", vehicles, "needs at least one vehicle")])
    if capacity < 0:
        raise FormatError([(f"{path}: capacity", capacity, "must not be negative")])
    errors: list[tuple[str, Any, str]] = []
    for i in range(n):
        ready, due = windows[i]
        if due < ready:
            errors.append((f"{path}: node {i} time window", (ready, due), "due before ready"))
        if service[i] < 0:
            errors.append((f"{path}: node {i} service time", service[i], "negative"))
        if demand[i] < 0:
            errors.append((f"{path}: node {i} demand", demand[i], "negative"))
    if errors:
        raise FormatError(errors)

    home = Location(x=float(xy[depot, 0]), y=float(xy[depot, 1]))
    shift = Shift(start=_at(windows[depot, 0]), end=_at(windows[depot, 1]))
    engineers = [
        Engineer(id=f"v{k}", start_location=home, shifts=[shift], capacity=capacity)
        for k in range(1, vehicles + 1)
    ]
    jobs = [
        Job(
            id=str(i),
            location=Location(x=float(xy[i, 0]), y=float(xy[i, 1])),
            duration_minutes=float(service[i]),
            time_windows=[TimeWindow(start=_at(windows[i, 0]), end=_at(windows[i, 1]))],
            demand=int(demand[i]),
        )
        for i in range(n)
        if i != depot
    ]
    try:
        return Problem(
            name=name,
            jobs=jobs,
            engineers=engineers,
            travel=EuclideanTravel(speed_kmh=60.0, truncate_decimals=1),
            objective=Objective(kind="distance"),
        )
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise InputError([(str(path), None, str(exc))]) from None


def read_solomon(path: str | Path) -> Problem:
    """Read a Solomon ``.txt`` instance: job ids are ``CUST NO.``, engineers ``v1..vK``.

    Each engineer (vehicle) works one shift equal to the depot's window, starting and ending at
    the depot; each customer's ``[READY TIME, DUE DATE]`` bounds the start of its service.
    """
    path = Path(path)
    inst = _parse(path, "solomon")
    xy = _array(path, inst, "node_coord", (2,))
    return _vrptw_problem(
        path,
        name=str(inst.get("name") or path.stem),
        xy=xy,
        demand=_array(path, inst, "demand", ()),
        windows=_array(path, inst, "time_window", (2,)),
        service=_array(path, inst, "service_time", ()),
        depot=0,
        vehicles=int(inst.get("vehicles", 0)),
        capacity=int(inst.get("capacity", 0)),
    )


def read_vrplib(path: str | Path) -> Problem:
    """Read a VRPLIB ``.vrp`` VRPTW instance: job ids are node indices counted from 0 at the depot.

    The file numbers nodes from 1; ids here follow ``.sol`` files (depot 0, customers 1..n).
    ``VEHICLES`` is the fleet limit; a scalar ``SERVICE_TIME`` applies to every customer.
    """
    path = Path(path)
    inst = _parse(path, "vrplib")
    xy = _array(path, inst, "node_coord", (2,))
    n = len(xy)
    depots = np.atleast_1d(np.asarray(inst.get("depot", [0]), dtype=np.int64))
    if len(depots) != 1 or not 0 <= int(depots[0]) < n:
        raise FormatError([(f"{path}: DEPOT_SECTION", depots.tolist(), "needs exactly one depot")])
    depot = int(depots[0])
    raw_service = inst.get("service_time", 0)
    if np.ndim(raw_service) == 0:
        service = np.full(n, float(raw_service))
    else:
        service = np.asarray(raw_service, dtype=np.float64)
    service = service.copy()
    if len(service) == n:
        service[depot] = 0.0
    if "time_window" not in inst:
        raise FormatError([(f"{path}: TIME_WINDOW_SECTION", None, "section missing")])
    if "vehicles" not in inst:
        raise FormatError([(f"{path}: VEHICLES", None, "missing (the fleet limit)")])
    capacity = np.atleast_1d(np.asarray(inst.get("capacity", 0)))
    return _vrptw_problem(
        path,
        name=str(inst.get("name") or path.stem),
        xy=xy,
        demand=_array(path, inst, "demand", ()) if "demand" in inst else np.zeros(n),
        windows=_array(path, inst, "time_window", (2,)),
        service=service,
        depot=depot,
        vehicles=int(inst["vehicles"]),
        capacity=int(capacity[0]),
    )

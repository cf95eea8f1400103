"""Spare parts and tools at compile time: van stock, shelves, depot visits, and which vehicles
can have a job's parts on hand."""

from __future__ import annotations

from dispatchopt.matrices import ProblemMatrices
from dispatchopt.models import Job, Problem, UnassignedReason
from dispatchopt.models.parts import required_quantities
from dispatchopt.solvers.compiled.data import CompiledJob, CompiledVisit, Pool, Rejection, Vehicle
from dispatchopt.solvers.compiled.timebase import OPEN_END, Timebase


def van_stock(problem: Problem, vehicles: list[Vehicle]) -> list[dict[str, int]]:
    """Van stock per vehicle: an engineer's van is loaded for the first shift only (later shifts
    of the same engineer start empty, a safe under-estimate of what is left)."""
    seen: set[str] = set()
    out = []
    for v in vehicles:
        eng = problem.engineer_by_id[v.engineer_id]
        out.append({} if v.engineer_id in seen else dict(eng.van_stock))
        seen.add(v.engineer_id)
    return out


def parts_verdict(
    problem: Problem,
    job: Job,
    verdict: tuple[list[int], list[tuple[int, int]]],
    van_stock: list[dict[str, int]],
    vehicles: list[Vehicle],
    clock: Timebase,
) -> tuple[list[int], list[tuple[int, int]]] | Rejection:
    """Apply SLA hard deadlines and parts availability to a job's allowed vehicles and windows."""
    allowed, wins = verdict
    due = problem.sla_deadline(job)
    if due is not None and problem.sla_mode.kind == "hard":
        cut = clock.seconds(due)
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
        if ready is not None and ready > clock.at(max(v.hard_end for v in vehicles)):
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
    if ready is not None and ready > clock.at(max(vehicles[i].hard_end for i in by_van)):
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


def depot_visits(
    problem: Problem,
    jobs: list[CompiledJob],
    skus: list[str],
    tools: list[str],
    n_vehicles: int,
    clock: Timebase,
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
                    max(0, clock.seconds(arrival.expected_at)),
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
                (clock.seconds(w.start), clock.seconds(w.end) - service)
                for w in sorted(depot.opening_hours, key=lambda w: w.start)
            ]
        else:
            wins = [(0, OPEN_END)]
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


__all__ = ["depot_visits", "parts_verdict", "van_stock"]

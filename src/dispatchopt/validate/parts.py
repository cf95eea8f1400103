"""Rules about spare parts, tools and depots: what a van holds, what shelves give, when depots
are open."""

from __future__ import annotations

from datetime import datetime

from dispatchopt.models import Engineer, Route, Rule, Stop
from dispatchopt.models.parts import (
    Depot,
    StockHolder,
    Withdrawal,
    required_quantities,
    stock_shortfalls,
)
from dispatchopt.validate.context import Context, is_helper, is_pickup, units
from dispatchopt.validate.visits import pickup_label


def check_parts(ctx: Context) -> None:
    """Pickups take whole units of known parts at known depots; each job's parts and tools are
    in the van at its start; no two pickups take the same last unit off a shelf."""
    for route, engineer in ctx.known_routes:
        for stop in route.stops:
            if is_pickup(stop):
                _pickup(ctx, stop, engineer)
        _van(ctx, route, engineer)
    _depot_stock(ctx)


def check_depot_hours(ctx: Context) -> None:
    """A pickup starts and ends inside the depot's opening hours."""
    for route, engineer in ctx.known_routes:
        for stop in route.stops:
            depot = ctx.problem.depot_by_id.get(stop.job_id) if is_pickup(stop) else None
            if depot is not None:
                _hours(ctx, depot, stop, engineer.id)


def _pickup(ctx: Context, stop: Stop, engineer: Engineer) -> None:
    eid = engineer.id
    if stop.job_id not in ctx.problem.depot_by_id:
        ctx.report(
            Rule.PARTS,
            f"pickup at depot {stop.job_id!r}, which is not in the problem",
            engineer=eid,
        )
        return
    where = pickup_label(ctx, stop)
    for use in stop.parts:
        if use.sku not in ctx.problem.part_by_sku:
            ctx.report(Rule.PARTS, f"{where} takes unknown part {use.sku!r}", engineer=eid)
        if use.quantity <= 0:
            ctx.report(
                Rule.PARTS,
                f"{where} takes {use.quantity} x {use.sku}; a pickup takes at least one unit",
                engineer=eid,
                amount=1 - use.quantity,
                unit="units",
            )


def _hours(ctx: Context, depot: Depot, stop: Stop, eid: str) -> None:
    if not depot.opening_hours:
        return
    end = max(stop.end, stop.start + depot.pickup)
    if any(w.start <= stop.start and end <= w.end for w in depot.opening_hours):
        return
    misses = []
    for w in depot.opening_hours:
        if stop.start < w.start:
            misses.append(((w.start - stop.start).total_seconds(), w))
        else:
            misses.append((max((end - w.end).total_seconds(), 0.0), w))
    amount, w = min(misses, key=lambda m: m[0])
    ctx.report(
        Rule.DEPOT_HOURS,
        f"{pickup_label(ctx, stop)} is outside the depot's opening hours "
        f"({ctx.clock(w.start)}-{ctx.clock(w.end)})",
        engineer=eid,
        amount=amount,
        unit="s",
    )


def _first_shift(engineer: Engineer) -> int:
    """The shift whose route the van stock is loaded for (the earliest one)."""
    return min(range(len(engineer.shifts)), key=lambda k: engineer.shifts[k].start)


def _van(ctx: Context, route: Route, engineer: Engineer) -> None:
    """Walk the route: each job's parts and tools must be in the van when service starts.

    The van holds its stock (first shift only) plus what earlier pickups took, minus what
    earlier jobs used; tools come with the van or from an earlier pickup at a depot that
    keeps them. Each job stop must also report exactly the parts the job needs.
    """
    eid = engineer.id
    first = route.shift_index == _first_shift(engineer)
    van: dict[str, int] = dict(engineer.van_stock) if first else {}
    tools = set(engineer.tools)
    for stop in route.stops:
        if is_pickup(stop):
            depot = ctx.problem.depot_by_id.get(stop.job_id)
            if depot is None:
                continue
            tools |= set(depot.tools)
            for use in stop.parts:
                van[use.sku] = van.get(use.sku, 0) + max(use.quantity, 0)
            continue
        job = ctx.jobs.get(stop.job_id)
        if job is None or is_helper(stop, eid):
            continue  # a crew job's parts and tools come with its lead
        need = required_quantities(job.parts)
        reported: dict[str, int] = {}
        for use in stop.parts:
            reported[use.sku] = reported.get(use.sku, 0) + use.quantity
        if dict(sorted(reported.items())) != need:
            ctx.report(
                Rule.PARTS,
                f"reports parts {units(reported)}, but the job needs {units(need)}",
                job=job.id,
                engineer=eid,
            )
        for sku, qty in need.items():
            held = van.get(sku, 0)
            if held < qty:
                ctx.report(
                    Rule.PARTS,
                    f"needs {qty} x {sku} at {ctx.clock(stop.start)}, but the van holds "
                    f"{held} (van stock plus earlier pickups, less earlier jobs)",
                    job=job.id,
                    engineer=eid,
                    amount=qty - held,
                    unit="units",
                )
            van[sku] = max(held - qty, 0)
        for tool in sorted(set(job.tools) - tools):
            ctx.report(
                Rule.PARTS,
                f"needs tool {tool}, which is not in the van and was not collected at an "
                "earlier depot that keeps it",
                job=job.id,
                engineer=eid,
            )


def _depot_stock(ctx: Context) -> None:
    """No two pickups take the same last unit off a depot shelf; a unit only expected is
    there from its arrival on."""
    withdrawals = []
    who: dict[tuple[str, str, datetime], str] = {}
    for route in ctx.plan.routes:
        for stop in route.stops:
            if not is_pickup(stop) or stop.job_id not in ctx.problem.depot_by_id:
                continue
            for use in stop.parts:
                if use.quantity > 0:
                    withdrawals.append(
                        Withdrawal(
                            holder=StockHolder("depot", stop.job_id),
                            sku=use.sku,
                            quantity=use.quantity,
                            at=stop.start,
                        )
                    )
                    who.setdefault((stop.job_id, use.sku, stop.start), route.engineer_id)
    if not withdrawals:
        return
    shortfalls = stock_shortfalls({}, ctx.problem.depots, ctx.problem.part_arrivals, withdrawals)
    for short in shortfalls:
        w = short.withdrawal
        later = sorted(
            a.expected_at
            for a in ctx.problem.part_arrivals
            if a.depot_id == w.holder.id and a.sku == w.sku and a.expected_at > w.at
        )
        why = f"; more is expected only at {ctx.clock(later[0])}" if later else ""
        ctx.report(
            Rule.PARTS,
            f"pickup at {w.holder.id} at {ctx.clock(w.at)} takes {w.quantity} x {w.sku}, "
            f"but the shelf holds {short.on_hand} then{why}",
            engineer=who.get((w.holder.id, w.sku, w.at)),
            amount=short.missing,
            unit="units",
        )


__all__ = ["check_depot_hours", "check_parts"]

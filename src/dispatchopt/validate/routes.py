"""Rules about one route as a whole: drives, shift, working time, load and breaks."""

from __future__ import annotations

from datetime import datetime, timedelta

from dispatchopt.models import BreakTaken, Engineer, Route, Rule, Shift, Stop
from dispatchopt.validate.context import Context, is_helper, is_pickup, job_stops, seconds, span
from dispatchopt.validate.visits import pickup_label


def check_travel_time(ctx: Context) -> None:
    """No stop starts before its arrival, each drive (plus breaks taken on the way) fits
    between leaving one place and starting at the next, at its real departure time, and every
    reported arrival and wait follows from those drives (no idle time hidden in them)."""
    for route, engineer in ctx.known_routes:
        for stop in route.stops:
            if stop.start >= stop.arrival:
                continue
            if is_pickup(stop):
                if stop.job_id not in ctx.problem.depot_by_id:
                    continue
                message = (
                    f"{pickup_label(ctx, stop)} starts before arriving at {ctx.clock(stop.arrival)}"
                )
                job = None
            elif stop.job_id in ctx.jobs:
                message = (
                    f"starts {ctx.clock(stop.start)}, before arriving at {ctx.clock(stop.arrival)}"
                )
                job = stop.job_id
            else:
                continue
            ctx.report(
                Rule.TRAVEL_TIME,
                message,
                job=job,
                engineer=engineer.id,
                amount=seconds(stop.arrival - stop.start),
                unit="s",
            )
        _check_legs(ctx, route, engineer)
        _check_waits(ctx, route, engineer)


def _check_legs(ctx: Context, route: Route, engineer: Engineer) -> None:
    for a, b, leaves, starts, src, dst, stop in ctx.legs(route, engineer):
        if a is None or b is None:
            continue  # an unknown job has no location; reported as unknown_job already
        # Only the part of a break inside the leg takes time from it: a lunch that began at
        # home before departure, or runs on after the engineer is back, is off the road.
        resting = sum(
            (
                max(min(brk.end, starts) - max(brk.start, leaves), timedelta(0))
                for brk in route.breaks
            ),
            timedelta(0),
        )
        # The drive at its real departure time (vehicle profile, rush hours): leaving at
        # once, or after the break when that gets there sooner.
        drive = ctx.drive(a, b, leaves, engineer)
        if resting:
            drive = min(drive, ctx.drive(a, b, leaves + resting, engineer))
        short = drive + resting - (starts - leaves)
        target = f"starts {dst}" if stop is not None else "is back home"
        if short > timedelta(0):
            rest = f" plus {span(seconds(resting))} of breaks" if resting else ""
            ctx.report(
                Rule.TRAVEL_TIME,
                f"leaves {src} at {ctx.clock(leaves)} and {target} at {ctx.clock(starts)}, "
                f"but the drive takes {span(seconds(drive))}{rest}",
                job=stop.job_id if stop is not None else None,
                engineer=engineer.id,
                amount=seconds(short),
                unit="s",
            )
        elif _later_than_explained(ctx, route, engineer, a, b, leaves, stop, src, dst):
            continue
        elif stop is not None and stop.arrival < leaves + drive:
            ctx.report(
                Rule.TRAVEL_TIME,
                f"reported arrival {ctx.clock(stop.arrival)} is earlier than possible: leaves "
                f"{src} at {ctx.clock(leaves)} and the drive takes {span(seconds(drive))}",
                job=stop.job_id,
                engineer=engineer.id,
                amount=seconds(leaves + drive - stop.arrival),
                unit="s",
            )


ARRIVAL_SLACK = timedelta(seconds=60)
"""How much later than the drive explains a reported arrival may be (rounding to whole seconds,
and engines that time a drive from a slightly different departure on time-dependent roads)."""


def _later_than_explained(
    ctx: Context,
    route: Route,
    engineer: Engineer,
    a: int,
    b: int,
    leaves: datetime,
    stop: Stop | None,
    src: str,
    dst: str,
) -> bool:
    """Report an arrival (at a stop, or back home) later than leaving, driving and any breaks
    on the way explain: hidden idle time that would show as overtime and no waiting."""
    if stop is not None and stop.arrival > stop.start:
        return False  # reported already: the stop starts before its own arrival
    arrival = route.arrival if stop is None else stop.arrival
    resting = sum(
        (max(min(brk.end, arrival) - max(brk.start, leaves), timedelta(0)) for brk in route.breaks),
        timedelta(0),
    )
    drive = max(ctx.drive(a, b, leaves, engineer), ctx.drive(a, b, leaves + resting, engineer))
    latest = leaves + drive + resting
    if arrival <= latest + ARRIVAL_SLACK:
        return False
    target = f"reports arriving at {dst}" if stop is not None else "reports being back home"
    rest = f" plus {span(seconds(resting))} of breaks" if resting else ""
    ctx.report(
        Rule.TRAVEL_TIME,
        f"leaves {src} at {ctx.clock(leaves)} and {target} at {ctx.clock(arrival)}, but the "
        f"drive takes {span(seconds(drive))}{rest}: {span(seconds(arrival - latest))} "
        "unaccounted for",
        job=stop.job_id if stop is not None else None,
        engineer=engineer.id,
        amount=seconds(arrival - latest),
        unit="s",
    )
    return True


def _check_waits(ctx: Context, route: Route, engineer: Engineer) -> None:
    """Each stop's reported wait is the time between arriving and starting."""
    for stop in route.stops:
        gap = max(seconds(stop.start - stop.arrival), 0)
        if abs(stop.wait_s - gap) <= 1:
            continue
        ctx.report(
            Rule.TRAVEL_TIME,
            f"reports {span(stop.wait_s)} waiting at {stop.job_id}, but arrives "
            f"{ctx.clock(stop.arrival)} and starts {ctx.clock(stop.start)} ({span(gap)})",
            job=stop.job_id if stop.job_id in ctx.jobs else None,
            engineer=engineer.id,
            amount=abs(stop.wait_s - gap),
            unit="s",
        )


def check_shift(ctx: Context) -> None:
    """A route names one of its engineer's shifts, once, and stays inside it (plus overtime)."""
    seen: dict[tuple[str, int], int] = {}
    for view in ctx.routes:
        route, engineer, shift = view.route, view.engineer, view.shift
        if engineer is None:
            continue
        eid = engineer.id
        if shift is None:
            ctx.report(
                Rule.SHIFT,
                f"route names shift_index {route.shift_index}, but the engineer has "
                f"{len(engineer.shifts)} shift(s)",
                engineer=eid,
            )
            continue
        key = (eid, route.shift_index)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            ctx.report(
                Rule.SHIFT,
                f"more than one route for shift {route.shift_index} "
                f"(starting {ctx.clock(shift.start)})",
                engineer=eid,
            )
        _within_shift(ctx, route, engineer, shift)


def _within_shift(ctx: Context, route: Route, engineer: Engineer, shift: Shift) -> None:
    eid = engineer.id
    if route.departure < shift.start:
        early = seconds(shift.start - route.departure)
        ctx.report(
            Rule.SHIFT,
            f"leaves at {ctx.clock(route.departure)}, {span(early)} before the shift "
            f"starts at {ctx.clock(shift.start)}",
            engineer=eid,
            amount=early,
            unit="s",
        )
    latest = shift.end + timedelta(minutes=engineer.overtime_minutes)
    if route.arrival > latest:
        late = seconds(route.arrival - latest)
        extra = (
            f" plus {span(engineer.overtime_minutes * 60)} overtime"
            if engineer.overtime_minutes
            else ""
        )
        ctx.report(
            Rule.SHIFT,
            f"back home at {ctx.clock(route.arrival)}, {span(late)} after the shift ends "
            f"at {ctx.clock(shift.end)}{extra}",
            engineer=eid,
            amount=late,
            unit="s",
        )


def check_max_working_time(ctx: Context) -> None:
    """From leaving home to being back takes no longer than the engineer may work."""
    for view in ctx.routes:
        engineer, route = view.engineer, view.route
        if engineer is None or view.shift is None or engineer.max_working_minutes is None:
            continue
        worked = route.arrival - route.departure
        limit = timedelta(minutes=engineer.max_working_minutes)
        if worked > limit:
            ctx.report(
                Rule.MAX_WORKING_TIME,
                f"works {span(seconds(worked))} ({ctx.clock(route.departure)}-"
                f"{ctx.clock(route.arrival)}), {span(seconds(worked - limit))} over the "
                f"limit of {span(seconds(limit))}",
                engineer=engineer.id,
                amount=seconds(worked - limit),
                unit="s",
            )


def check_capacity(ctx: Context) -> None:
    """The jobs of a route load no more than the engineer's capacity."""
    for route, engineer in ctx.known_routes:
        if engineer.capacity is None:
            continue
        load = sum(
            ctx.jobs[s.job_id].demand
            for s in job_stops(route)
            if s.job_id in ctx.jobs and not is_helper(s, route.engineer_id)
        )
        if load > engineer.capacity:
            ctx.report(
                Rule.CAPACITY,
                f"carries {load} units, {load - engineer.capacity} over the capacity of "
                f"{engineer.capacity}",
                engineer=engineer.id,
                amount=load - engineer.capacity,
                unit="units",
            )


def check_break(ctx: Context) -> None:
    """Each shift break once, in order, inside its window, exactly long enough, off-site."""
    for view in ctx.routes:
        if view.engineer is None or view.shift is None:
            continue
        _breaks(ctx, view.route, view.engineer, view.shift)


def _breaks(ctx: Context, route: Route, engineer: Engineer, shift: Shift) -> None:
    eid = engineer.id
    for i, planned in enumerate(shift.breaks):
        window = f"{ctx.clock(planned.window.start)}-{ctx.clock(planned.window.end)}"
        if i >= len(route.breaks):
            ctx.report(
                Rule.BREAK,
                f"break {i + 1} ({span(planned.duration_minutes * 60)} in {window}) is missing",
                engineer=eid,
            )
            continue
        taken = route.breaks[i]
        when = f"{ctx.clock(taken.start)}-{ctx.clock(taken.end)}"
        if taken.start < planned.window.start or taken.end > planned.window.end:
            outside = max(
                seconds(planned.window.start - taken.start),
                seconds(taken.end - planned.window.end),
            )
            ctx.report(
                Rule.BREAK,
                f"break {i + 1} taken {when}, outside its window {window}",
                engineer=eid,
                amount=outside,
                unit="s",
            )
        need = timedelta(seconds=round(planned.duration_minutes * 60))
        if taken.end - taken.start != need:
            ctx.report(
                Rule.BREAK,
                f"break {i + 1} taken {when} lasts {span(seconds(taken.end - taken.start))}, "
                f"but should last {span(seconds(need))}",
                engineer=eid,
                amount=abs(seconds(taken.end - taken.start - need)),
                unit="s",
            )
    for i in range(len(shift.breaks), len(route.breaks)):
        taken = route.breaks[i]
        ctx.report(
            Rule.BREAK,
            f"break {i + 1} taken {ctx.clock(taken.start)}-{ctx.clock(taken.end)} "
            f"is not one of the shift's {len(shift.breaks)} break(s)",
            engineer=eid,
        )
    for i, taken in enumerate(route.breaks):
        _break_overlaps(ctx, i, taken, route, eid)


def _break_overlaps(ctx: Context, i: int, taken: BreakTaken, route: Route, eid: str) -> None:
    when = f"{ctx.clock(taken.start)}-{ctx.clock(taken.end)}"
    for stop in route.stops:
        overlap = min(taken.end, stop.end) - max(taken.start, stop.start)
        if overlap > timedelta(0):
            ctx.report(
                Rule.BREAK,
                f"break {i + 1} ({when}) overlaps the "
                f"{'pickup at' if is_pickup(stop) else 'visit to'} {stop.job_id} "
                f"({ctx.clock(stop.start)}-{ctx.clock(stop.end)}) "
                f"by {span(seconds(overlap))}",
                job=None if is_pickup(stop) else stop.job_id,
                engineer=eid,
                amount=seconds(overlap),
                unit="s",
            )
    for j in range(i + 1, len(route.breaks)):
        other = route.breaks[j]
        overlap = min(taken.end, other.end) - max(taken.start, other.start)
        if overlap > timedelta(0):
            ctx.report(
                Rule.BREAK,
                f"breaks {i + 1} and {j + 1} overlap by {span(seconds(overlap))}",
                engineer=eid,
                amount=seconds(overlap),
                unit="s",
            )


__all__ = [
    "check_break",
    "check_capacity",
    "check_max_working_time",
    "check_shift",
    "check_travel_time",
]

"""What a dispatcher or an engineer reads about each stop of a route, as plain strings.

The printed plan (:mod:`dispatchopt.io.report`) and the per-engineer schedules
(:mod:`dispatchopt.io.schedules`) show the same facts; they are worked out here once, so the
terminal, the CSV and the HTML page never disagree on a window, a due time or a lateness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from dispatchopt.models import Plan, Problem, Route, Stop


@dataclass(frozen=True)
class StopLine:
    """One stop, ready to print: times are ``HH:MM`` in the day's zone (dated when they fall
    on another day than the route's departure); empty strings where a fact does not apply."""

    order: int
    kind: str
    job: str
    customer: str
    address: str
    arrive: str
    start: str
    end: str
    window: str
    """The promised window the start falls in (``10:00-12:00``); when the start is in none,
    ``outside`` and every window joined by ``or``; empty for a job without windows."""
    sla_due: str
    late_minutes: int | None
    """Minutes the start is past the SLA due time (``None``: no due time, or not late)."""
    parts: str
    """Units used at a job (``1x pcb``), or what a pickup collects (``pickup at vaise: ...``)."""
    travel_min: int
    km: float

    @property
    def late(self) -> str:
        """``LATE 74 min``, ``on time`` for a due time kept, empty without a due time."""
        if self.late_minutes is not None:
            return f"LATE {self.late_minutes} min"
        return "on time" if self.sla_due else ""


class Clock:
    """Formats moments in one zone, as seen from one day (the route's)."""

    def __init__(self, problem: Problem | None, day: datetime) -> None:
        self._problem = problem
        self.day = self.local(day)

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the problem's zone (unchanged without a problem: plan times already
        are in it)."""
        return moment if self._problem is None else self._problem.local(moment)

    def __call__(self, moment: datetime) -> str:
        """``HH:MM``, prefixed by the date when it is not the day's."""
        local = self.local(moment)
        text = local.strftime("%H:%M")
        if local.date() != self.day.date():
            text = f"{local.date().isoformat()} {text}"
        return text


def _offset(moment: datetime) -> str:
    """``+02:00`` for the moment's UTC offset."""
    delta = moment.utcoffset() or timedelta(0)
    sign = "-" if delta < timedelta(0) else "+"
    minutes = abs(int(delta.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_name(problem: Problem | None, moment: datetime) -> str:
    """The zone's IANA name when the problem has one, else ``UTC`` plus its fixed offset."""
    zone: tzinfo | None = None if problem is None else problem.zone
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    return f"UTC{_offset(moment)}"


def day_heading(problem: Problem | None, moment: datetime) -> str:
    """``Tuesday 2 June 2026, times in Europe/Paris (+02:00)`` for the day of ``moment``.

    A dispatcher reading times needs the date and the zone they are in; the offset is the one
    in force on that day (daylight saving included).
    """
    local = moment if problem is None else problem.local(moment)
    date_text = f"{local.strftime('%A')} {local.day} {local.strftime('%B %Y')}"
    name = zone_name(problem, local)
    offset = _offset(local)
    zone_text = name if name.endswith(offset) else f"{name} ({offset})"
    return f"{date_text}, times in {zone_text}"


def plan_day(plan: Plan) -> datetime | None:
    """The moment the plan's day starts (the earliest departure), ``None`` without routes."""
    return min((r.departure for r in plan.routes), default=None)


def _window(problem: Problem | None, stop: Stop, clock: Clock) -> str:
    if problem is None or stop.kind != "job" or stop.job_id not in problem.job_by_id:
        return ""
    windows = problem.job_by_id[stop.job_id].time_windows
    for window in windows:
        if window.contains(stop.start):
            return f"{clock(window.start)}-{clock(window.end)}"
    if not windows:
        return ""
    listed = " or ".join(f"{clock(w.start)}-{clock(w.end)}" for w in windows)
    return f"outside {listed}"


def _units(stop: Stop) -> str:
    items = [f"{p.quantity}x {p.sku}" for p in stop.parts]
    items.extend(f"tool {tool}" for tool in stop.tools)
    return ", ".join(items)


def late_minutes(stop: Stop) -> int | None:
    """Whole minutes past the SLA due time, rounded up (a start 20 s late is 1 min late)."""
    if stop.sla_slack_s is None or stop.sla_slack_s >= 0:
        return None
    return math.ceil(-stop.sla_slack_s / 60)


def stop_lines(route: Route, problem: Problem | None = None, *, first: int = 1) -> list[StopLine]:
    """The route's stops as :class:`StopLine`, numbered from ``first``.

    Customer and address come from the stop (the plan carries them), else from the problem's
    job, so a plan written before stops had them still prints them.
    """
    clock = Clock(problem, route.departure)
    lines = []
    for order, stop in enumerate(route.stops, start=first):
        job = None if problem is None else problem.job_by_id.get(stop.job_id)
        is_job = stop.kind == "job"
        customer = stop.customer or (job.customer if job and is_job else None)
        address = stop.address or (job.address if job and is_job else None)
        units = _units(stop)
        lines.append(
            StopLine(
                order=order,
                kind=stop.kind,
                job=stop.job_id if is_job else "",
                customer=customer or "",
                address=address or "",
                arrive=clock(stop.arrival),
                start=clock(stop.start),
                end=clock(stop.end),
                window=_window(problem, stop, clock),
                sla_due="" if stop.sla_due is None else clock(stop.sla_due),
                late_minutes=late_minutes(stop),
                parts=units if is_job else f"pickup at {stop.job_id}: {units or 'nothing'}",
                travel_min=round(stop.travel_s / 60),
                km=round(stop.distance_m / 1000, 1),
            )
        )
    return lines


__all__ = ["Clock", "StopLine", "day_heading", "late_minutes", "plan_day", "stop_lines"]

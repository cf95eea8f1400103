"""The bridge between tickets and the planner: tickets -> ``Problem``, ``Plan`` -> commands.

The lifecycle decides what the solver may change: ``ready``/``scheduled`` tickets are movable,
``dispatched``/``en_route``/``on_site`` are locked to their engineer and start, all others are
left out of the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from dispatchopt.errors import DispatchoptError, InputError
from dispatchopt.lifecycle.commands import Command, Schedule, Unschedule
from dispatchopt.lifecycle.settings import PlanningSettings
from dispatchopt.lifecycle.ticket import MOVABLE_STATES, PINNED_STATES, Ticket, TicketState
from dispatchopt.models import Engineer, Job, Objective, Part, Plan, Problem, TravelSettings
from dispatchopt.models._bounds import MAX_JOB_ENGINEER_PAIRS

MAX_JOBS_TIMES_ENGINEERS = MAX_JOB_ENGINEER_PAIRS
"""The largest day planned (see :data:`~dispatchopt.models._bounds.MAX_JOB_ENGINEER_PAIRS`)."""

_JOB_FIELD = re.compile(r"jobs\[(\d+)\]")


def day_bounds(day: date, tz: tzinfo = UTC) -> tuple[datetime, datetime]:
    """``[midnight, next midnight)`` of ``day`` in ``tz``."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def _on_day(ticket: Ticket, lo: datetime, hi: datetime) -> bool:
    """Whether the day's plan should consider ``ticket``: a scheduled or pinned ticket belongs
    to the day of its start; a ready one to every day one of its windows touches."""
    if ticket.state is not TicketState.READY:
        return ticket.start is not None and lo <= ticket.start < hi
    if not ticket.time_windows:
        return True
    return any(w.start < hi and w.end >= lo for w in ticket.time_windows)


def plannable_tickets(tickets: Iterable[Ticket], day: date, tz: tzinfo = UTC) -> list[Ticket]:
    """The tickets a plan of ``day`` covers (movable and pinned ones), sorted by id."""
    lo, hi = day_bounds(day, tz)
    return sorted(
        (
            t
            for t in tickets
            if (t.state in MOVABLE_STATES or t.state in PINNED_STATES) and _on_day(t, lo, hi)
        ),
        key=lambda t: t.id,
    )


def _engineer_on_day(engineer: Engineer, lo: datetime, hi: datetime) -> Engineer | None:
    shifts = [s for s in engineer.shifts if lo <= s.start < hi]
    if not shifts:
        return None
    return engineer.model_copy(update={"shifts": shifts})


@dataclass(frozen=True)
class DayProblem:
    """A day's problem and the tickets it leaves out because they cannot be planned as they
    stand (``skipped``: ticket id -> why), so one bad ticket never blocks the rest of the day."""

    problem: Problem
    tickets: list[Ticket]
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def day_problem(
    tickets: Iterable[Ticket],
    engineers: Sequence[Engineer],
    day: date,
    *,
    tz: tzinfo = UTC,
    travel: TravelSettings | None = None,
    objective: Objective | None = None,
    planning: PlanningSettings | None = None,
    stock: Mapping[str, int] | None = None,
) -> DayProblem:
    """The planning problem of ``day``: its movable tickets as free jobs, its dispatched /
    en-route / on-site tickets as jobs locked to their engineer and start, the engineers'
    shifts that start that day, and the store's ``planning`` settings with its ``stock`` on
    the shelf of their stock depot.

    A ticket the problem cannot take (a pinned one whose engineer has no shift that day, one
    naming an SLA tier or a job that is not there, ...) is left out and named in ``skipped``;
    the rest of the day is planned. Errors that are no single ticket's raise
    :class:`InputError`; a day over :data:`MAX_JOBS_TIMES_ENGINEERS` too."""
    planning = planning or PlanningSettings()
    lo, hi = day_bounds(day, tz)
    crew = [e for e in (_engineer_on_day(e, lo, hi) for e in engineers) if e is not None]
    on_shift = {e.id for e in crew}
    skipped: dict[str, str] = {}
    candidates: list[tuple[Ticket, Job]] = []
    for ticket in plannable_tickets(tickets, day, tz):
        pinned = ticket.state in PINNED_STATES
        if pinned and ticket.engineer_id not in on_shift:
            skipped[ticket.id] = (
                f"ticket is {ticket.state.value} but its engineer has no shift on {day} "
                f"(engineer_id {ticket.engineer_id!r})"
            )
            continue
        try:
            candidates.append((ticket, ticket.to_job(pinned=pinned)))
        except DispatchoptError as exc:
            skipped[ticket.id] = str(exc).replace("\n", " ")
    size = len(candidates) * max(1, len(crew))
    if size > MAX_JOBS_TIMES_ENGINEERS:
        raise InputError(
            [
                (
                    "day",
                    f"{len(candidates)} jobs x {len(crew)} engineers",
                    f"more than {MAX_JOBS_TIMES_ENGINEERS} job-engineer pairs: split the day",
                )
            ]
        )
    notes: list[str] = []
    base = _settings_data(planning, stock or {}, crew, [j for _, j in candidates], notes)
    base["name"] = f"dispatch {day.isoformat()}"
    base["engineers"] = crew
    if travel is not None:
        base["travel"] = travel
    if objective is not None:
        base["objective"] = objective
    # Each round drops the jobs a cross-reference error names; a clean day takes one round.
    for _ in range(len(candidates) + 1):
        try:
            problem = Problem.from_data({**base, "jobs": [j for _, j in candidates]})
        except InputError as exc:
            bad = _named_jobs(exc, len(candidates))
            if not bad:
                raise
            for i in sorted(bad, reverse=True):
                ticket, _ = candidates.pop(i)
                skipped[ticket.id] = "; ".join(bad[i])
            continue
        return DayProblem(problem, [t for t, _ in candidates], skipped, notes)
    raise AssertionError("unreachable: every round drops a job")  # pragma: no cover


def _named_jobs(exc: InputError, count: int) -> dict[int, list[str]]:
    """The job indices ``exc``'s fields point at, with their messages; empty when some error
    is not about one job (then no job can be blamed)."""
    out: dict[int, list[str]] = {}
    for field_path, _, message in exc.errors:
        found = _JOB_FIELD.match(field_path)
        if found is None or int(found.group(1)) >= count:
            return {}
        out.setdefault(int(found.group(1)), []).append(f"{field_path}: {message}")
    return out


def _settings_data(
    planning: PlanningSettings,
    stock: Mapping[str, int],
    crew: Sequence[Engineer],
    jobs: Sequence[Job],
    notes: list[str],
) -> dict[str, Any]:
    """The problem fields the store's settings give, the store's shelf on its depot."""
    depots = list(planning.depots)
    shelf = planning.shelf_depot()
    if stock and shelf is None:
        notes.append(
            f"the store's stock ({len(stock)} SKU(s)) is on no depot (give planning.depots): "
            "it cannot be picked up"
        )
    elif shelf is not None:
        merged = {**shelf.stock, **{k: v for k, v in stock.items() if v > 0}}
        depots = [d.model_copy(update={"stock": merged}) if d is shelf else d for d in depots]
    known = {p.sku for p in planning.parts}
    used = set(stock) | {s for d in depots for s in d.stock}
    used |= {s for e in crew for s in e.van_stock} | {p.sku for j in jobs for p in j.parts}
    used |= {a.sku for a in planning.part_arrivals}
    parts = [*planning.parts, *(Part(sku=s) for s in sorted(used - known))]
    return {
        "parts": parts,
        "depots": depots,
        "part_arrivals": planning.part_arrivals,
        "sla_policies": planning.sla_policies,
        "sla_tiers": planning.sla_tiers,
        "sla_mode": planning.sla_mode,
        "calendar": planning.calendar,
        "objective": planning.objective,
    }


def tickets_to_problem(
    tickets: Iterable[Ticket],
    engineers: Sequence[Engineer],
    day: date,
    *,
    tz: tzinfo = UTC,
    travel: TravelSettings | None = None,
    objective: Objective | None = None,
    planning: PlanningSettings | None = None,
    stock: Mapping[str, int] | None = None,
) -> Problem:
    """:func:`day_problem`, strict: raises :class:`InputError` naming every ticket it would
    leave out (a pinned ticket whose engineer has no shift that day: the plan could not keep
    the promise already made)."""
    day_ = day_problem(
        tickets,
        engineers,
        day,
        tz=tz,
        travel=travel,
        objective=objective,
        planning=planning,
        stock=stock,
    )
    if day_.skipped:
        raise InputError([(f"tickets[{t}]", None, why) for t, why in sorted(day_.skipped.items())])
    return day_.problem


def plan_to_commands(plan: Plan, tickets: Iterable[Ticket]) -> list[tuple[str, Command]]:
    """The commands that write ``plan`` back: ``schedule`` for every ready ticket the plan
    serves and every scheduled one it moves, ``unschedule`` for scheduled tickets it leaves
    out. Pinned tickets get no command; a plan that moves one raises :class:`InputError`.
    A crew job is scheduled to its lead (the ticket holds one engineer): the other members'
    stops write nothing."""
    by_id = {t.id: t for t in tickets}
    out: list[tuple[str, Command]] = []
    errors: list[tuple[str, object, str]] = []
    for r, route in enumerate(plan.routes):
        for s, stop in enumerate(route.stops):
            if stop.crew and stop.crew[0] != route.engineer_id:
                continue
            field = f"plan.routes[{r}].stops[{s}]"
            ticket = by_id.get(stop.job_id)
            if ticket is None:
                errors.append((field, stop.job_id, "no such ticket among those planned"))
            elif ticket.state in PINNED_STATES:
                if (ticket.engineer_id, ticket.start) != (route.engineer_id, stop.start):
                    errors.append(
                        (
                            field,
                            stop.job_id,
                            f"ticket is {ticket.state.value} to {ticket.engineer_id} at "
                            f"{ticket.start.isoformat() if ticket.start else None}; "
                            "a plan may not move it",
                        )
                    )
            elif ticket.state not in MOVABLE_STATES:
                errors.append(
                    (field, stop.job_id, f"ticket is {ticket.state.value}: not plannable")
                )
            elif (ticket.engineer_id, ticket.start) != (route.engineer_id, stop.start):
                out.append((ticket.id, Schedule(engineer_id=route.engineer_id, start=stop.start)))
    for unassigned in plan.unassigned:
        ticket = by_id.get(unassigned.job_id)
        if ticket is not None and ticket.state is TicketState.SCHEDULED:
            out.append((ticket.id, Unschedule()))
    if errors:
        raise InputError(errors)
    return out

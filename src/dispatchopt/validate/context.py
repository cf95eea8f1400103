"""What every rule check reads: the problem, the plan, a clock that speaks the problem's time,
the travel matrices (input data, never the solver's model) and the list violations go to."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cached_property

from dispatchopt.matrices import ProblemMatrices, problem_matrices
from dispatchopt.models import Engineer, Plan, Problem, Route, Rule, Shift, Stop, Violation


def seconds(delta: timedelta) -> float:
    """A timedelta as float seconds."""
    return delta.total_seconds()


def span(length_s: float) -> str:
    """A length of time as a dispatcher says it: '45 s', '12 min', '1 h 05 min', '2 min 30 s'."""
    total = round(abs(length_s))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        text = f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
        return text + (f" {secs} s" if secs else "")
    if minutes:
        return f"{minutes} min" + (f" {secs} s" if secs else "")
    return f"{secs} s"


def units(quantities: dict[str, int]) -> str:
    """'2 x compressor, 1 x pcb' (or 'none'), SKUs in order."""
    return ", ".join(f"{q} x {sku}" for sku, q in sorted(quantities.items())) or "none"


def is_pickup(stop: Stop) -> bool:
    """A restock stop at a depot (parts), not a job; its own rules live with the parts checks."""
    return getattr(stop, "kind", "job") == "pickup"


def job_stops(route: Route) -> list[Stop]:
    """The stops of ``route`` that serve jobs."""
    return [s for s in route.stops if not is_pickup(s)]


def is_helper(stop: Stop, engineer_id: str) -> bool:
    """A crew member's stop other than the lead's (the first engineer the stop's ``crew``
    names): the lead's rules (skills, restrictions, lock, parts, load) are checked at the
    lead's stop, a helper's by the crew check."""
    return bool(stop.crew) and stop.crew[0] != engineer_id


@dataclass(frozen=True)
class Clock:
    """Formats moments in the problem's time zone, with the date only when it is not day one."""

    zone: tzinfo | None
    day_one: str

    def __call__(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone) if self.zone is not None else moment
        text = local.strftime("%H:%M:%S" if local.second or local.microsecond else "%H:%M")
        date = local.strftime("%Y-%m-%d")
        return text if date == self.day_one else f"{date} {text}"


@dataclass(frozen=True)
class RouteView:
    """A route with its engineer and shift looked up (``None`` when the plan names unknown ones)."""

    number: int
    route: Route
    engineer: Engineer | None
    shift: Shift | None


@dataclass(frozen=True)
class Visit:
    """Where a job is served: the route and the stop."""

    route: Route
    stop: Stop


class Context:
    """One validation run: shared lookups, and the violations found so far."""

    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.problem = problem
        self.plan = plan
        self.jobs = problem.job_by_id
        self.engineers = problem.engineer_by_id
        self.out: list[Violation] = []
        try:
            epoch = problem.epoch()
            self.clock = Clock(epoch.tzinfo, epoch.strftime("%Y-%m-%d"))
        except ValueError:
            epoch = datetime(2000, 1, 1, tzinfo=UTC)
            self.clock = Clock(None, "")
        self.epoch = epoch

    @cached_property
    def matrices(self) -> ProblemMatrices:
        """The problem's travel matrices (built on first use: a plan without routes needs none)."""
        return problem_matrices(self.problem)

    @cached_property
    def routes(self) -> list[RouteView]:
        """Every route with its engineer and shift (either may be unknown)."""
        out = []
        for number, route in enumerate(self.plan.routes):
            engineer = self.engineers.get(route.engineer_id)
            shift = None
            if engineer is not None and 0 <= route.shift_index < len(engineer.shifts):
                shift = engineer.shifts[route.shift_index]
            out.append(RouteView(number, route, engineer, shift))
        return out

    @cached_property
    def known_routes(self) -> list[tuple[Route, Engineer]]:
        """Routes whose engineer is in the problem (the others are reported once, as such)."""
        return [(r.route, r.engineer) for r in self.routes if r.engineer is not None]

    @cached_property
    def visits(self) -> dict[str, Visit]:
        """The first visit of each served job the problem knows."""
        out: dict[str, Visit] = {}
        for route in self.plan.routes:
            for stop in job_stops(route):
                if stop.job_id in self.jobs:
                    out.setdefault(stop.job_id, Visit(route, stop))
        return out

    def report(
        self,
        rule: Rule,
        message: str,
        *,
        job: str | None = None,
        engineer: str | None = None,
        amount: float | None = None,
        unit: str | None = None,
    ) -> None:
        """Record one broken rule."""
        self.out.append(
            Violation(
                rule=rule,
                message=message,
                job_id=job,
                engineer_id=engineer,
                amount=amount,
                unit=unit,
            )
        )

    def place(self, stop: Stop) -> int | None:
        """The stop's point in the matrices; None for an id the problem does not know."""
        if is_pickup(stop):
            return self.matrices.depot_point.get(stop.job_id)
        return self.matrices.job_point.get(stop.job_id)

    def legs(
        self, route: Route, engineer: Engineer
    ) -> Iterator[tuple[int | None, int | None, datetime, datetime, str, str, Stop | None]]:
        """Each leg as (from point, to point, leaves at, next start, from name, to name, stop)."""
        point: int | None = self.matrices.start_point[engineer.id]
        leaves, name = route.departure, "home"
        for stop in route.stops:
            nxt = self.place(stop)
            yield point, nxt, leaves, stop.start, name, stop.job_id, stop
            point, leaves, name = nxt, stop.end, stop.job_id
        yield point, self.matrices.end_point[engineer.id], leaves, route.arrival, name, "home", None

    def drive(self, a: int, b: int, leaves: datetime, engineer: Engineer) -> timedelta:
        """Exact driving time from point ``a`` to ``b`` leaving at ``leaves``."""
        departure_s = math.floor((leaves - self.epoch).total_seconds())
        return timedelta(
            seconds=self.matrices.duration_at(a, b, departure_s, engineer.vehicle_profile)
        )


__all__ = [
    "Clock",
    "Context",
    "RouteView",
    "Visit",
    "is_helper",
    "is_pickup",
    "job_stops",
    "seconds",
    "span",
    "units",
]

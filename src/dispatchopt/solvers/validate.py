"""The independent validator: checks a plan against every hard rule of its problem.

Its own code path on purpose: it reads the problem and the plan's datetimes and never touches the
routing model, so a solver bug cannot hide behind the same bug in the checker.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from dispatchopt.errors import InputError
from dispatchopt.models import (
    BreakTaken,
    Engineer,
    Job,
    Plan,
    Problem,
    Route,
    Rule,
    Shift,
    Stop,
    Violation,
)
from dispatchopt.models.parts import (
    Depot,
    StockHolder,
    Withdrawal,
    required_quantities,
    stock_shortfalls,
)
from dispatchopt.solvers.matrices import ProblemMatrices, problem_matrices

__all__ = ["is_valid", "recompute_sla_compliance", "validate"]


def validate(problem: Problem, plan: Plan) -> list[Violation]:
    """Every hard rule ``plan`` breaks for ``problem``, in plan order (empty when it is valid).

    Raises :class:`~dispatchopt.errors.InputError` when a plan datetime has no time zone, since
    such a moment cannot be compared with the problem's.
    """
    _require_aware(plan)
    return _Checker(problem, plan).run()


def is_valid(problem: Problem, plan: Plan) -> bool:
    """True when ``plan`` keeps every hard rule of ``problem``."""
    return not validate(problem, plan)


def recompute_sla_compliance(problem: Problem, plan: Plan) -> dict[str, float]:
    """% of SLA jobs per tier that start by their deadline, recomputed from the plan alone.

    Same definition as the plan summary (``docs/parts_and_sla.md``) but its own code: a served job
    is met when its first visit starts by the due time; an unplanned one is missed when it was
    due by the end of the last shift, and not counted otherwise. Tierless jobs count as "(none)".
    """
    if not any(j.sla_tier for j in problem.jobs):
        return {}
    last_end = max((s.end for e in problem.engineers for s in e.shifts), default=None)
    starts: dict[str, datetime] = {}
    for route in plan.routes:
        for stop in _job_stops(route):
            starts.setdefault(stop.job_id, stop.start)
    met: dict[str, int] = {}
    counted: dict[str, int] = {}
    for job in problem.jobs:
        due = problem.sla_deadline(job)
        if due is None:
            continue
        tier = job.sla_tier if job.sla_tier is not None else "(none)"
        if job.id in starts:
            ok = starts[job.id] <= due
        elif last_end is not None and due <= last_end:
            ok = False
        else:
            continue
        counted[tier] = counted.get(tier, 0) + 1
        met[tier] = met.get(tier, 0) + int(ok)
    return {tier: 100.0 * met.get(tier, 0) / counted[tier] for tier in sorted(counted)}


def _require_aware(plan: Plan) -> None:
    errors: list[tuple[str, object, str]] = []

    def check(field: str, moment: datetime) -> None:
        if moment.tzinfo is None or moment.utcoffset() is None:
            errors.append((field, moment.isoformat(), "datetime has no time zone"))

    for r, route in enumerate(plan.routes):
        check(f"routes[{r}].departure", route.departure)
        check(f"routes[{r}].arrival", route.arrival)
        for s, stop in enumerate(route.stops):
            for name in ("arrival", "start", "end"):
                check(f"routes[{r}].stops[{s}].{name}", getattr(stop, name))
        for b, brk in enumerate(route.breaks):
            check(f"routes[{r}].breaks[{b}].start", brk.start)
            check(f"routes[{r}].breaks[{b}].end", brk.end)
    if errors:
        raise InputError(errors)


def _seconds(delta: timedelta) -> float:
    return delta.total_seconds()


def _span(seconds: float) -> str:
    """A length of time as a dispatcher says it: '45 s', '12 min', '1 h 05 min', '2 min 30 s'."""
    total = round(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        text = f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
        return text + (f" {secs} s" if secs else "")
    if minutes:
        return f"{minutes} min" + (f" {secs} s" if secs else "")
    return f"{secs} s"


@dataclass(frozen=True)
class _Clock:
    """Formats moments in the problem's time zone, with the date only when it is not day one."""

    zone: tzinfo | None
    day_one: str

    def __call__(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone) if self.zone is not None else moment
        text = local.strftime("%H:%M:%S" if local.second or local.microsecond else "%H:%M")
        date = local.strftime("%Y-%m-%d")
        return text if date == self.day_one else f"{date} {text}"


@dataclass(frozen=True)
class _Visit:
    """Where a job is served: the route and the stop."""

    route: Route
    stop: Stop


def _is_pickup(stop: Stop) -> bool:
    """A restock stop at a depot (parts), not a job; its own rules live with the parts checks."""
    return getattr(stop, "kind", "job") == "pickup"


def _job_stops(route: Route) -> list[Stop]:
    return [s for s in route.stops if not _is_pickup(s)]


def _units(quantities: dict[str, int]) -> str:
    """'2 x compressor, 1 x pcb' (or 'none'), SKUs in order."""
    return ", ".join(f"{q} x {sku}" for sku, q in sorted(quantities.items())) or "none"


def _break_minutes_s(minutes: float) -> timedelta:
    return timedelta(seconds=round(minutes * 60))


class _Checker:
    """One validation run; collects violations in the order the plan lists things."""

    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.problem = problem
        self.plan = plan
        self.jobs = problem.job_by_id
        self.engineers = problem.engineer_by_id
        self.out: list[Violation] = []
        try:
            epoch = problem.epoch()
            self.clock = _Clock(epoch.tzinfo, epoch.strftime("%Y-%m-%d"))
        except ValueError:
            epoch = datetime(2000, 1, 1, tzinfo=UTC)
            self.clock = _Clock(None, "")
        self.epoch = epoch
        self._matrices: ProblemMatrices | None = None

    @property
    def matrices(self) -> ProblemMatrices:
        # Built lazily: a plan with no routes needs no travel model.
        if self._matrices is None:
            self._matrices = problem_matrices(self.problem)
        return self._matrices

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

    def run(self) -> list[Violation]:
        visits = self.check_coverage()
        seen_shifts: dict[tuple[str, int], int] = {}
        for number, route in enumerate(self.plan.routes):
            engineer = self.engineers.get(route.engineer_id)
            if engineer is None:
                self.report(
                    Rule.UNKNOWN_ENGINEER,
                    f"routes[{number}] belongs to engineer {route.engineer_id!r}, "
                    "who is not in the problem",
                    engineer=route.engineer_id,
                )
                continue
            self.check_route(route, engineer, seen_shifts)
        self.check_precedence(visits)
        self.check_depot_stock()
        self.check_sla(visits)
        return self.out

    # -- every job exactly once ---------------------------------------------------------------

    def check_coverage(self) -> dict[str, _Visit]:
        """Unknown, twice-served, missing jobs; returns the first visit of each served job."""
        visits: dict[str, _Visit] = {}
        served_by: dict[str, list[str]] = {}
        for route in self.plan.routes:
            for stop in _job_stops(route):
                if stop.job_id not in self.jobs:
                    self.report(
                        Rule.UNKNOWN_JOB,
                        f"route of {route.engineer_id} visits job {stop.job_id!r}, "
                        "which is not in the problem",
                        job=stop.job_id,
                        engineer=route.engineer_id,
                    )
                    continue
                visits.setdefault(stop.job_id, _Visit(route, stop))
                served_by.setdefault(stop.job_id, []).append(route.engineer_id)
        for job_id, engineers in served_by.items():
            if len(engineers) > 1:
                self.report(
                    Rule.DUPLICATE_JOB,
                    f"served {len(engineers)} times (by {', '.join(engineers)})",
                    job=job_id,
                    amount=len(engineers) - 1,
                    unit="visits",
                )
        listed: dict[str, int] = {}
        for entry in self.plan.unassigned:
            if entry.job_id not in self.jobs:
                self.report(
                    Rule.UNKNOWN_JOB,
                    f"unassigned lists job {entry.job_id!r}, which is not in the problem",
                    job=entry.job_id,
                )
                continue
            listed[entry.job_id] = listed.get(entry.job_id, 0) + 1
        for job_id, count in listed.items():
            if job_id in served_by:
                self.report(
                    Rule.DUPLICATE_JOB,
                    f"served by {served_by[job_id][0]} and also listed as unassigned",
                    job=job_id,
                    engineer=served_by[job_id][0],
                )
            if count > 1:
                self.report(
                    Rule.DUPLICATE_JOB,
                    f"listed {count} times as unassigned",
                    job=job_id,
                    amount=count - 1,
                    unit="entries",
                )
        for job in self.problem.jobs:
            if job.id not in served_by and job.id not in listed:
                self.report(
                    Rule.MISSING_JOB,
                    "neither served by any route nor listed as unassigned",
                    job=job.id,
                )
        return visits

    # -- one route ------------------------------------------------------------------------------

    def check_route(
        self, route: Route, engineer: Engineer, seen_shifts: dict[tuple[str, int], int]
    ) -> None:
        eid = engineer.id
        if not 0 <= route.shift_index < len(engineer.shifts):
            self.report(
                Rule.SHIFT,
                f"route names shift_index {route.shift_index}, but the engineer has "
                f"{len(engineer.shifts)} shift(s)",
                engineer=eid,
            )
            shift = None
        else:
            shift = engineer.shifts[route.shift_index]
            key = (eid, route.shift_index)
            seen_shifts[key] = seen_shifts.get(key, 0) + 1
            if seen_shifts[key] == 2:
                self.report(
                    Rule.SHIFT,
                    f"more than one route for shift {route.shift_index} "
                    f"(starting {self.clock(shift.start)})",
                    engineer=eid,
                )
        for stop in _job_stops(route):
            job = self.jobs.get(stop.job_id)
            if job is not None:
                self.check_stop(job, stop, engineer)
        for stop in route.stops:
            if _is_pickup(stop):
                self.check_pickup(stop, engineer)
        self.check_van(route, engineer)
        self.check_legs(route, engineer)
        self.check_load(route, engineer)
        if shift is not None:
            self.check_shift(route, engineer, shift)
            self.check_breaks(route, engineer, shift)

    def check_stop(self, job: Job, stop: Stop, engineer: Engineer) -> None:
        """Rules that concern one visit alone: who may do it, when, and for how long."""
        eid, jid = engineer.id, job.id
        for req in job.skills:
            held = engineer.skills.get(req.skill)
            if held is None or held < req.level:
                has = f"level {held}" if held is not None else f"no {req.skill} skill"
                self.report(
                    Rule.SKILL,
                    f"needs {req.skill} level {req.level}, but the engineer has {has}",
                    job=jid,
                    engineer=eid,
                    amount=req.level - (held if held is not None else 0),
                    unit="levels",
                )
        if job.required_engineers and eid not in job.required_engineers:
            self.report(
                Rule.ENGINEER_RESTRICTION,
                f"only {', '.join(job.required_engineers)} may do this job",
                job=jid,
                engineer=eid,
            )
        if eid in job.excluded_engineers:
            self.report(
                Rule.ENGINEER_RESTRICTION,
                "this engineer is excluded from the job",
                job=jid,
                engineer=eid,
            )
        if job.lock is not None:
            if job.lock.engineer_id != eid:
                self.report(
                    Rule.LOCK,
                    f"locked to engineer {job.lock.engineer_id}",
                    job=jid,
                    engineer=eid,
                )
            if job.lock.start is not None and stop.start != job.lock.start:
                gap = _seconds(stop.start - job.lock.start)
                self.report(
                    Rule.LOCK,
                    f"locked to start at {self.clock(job.lock.start)} but starts at "
                    f"{self.clock(stop.start)}",
                    job=jid,
                    engineer=eid,
                    amount=abs(gap),
                    unit="s",
                )
        self.check_windows(job, stop, eid)
        if job.earliest_start is not None and stop.start < job.earliest_start:
            early = _seconds(job.earliest_start - stop.start)
            self.report(
                Rule.RELEASE_TIME,
                f"starts {self.clock(stop.start)}, {_span(early)} before the job is released "
                f"at {self.clock(job.earliest_start)}",
                job=jid,
                engineer=eid,
                amount=early,
                unit="s",
            )
        lead = job.skills[0].skill if job.skills else None
        level = engineer.skills.get(lead) if lead is not None else None
        need = timedelta(seconds=round(job.duration_for_level(level) * 60))
        took = stop.end - stop.start
        if took != need:
            who = f" for a level-{level} engineer" if level is not None else ""
            self.report(
                Rule.DURATION,
                f"on site {self.clock(stop.start)}-{self.clock(stop.end)} "
                f"({_span(_seconds(took))}), "
                f"but the job takes {_span(_seconds(need))}{who}",
                job=jid,
                engineer=eid,
                amount=abs(_seconds(took - need)),
                unit="s",
            )
        if stop.start < stop.arrival:
            self.report(
                Rule.TRAVEL_TIME,
                f"starts {self.clock(stop.start)}, before arriving at {self.clock(stop.arrival)}",
                job=jid,
                engineer=eid,
                amount=_seconds(stop.arrival - stop.start),
                unit="s",
            )

    def check_windows(self, job: Job, stop: Stop, eid: str) -> None:
        if not job.time_windows or any(w.contains(stop.start) for w in job.time_windows):
            return
        misses = []
        for w in job.time_windows:
            if stop.start < w.start:
                misses.append(
                    (
                        _seconds(w.start - stop.start),
                        f"before its window opens at {self.clock(w.start)}",
                    )
                )
            else:
                misses.append(
                    (
                        _seconds(stop.start - w.end),
                        f"after its window closes at {self.clock(w.end)}",
                    )
                )
        amount, how = min(misses, key=lambda m: m[0])
        others = (
            f" (nearest of {len(job.time_windows)} windows)" if len(job.time_windows) > 1 else ""
        )
        self.report(
            Rule.TIME_WINDOW,
            f"starts {self.clock(stop.start)}, {_span(amount)} {how}{others}",
            job=job.id,
            engineer=eid,
            amount=amount,
            unit="s",
        )

    def _place(self, stop: Stop) -> int | None:
        """The stop's point in the matrices; None for an id the problem does not know."""
        if _is_pickup(stop):
            return getattr(self.matrices, "depot_point", {}).get(stop.job_id)
        return self.matrices.job_point.get(stop.job_id)

    def legs(
        self, route: Route, engineer: Engineer
    ) -> Iterator[tuple[int | None, int | None, datetime, datetime, str, str, Stop | None]]:
        """Each leg as (from point, to point, leaves at, next start, from name, to name, stop)."""
        point: int | None = self.matrices.start_point[engineer.id]
        leaves, name = route.departure, "home"
        for stop in route.stops:
            nxt = self._place(stop)
            yield point, nxt, leaves, stop.start, name, stop.job_id, stop
            point, leaves, name = nxt, stop.end, stop.job_id
        yield point, self.matrices.end_point[engineer.id], leaves, route.arrival, name, "home", None

    def drive(self, a: int, b: int, leaves: datetime, engineer: Engineer) -> timedelta:
        """Exact driving time from point ``a`` to ``b`` leaving at ``leaves``."""
        departure_s = math.floor((leaves - self.epoch).total_seconds())
        return timedelta(
            seconds=self.matrices.duration_at(a, b, departure_s, engineer.vehicle_profile)
        )

    def check_legs(self, route: Route, engineer: Engineer) -> None:
        """Each drive plus the breaks taken during it must fit between leaving and starting."""
        for a, b, leaves, starts, src, dst, stop in self.legs(route, engineer):
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
            drive = self.drive(a, b, leaves, engineer)
            if resting:
                drive = min(drive, self.drive(a, b, leaves + resting, engineer))
            short = drive + resting - (starts - leaves)
            target = f"starts {dst}" if stop is not None else "is back home"
            if short > timedelta(0):
                rest = f" plus {_span(_seconds(resting))} of breaks" if resting else ""
                self.report(
                    Rule.TRAVEL_TIME,
                    f"leaves {src} at {self.clock(leaves)} and {target} at {self.clock(starts)}, "
                    f"but the drive takes {_span(_seconds(drive))}{rest}",
                    job=stop.job_id if stop is not None else None,
                    engineer=engineer.id,
                    amount=_seconds(short),
                    unit="s",
                )
            elif stop is not None and stop.arrival < leaves + drive:
                self.report(
                    Rule.TRAVEL_TIME,
                    f"reported arrival {self.clock(stop.arrival)} is earlier than possible: leaves "
                    f"{src} at {self.clock(leaves)} and the drive takes {_span(_seconds(drive))}",
                    job=stop.job_id,
                    engineer=engineer.id,
                    amount=_seconds(leaves + drive - stop.arrival),
                    unit="s",
                )

    def check_load(self, route: Route, engineer: Engineer) -> None:
        if engineer.capacity is None:
            return
        load = sum(self.jobs[s.job_id].demand for s in _job_stops(route) if s.job_id in self.jobs)
        if load > engineer.capacity:
            self.report(
                Rule.CAPACITY,
                f"carries {load} units, {load - engineer.capacity} over the capacity of "
                f"{engineer.capacity}",
                engineer=engineer.id,
                amount=load - engineer.capacity,
                unit="units",
            )

    def check_shift(self, route: Route, engineer: Engineer, shift: Shift) -> None:
        eid = engineer.id
        if route.departure < shift.start:
            early = _seconds(shift.start - route.departure)
            self.report(
                Rule.SHIFT,
                f"leaves at {self.clock(route.departure)}, {_span(early)} before the shift "
                f"starts at {self.clock(shift.start)}",
                engineer=eid,
                amount=early,
                unit="s",
            )
        latest = shift.end + timedelta(minutes=engineer.overtime_minutes)
        if route.arrival > latest:
            late = _seconds(route.arrival - latest)
            extra = (
                f" plus {_span(engineer.overtime_minutes * 60)} overtime"
                if engineer.overtime_minutes
                else ""
            )
            self.report(
                Rule.SHIFT,
                f"back home at {self.clock(route.arrival)}, {_span(late)} after the shift ends "
                f"at {self.clock(shift.end)}{extra}",
                engineer=eid,
                amount=late,
                unit="s",
            )
        if engineer.max_working_minutes is not None:
            worked = route.arrival - route.departure
            limit = timedelta(minutes=engineer.max_working_minutes)
            if worked > limit:
                self.report(
                    Rule.MAX_WORKING_TIME,
                    f"works {_span(_seconds(worked))} ({self.clock(route.departure)}-"
                    f"{self.clock(route.arrival)}), {_span(_seconds(worked - limit))} over the "
                    f"limit of {_span(_seconds(limit))}",
                    engineer=eid,
                    amount=_seconds(worked - limit),
                    unit="s",
                )

    def check_breaks(self, route: Route, engineer: Engineer, shift: Shift) -> None:
        """Each shift break once, in order, inside its window, exactly long enough, off-site."""
        eid = engineer.id
        for i, planned in enumerate(shift.breaks):
            window = f"{self.clock(planned.window.start)}-{self.clock(planned.window.end)}"
            if i >= len(route.breaks):
                self.report(
                    Rule.BREAK,
                    f"break {i + 1} ({_span(planned.duration_minutes * 60)} in {window}) "
                    "is missing",
                    engineer=eid,
                )
                continue
            taken = route.breaks[i]
            when = f"{self.clock(taken.start)}-{self.clock(taken.end)}"
            if taken.start < planned.window.start or taken.end > planned.window.end:
                outside = max(
                    _seconds(planned.window.start - taken.start),
                    _seconds(taken.end - planned.window.end),
                )
                self.report(
                    Rule.BREAK,
                    f"break {i + 1} taken {when}, outside its window {window}",
                    engineer=eid,
                    amount=outside,
                    unit="s",
                )
            need = _break_minutes_s(planned.duration_minutes)
            if taken.end - taken.start != need:
                self.report(
                    Rule.BREAK,
                    f"break {i + 1} taken {when} lasts {_span(_seconds(taken.end - taken.start))}, "
                    f"but should last {_span(_seconds(need))}",
                    engineer=eid,
                    amount=abs(_seconds(taken.end - taken.start - need)),
                    unit="s",
                )
        for i in range(len(shift.breaks), len(route.breaks)):
            taken = route.breaks[i]
            self.report(
                Rule.BREAK,
                f"break {i + 1} taken {self.clock(taken.start)}-{self.clock(taken.end)} "
                f"is not one of the shift's {len(shift.breaks)} break(s)",
                engineer=eid,
            )
        for i, taken in enumerate(route.breaks):
            self.check_break_overlaps(i, taken, route, eid)

    def check_break_overlaps(self, i: int, taken: BreakTaken, route: Route, eid: str) -> None:
        when = f"{self.clock(taken.start)}-{self.clock(taken.end)}"
        for stop in route.stops:
            overlap = min(taken.end, stop.end) - max(taken.start, stop.start)
            if overlap > timedelta(0):
                self.report(
                    Rule.BREAK,
                    f"break {i + 1} ({when}) overlaps the "
                    f"{'pickup at' if _is_pickup(stop) else 'visit to'} {stop.job_id} "
                    f"({self.clock(stop.start)}-{self.clock(stop.end)}) "
                    f"by {_span(_seconds(overlap))}",
                    job=None if _is_pickup(stop) else stop.job_id,
                    engineer=eid,
                    amount=_seconds(overlap),
                    unit="s",
                )
        for j in range(i + 1, len(route.breaks)):
            other = route.breaks[j]
            overlap = min(taken.end, other.end) - max(taken.start, other.start)
            if overlap > timedelta(0):
                self.report(
                    Rule.BREAK,
                    f"breaks {i + 1} and {j + 1} overlap by {_span(_seconds(overlap))}",
                    engineer=eid,
                    amount=_seconds(overlap),
                    unit="s",
                )

    # -- parts, tools and depots ----------------------------------------------------------------

    def check_pickup(self, stop: Stop, engineer: Engineer) -> None:
        """A pickup names a known depot, lasts its pickup time, fits its opening hours and takes
        whole units of known parts."""
        eid = engineer.id
        depot = self.problem.depot_by_id.get(stop.job_id)
        if depot is None:
            self.report(
                Rule.PARTS,
                f"pickup at depot {stop.job_id!r}, which is not in the problem",
                engineer=eid,
            )
            return
        where = f"pickup at {depot.id} ({self.clock(stop.start)}-{self.clock(stop.end)})"
        if stop.start < stop.arrival:
            self.report(
                Rule.TRAVEL_TIME,
                f"{where} starts before arriving at {self.clock(stop.arrival)}",
                engineer=eid,
                amount=_seconds(stop.arrival - stop.start),
                unit="s",
            )
        need = timedelta(seconds=round(depot.pickup_minutes * 60))
        if stop.end - stop.start != need:
            self.report(
                Rule.DURATION,
                f"{where} lasts {_span(_seconds(stop.end - stop.start))}, but a pickup there "
                f"takes {_span(_seconds(need))}",
                engineer=eid,
                amount=abs(_seconds(stop.end - stop.start - need)),
                unit="s",
            )
        self.check_depot_hours(depot, stop, eid, where)
        for use in stop.parts:
            if use.sku not in self.problem.part_by_sku:
                self.report(Rule.PARTS, f"{where} takes unknown part {use.sku!r}", engineer=eid)
            if use.quantity <= 0:
                self.report(
                    Rule.PARTS,
                    f"{where} takes {use.quantity} x {use.sku}; a pickup takes at least one unit",
                    engineer=eid,
                    amount=1 - use.quantity,
                    unit="units",
                )

    def check_depot_hours(self, depot: Depot, stop: Stop, eid: str, where: str) -> None:
        if not depot.opening_hours:
            return
        end = max(stop.end, stop.start + depot.pickup)
        if any(w.start <= stop.start and end <= w.end for w in depot.opening_hours):
            return
        misses = []
        for w in depot.opening_hours:
            if stop.start < w.start:
                misses.append((_seconds(w.start - stop.start), w))
            else:
                misses.append((max(_seconds(end - w.end), 0.0), w))
        amount, w = min(misses, key=lambda m: m[0])
        self.report(
            Rule.DEPOT_HOURS,
            f"{where} is outside the depot's opening hours "
            f"({self.clock(w.start)}-{self.clock(w.end)})",
            engineer=eid,
            amount=amount,
            unit="s",
        )

    def _first_shift(self, engineer: Engineer) -> int:
        """The shift whose route the van stock is loaded for (the earliest one)."""
        return min(range(len(engineer.shifts)), key=lambda k: engineer.shifts[k].start)

    def check_van(self, route: Route, engineer: Engineer) -> None:
        """Walk the route: each job's parts and tools must be in the van when service starts.

        The van holds its stock (first shift only) plus what earlier pickups took, minus what
        earlier jobs used; tools come with the van or from an earlier pickup at a depot that
        keeps them. Each job stop must also report exactly the parts the job needs.
        """
        eid = engineer.id
        first = route.shift_index == self._first_shift(engineer)
        van: dict[str, int] = dict(engineer.van_stock) if first else {}
        tools = set(engineer.tools)
        for stop in route.stops:
            if _is_pickup(stop):
                depot = self.problem.depot_by_id.get(stop.job_id)
                if depot is None:
                    continue
                tools |= set(depot.tools)
                for use in stop.parts:
                    van[use.sku] = van.get(use.sku, 0) + max(use.quantity, 0)
                continue
            job = self.jobs.get(stop.job_id)
            if job is None:
                continue
            need = required_quantities(job.parts)
            reported: dict[str, int] = {}
            for use in stop.parts:
                reported[use.sku] = reported.get(use.sku, 0) + use.quantity
            if dict(sorted(reported.items())) != need:
                self.report(
                    Rule.PARTS,
                    f"reports parts {_units(reported)}, but the job needs {_units(need)}",
                    job=job.id,
                    engineer=eid,
                )
            for sku, qty in need.items():
                held = van.get(sku, 0)
                if held < qty:
                    self.report(
                        Rule.PARTS,
                        f"needs {qty} x {sku} at {self.clock(stop.start)}, but the van holds "
                        f"{held} (van stock plus earlier pickups, less earlier jobs)",
                        job=job.id,
                        engineer=eid,
                        amount=qty - held,
                        unit="units",
                    )
                van[sku] = max(held - qty, 0)
            for tool in sorted(set(job.tools) - tools):
                self.report(
                    Rule.PARTS,
                    f"needs tool {tool}, which is not in the van and was not collected at an "
                    "earlier depot that keeps it",
                    job=job.id,
                    engineer=eid,
                )

    def check_depot_stock(self) -> None:
        """No two pickups take the same last unit off a depot shelf; a unit only expected is
        there from its arrival on."""
        withdrawals = []
        who: dict[tuple[str, str, datetime], str] = {}
        for route in self.plan.routes:
            for stop in route.stops:
                if not _is_pickup(stop) or stop.job_id not in self.problem.depot_by_id:
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
        shortfalls = stock_shortfalls(
            {}, self.problem.depots, self.problem.part_arrivals, withdrawals
        )
        for short in shortfalls:
            w = short.withdrawal
            later = sorted(
                a.expected_at
                for a in self.problem.part_arrivals
                if a.depot_id == w.holder.id and a.sku == w.sku and a.expected_at > w.at
            )
            why = f"; more is expected only at {self.clock(later[0])}" if later else ""
            self.report(
                Rule.PARTS,
                f"pickup at {w.holder.id} at {self.clock(w.at)} takes {w.quantity} x {w.sku}, "
                f"but the shelf holds {short.on_hand} then{why}",
                engineer=who.get((w.holder.id, w.sku, w.at)),
                amount=short.missing,
                unit="units",
            )

    def check_sla(self, visits: dict[str, _Visit]) -> None:
        """Under a hard SLA mode, every served job with a deadline starts by it."""
        if self.problem.sla_mode.kind != "hard":
            return
        for job in self.problem.jobs:
            visit = visits.get(job.id)
            if visit is None:
                continue
            due = self.problem.sla_deadline(job)
            if due is None or visit.stop.start <= due:
                continue
            late = _seconds(visit.stop.start - due)
            self.report(
                Rule.SLA_DEADLINE,
                f"starts {self.clock(visit.stop.start)}, {_span(late)} after its "
                f"{job.sla_tier} SLA deadline {self.clock(due)} (hard)",
                job=job.id,
                engineer=visit.route.engineer_id,
                amount=late,
                unit="s",
            )

    # -- across routes --------------------------------------------------------------------------

    def check_precedence(self, visits: dict[str, _Visit]) -> None:
        for job in self.problem.jobs:
            visit = visits.get(job.id)
            if visit is None:
                continue
            for pred in job.after:
                before = visits.get(pred)
                if before is None:
                    self.report(
                        Rule.PRECEDENCE,
                        f"must come after {pred}, which is not served",
                        job=job.id,
                        engineer=visit.route.engineer_id,
                    )
                elif before.stop.end > visit.stop.start:
                    self.report(
                        Rule.PRECEDENCE,
                        f"starts {self.clock(visit.stop.start)}, but must come after {pred}, "
                        f"which ends {self.clock(before.stop.end)}",
                        job=job.id,
                        engineer=visit.route.engineer_id,
                        amount=_seconds(before.stop.end - visit.stop.start),
                        unit="s",
                    )

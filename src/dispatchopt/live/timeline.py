"""One engineer's day as a timeline that a new visit can be slotted into.

A :class:`Slot` is a route (or an unused shift) read as stops and breaks in time order. Putting
a job between two of them rebuilds the route by push-forward: what comes before stays exactly as
it was, what comes after starts at its old time or, if the new visit makes the engineer later,
as soon as it can. Nothing ever moves earlier, so every other stop keeps its engineer and, as
long as its windows allow the push, its appointment; whether they do is for the validator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dispatchopt.matrices import ProblemMatrices, problem_matrices
from dispatchopt.models import BreakTaken, Engineer, Job, Problem, Route, Shift, Stop
from dispatchopt.models.first_time_fix import first_time_fix
from dispatchopt.models.plan import PartUse


@dataclass(frozen=True)
class Item:
    """A stop or a break of a route, in engine seconds; ``floating`` marks a break of an unused
    shift, which may go anywhere in its window."""

    start: int
    end: int
    stop: Stop | None = None
    break_index: int = -1
    floating: bool = False

    @property
    def is_stop(self) -> bool:
        """A visit (or a pickup), not a break."""
        return self.stop is not None


@dataclass
class Site:
    """What rebuilding routes reads: the problem (holding the new job), its travel matrices,
    the moment ``now`` and the jobs whose appointments the plan already excuses."""

    problem: Problem
    now: datetime
    excused: frozenset[str] = frozenset()
    matrices: ProblemMatrices = field(init=False)
    epoch: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.matrices = problem_matrices(self.problem)
        self.epoch = self.problem.epoch()

    def seconds(self, moment: datetime) -> int:
        """``moment`` as whole seconds after the epoch (rounded up: never earlier)."""
        return math.ceil((moment - self.epoch).total_seconds())

    def floor(self, moment: datetime) -> int:
        """``moment`` as whole seconds after the epoch (rounded down: never later)."""
        return math.floor((moment - self.epoch).total_seconds())

    def at(self, seconds: int) -> datetime:
        """Engine second ``seconds`` as a moment in the problem's zone."""
        return self.problem.local(self.epoch + timedelta(seconds=seconds))

    @property
    def now_s(self) -> int:
        """``now`` in engine seconds."""
        return self.seconds(self.now)

    def point(self, stop: Stop) -> int:
        """The matrix point of a stop (a job's place, or a depot's for a pickup)."""
        if stop.kind == "pickup":
            return self.matrices.depot_point[stop.job_id]
        return self.matrices.job_point[stop.job_id]

    def drive(self, a: int, b: int, leaves: int, engineer: Engineer) -> int:
        """Seconds from point ``a`` to ``b`` leaving at engine second ``leaves``."""
        return self.matrices.duration_at(a, b, leaves, engineer.vehicle_profile)

    def rush_hours(self, engineer: Engineer) -> bool:
        """True when this engineer's drives depend on the time of day."""
        return self.matrices.profile_of(engineer.vehicle_profile) is not None


@dataclass(frozen=True)
class Slot:
    """One engineer's shift as the timeline new visits go into: the route (``None`` for an
    unused shift), its items in time order, and how many leading items may not move."""

    engineer: Engineer
    shift_index: int
    route: Route | None
    items: tuple[Item, ...]
    frozen: int
    departure: int
    arrival: int

    @property
    def shift(self) -> Shift:
        """The shift this slot plans."""
        return self.engineer.shifts[self.shift_index]

    def positions(self) -> range:
        """Where a new item may go: after every frozen item."""
        return range(self.frozen, len(self.items) + 1)


def make_slot(
    site: Site, engineer: Engineer, shift_index: int, route: Route | None, frozen_until: int
) -> Slot:
    """The timeline of ``route`` (or of the unused shift); items starting before
    ``frozen_until`` (engine seconds) are frozen, with everything before them."""
    shift = engineer.shifts[shift_index]
    items: list[Item] = []
    if route is None:
        for k, brk in enumerate(shift.breaks):
            start = site.seconds(brk.window.start)
            items.append(Item(start, start + round(brk.duration_minutes * 60), None, k, True))
        departure = arrival = max(site.seconds(shift.start), site.now_s)
    else:
        items.extend(Item(site.seconds(s.start), site.seconds(s.end), s) for s in route.stops)
        items.extend(
            Item(site.seconds(b.start), site.seconds(b.end), None, k)
            for k, b in enumerate(route.breaks)
        )
        items.sort(key=lambda it: (it.start, it.is_stop))
        departure, arrival = site.seconds(route.departure), site.seconds(route.arrival)
    frozen = 0
    for i, item in enumerate(items):
        if item.start < frozen_until and not item.floating:
            frozen = i + 1
    return Slot(engineer, shift_index, route, tuple(items), frozen, departure, arrival)


def service_seconds(job: Job, engineer: Engineer) -> int:
    """On-site seconds of ``job`` for ``engineer`` (level in the job's lead skill)."""
    lead = job.skills[0].skill if job.skills else None
    level = engineer.skills.get(lead) if lead is not None else None
    return round(job.duration_for_level(level) * 60)


def allowed_starts(site: Site, job: Job) -> list[tuple[int, int]]:
    """The spans ``job`` may start in: its windows, cut to its appointment (unless the plan
    excuses it), its release time and its lock's start, in engine seconds."""
    inf = 1 << 62
    spans = [(site.seconds(w.start), site.floor(w.end)) for w in job.time_windows] or [(-inf, inf)]
    cuts: list[tuple[int, int]] = []
    if job.appointment is not None and job.id not in site.excused:
        promised = job.appointment
        cuts.append((site.seconds(promised.start), site.floor(promised.end)))
    if job.earliest_start is not None:
        cuts.append((site.seconds(job.earliest_start), inf))
    if job.lock is not None and job.lock.start is not None:
        at = site.seconds(job.lock.start)
        cuts.append((at, at))
    for lo, hi in cuts:
        spans = [(max(a, lo), min(b, hi)) for a, b in spans if a <= hi and b >= lo]
    return sorted(s for s in spans if s[0] <= s[1])


def _open_at(spans: list[tuple[int, int]], ready: int) -> int | None:
    for a, b in spans:
        if ready <= b:
            return max(a, ready)
    return None


class _Builder:
    """Rebuilds one slot with a new job at one position (see :func:`insert_into`)."""

    def __init__(self, site: Site, slot: Slot, job: Job, spans: list[tuple[int, int]]) -> None:
        self.site = site
        self.slot = slot
        self.job = job
        self.spans = spans
        self.engineer = slot.engineer
        self.home = site.matrices.start_point[slot.engineer.id]
        self.end_home = site.matrices.end_point[slot.engineer.id]
        self.stops: list[Stop] = []
        self.breaks: dict[int, tuple[int, int]] = {}

    def leg(self, a: int, b: int, leaves: int, rest: list[Item]) -> tuple[int, int, int] | None:
        """Place the breaks ``rest`` after leaving ``a`` at ``leaves`` (each at its old start or
        when the engineer is free), then drive to ``b``: ``(drive, arrival, free from)``."""
        free = leaves
        resting = 0
        for item in rest:
            length = item.end - item.start
            start = max(item.start, free)
            if start + length > self._break_latest_end(item):
                return None
            self.breaks[item.break_index] = (start, start + length)
            free = start + length
            resting += length
        drive = self.site.drive(a, b, leaves, self.engineer)
        if resting and self.site.rush_hours(self.engineer):
            # The validator allows the drive at leaving or after the rest; take the slower.
            drive = max(
                drive,
                self.site.drive(a, b, leaves + resting, self.engineer),
                self.site.drive(a, b, free, self.engineer),
            )
        return drive, leaves + drive + resting, free

    def _break_latest_end(self, item: Item) -> int:
        return self.site.floor(self.slot.shift.breaks[item.break_index].window.end)

    def new_stop(self, prev: int, leaves: int, rest: list[Item]) -> tuple[int, int] | None:
        """The new job's stop after point ``prev`` (left at ``leaves``): ``(point, end)``."""
        site = self.site
        here = site.matrices.job_point[self.job.id]
        placed = self.leg(prev, here, leaves, rest)
        if placed is None:
            return None
        drive, arrival, free = placed
        start = _open_at(self.spans, max(arrival, free, site.now_s))
        if start is None:
            return None
        departure = None
        if not self.stops and prev == self.home and not rest:
            # First visit of the day: leave as late as it allows.
            late = start - drive
            if late > leaves and late + site.drive(prev, here, late, self.engineer) <= start:
                departure, arrival = late, late + site.drive(prev, here, late, self.engineer)
        end = start + service_seconds(self.job, self.engineer)
        self.stops.append(self._job_stop(arrival, start, end, drive, prev, here))
        if departure is not None:
            self.departure = departure
        return here, end

    def _job_stop(self, arrival: int, start: int, end: int, drive: int, a: int, b: int) -> Stop:
        site, job = self.site, self.job
        due = site.problem.sla_deadline(job)
        on_hand = {p.sku: p.quantity for p in job.parts}
        return Stop(
            job_id=job.id,
            arrival=site.at(arrival),
            start=site.at(start),
            end=site.at(end),
            travel_s=drive,
            distance_m=site.matrices.distance(a, b),
            wait_s=start - arrival,
            parts=[PartUse(sku=p.sku, quantity=p.quantity) for p in job.parts],
            sla_due=due,
            sla_slack_s=None if due is None else site.seconds(due) - start,
            first_time_fix=round(
                first_time_fix(job.skills, job.parts, self.engineer.skills, on_hand), 4
            ),
        )

    def pushed_stop(
        self, item: Item, prev: int, leaves: int, rest: list[Item]
    ) -> tuple[int, int] | None:
        """An existing stop after ``prev`` (left at ``leaves``), no earlier than it was."""
        assert item.stop is not None
        site = self.site
        here = site.point(item.stop)
        placed = self.leg(prev, here, leaves, rest)
        if placed is None:
            return None
        drive, arrival, free = placed
        ready = max(arrival, free, item.start)
        if item.stop.kind == "job":
            start = _open_at(allowed_starts(site, site.problem.job_by_id[item.stop.job_id]), ready)
            if start is None:
                return None
        else:
            start = ready
        end = start + (item.end - item.start)
        stop = item.stop
        due = None if stop.sla_due is None else site.seconds(stop.sla_due)
        self.stops.append(
            stop.model_copy(
                update={
                    "arrival": site.at(arrival),
                    "start": site.at(start),
                    "end": site.at(end),
                    "travel_s": drive,
                    "distance_m": site.matrices.distance(prev, here),
                    "wait_s": start - arrival,
                    "sla_slack_s": None if due is None else due - start,
                }
            )
        )
        return here, end

    def build(self, position: int) -> Route | None:
        slot, site = self.slot, self.site
        items = slot.items
        prefix, suffix = items[:position], items[position:]
        prefix_stops = [it for it in prefix if it.is_stop]
        self.departure = slot.departure
        for it in prefix:
            if it.is_stop:
                assert it.stop is not None
                self.stops.append(it.stop)
            else:
                self.breaks[it.break_index] = (it.start, it.end)
        rest: list[Item] = []
        if prefix_stops:
            last = prefix_stops[-1]
            assert last.stop is not None
            prev, leaves = site.point(last.stop), last.end
            # Breaks after the last kept stop are already placed (they are in the prefix).
            tail = prefix[prefix.index(last) + 1 :]
            leaves_after = max([leaves] + [b.end for b in tail])
            placed = self._new_after_fixed(prev, leaves, leaves_after, tail)
        else:
            ends = [b.end for b in prefix]
            start_of_day = max([site.seconds(slot.shift.start), site.now_s] + ends)
            self.departure = start_of_day
            placed = self.new_stop(self.home, start_of_day, [])
        if placed is None:
            return None
        prev, prev_end = placed
        prev_changed = True
        last_home_rest: list[Item] = []
        for i, item in enumerate(suffix):
            if not item.is_stop:
                rest.append(item)
                continue
            if not prev_changed:
                # The previous stop kept its time: the rest of the day is as it was.
                return self._finish_unchanged(suffix[i - len(rest) :])
            placed = self.pushed_stop(item, prev, prev_end, rest)
            if placed is None:
                return None
            assert item.stop is not None
            prev_changed = placed[1] != item.end
            prev, prev_end = placed
            rest = []
        if not prev_changed and slot.route is not None:
            return self._finish_unchanged(tuple(rest))
        last_home_rest = rest
        return self._home(prev, prev_end, last_home_rest)

    def _new_after_fixed(
        self, prev: int, leaves: int, free: int, tail: tuple[Item, ...] | list[Item]
    ) -> tuple[int, int] | None:
        """The new stop after fixed breaks ``tail`` taken on the way from ``prev``."""
        site = self.site
        here = site.matrices.job_point[self.job.id]
        resting = sum(b.end - b.start for b in tail)
        drive = site.drive(prev, here, leaves, self.engineer)
        if resting and site.rush_hours(self.engineer):
            drive = max(
                drive,
                site.drive(prev, here, leaves + resting, self.engineer),
                site.drive(prev, here, free, self.engineer),
            )
        arrival = leaves + drive + resting
        start = _open_at(self.spans, max(arrival, free, site.now_s))
        if start is None:
            return None
        end = start + service_seconds(self.job, self.engineer)
        self.stops.append(self._job_stop(arrival, start, end, drive, prev, here))
        return here, end

    def _finish_unchanged(self, items: tuple[Item, ...] | list[Item]) -> Route:
        """Keep ``items`` and the way home exactly as the old route had them."""
        route = self.slot.route
        assert route is not None
        for it in items:
            if it.is_stop:
                assert it.stop is not None
                self.stops.append(it.stop)
            else:
                self.breaks[it.break_index] = (it.start, it.end)
        return self._route(self.site.seconds(route.arrival), route.return_travel_s, None)

    def _home(self, prev: int, leaves: int, rest: list[Item]) -> Route | None:
        """Drive home after the last stop, breaks taken after arriving where they fit."""
        after_home = [it for it in rest if it.floating or it.start >= self.slot.arrival]
        on_way = [it for it in rest if it not in after_home]
        placed = self.leg(prev, self.end_home, leaves, on_way)
        if placed is None:
            return None
        drive, arrival, free = placed
        arrival = max(arrival, free)
        moved: list[Item] = []
        at = arrival
        for item in after_home:
            length = item.end - item.start
            start = max(item.start, at)
            if start + length > self._break_latest_end(item):
                moved.append(item)
                continue
            self.breaks[item.break_index] = (start, start + length)
            at = start + length
        if moved:
            # A break that no longer fits after the day is taken on the way home instead.
            for item in moved:
                self.breaks.pop(item.break_index, None)
            placed = self.leg(prev, self.end_home, leaves, on_way + moved)
            if placed is None:
                return None
            drive, arrival, free = placed
            arrival = max(arrival, free)
        return self._route(arrival, drive, prev)

    def _route(self, arrival: int, back: int, prev: int | None) -> Route:
        site, slot = self.site, self.slot
        if slot.route is not None and prev is None:
            back_m = slot.route.return_distance_m
        else:
            back_m = site.matrices.distance(prev if prev is not None else self.home, self.end_home)
        return Route(
            engineer_id=slot.engineer.id,
            shift_index=slot.shift_index,
            departure=site.at(self.departure),
            arrival=site.at(arrival),
            stops=self.stops,
            breaks=[
                BreakTaken(start=site.at(a), end=site.at(b))
                for _, (a, b) in sorted(self.breaks.items())
            ],
            return_travel_s=back,
            return_distance_m=back_m,
        )


def insert_into(site: Site, slot: Slot, job: Job, position: int) -> Route | None:
    """The slot's route with ``job`` at ``position`` (an index into ``slot.items``), or ``None``
    when that cannot keep the job's own windows or a break's; other rules are the validator's."""
    spans = allowed_starts(site, job)
    if not spans:
        return None
    return _Builder(site, slot, job, spans).build(position)


__all__ = [
    "Item",
    "Site",
    "Slot",
    "allowed_starts",
    "insert_into",
    "make_slot",
    "service_seconds",
]

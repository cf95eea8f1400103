"""Business calendars: working hours per weekday in a time zone, minus public holidays.

SLA stages measured in business time count only the moments a calendar is open;
:func:`add_business_time` and :func:`business_time_between` do that arithmetic in real elapsed
time (UTC), so a day on which the clocks change is as long as it really is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dispatchopt.errors import InputError

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys in ``date.weekday()`` order (Monday = 0)."""

MAX_SEARCH_DAYS = 3660
"""How far (about ten years) the arithmetic looks for open time before giving up: a calendar
closed that long is a data error, not a deadline."""


class DailyHours(BaseModel):
    """One open interval of a working day, in the calendar's local wall-clock time.

    ``end`` of ``00:00`` means midnight at the end of the day (so ``00:00-00:00`` is the whole
    day). JSON may give the interval as a string ``"08:00-18:00"``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    start: time
    end: time

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            start, sep, end = data.partition("-")
            if not sep:
                raise ValueError(f"opening hours {data!r} are not shaped like '08:00-18:00'")
            return {"start": start.strip(), "end": end.strip()}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> DailyHours:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("opening hours are local wall-clock times: leave out the UTC offset")
        if self.end != time(0) and self.end <= self.start:
            raise ValueError(
                f"opening hours end {self.end.isoformat()} is not after start "
                f"{self.start.isoformat()}"
            )
        return self

    def on(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """This interval on ``day`` as UTC datetimes, or ``None`` when DST swallows it whole.

        A wall-clock time inside a spring-forward gap maps as if the clocks had not yet moved
        (``fold=0``), and an ambiguous autumn time means its first occurrence.
        """
        start = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
        end_day = day + timedelta(days=1) if self.end == time(0) else day
        end = datetime.combine(end_day, self.end, tzinfo=zone).astimezone(UTC)
        return (start, end) if end > start else None


def _default_hours() -> dict[Weekday, list[DailyHours]]:
    nine_to_six = [DailyHours(start=time(8), end=time(18))]
    return {day: list(nine_to_six) for day in WEEKDAYS[:5]}


@lru_cache(maxsize=256)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """Public holidays of one year (cached: the ``holidays`` package computes them per call)."""
    import holidays

    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


class BusinessCalendar(BaseModel):
    """When the business counts time: open hours per weekday in ``time_zone``, closed on public
    holidays of ``holiday_country``/``holiday_subdivision`` (ISO codes understood by the
    ``holidays`` package, e.g. ``"DE"``/``"BY"``) and on every date in ``closed_dates``.

    Defaults: Monday to Friday 08:00-18:00, UTC, no holidays. Weekdays missing from
    ``working_hours`` are closed; at least one weekday must have hours.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    time_zone: str = "UTC"
    working_hours: dict[Weekday, list[DailyHours]] = Field(default_factory=_default_hours)
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    closed_dates: list[date] = Field(default_factory=list)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Berlin')") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> BusinessCalendar:
        if not any(self.working_hours.get(d) for d in WEEKDAYS):
            raise ValueError("working_hours: a business calendar needs at least one open weekday")
        for day in WEEKDAYS:
            hours = sorted(self.working_hours.get(day, []), key=lambda h: h.start)
            for a, b in zip(hours, hours[1:], strict=False):
                if a.end == time(0) or b.start < a.end:
                    raise ValueError(f"working_hours.{day}: intervals overlap")
        if self.holiday_subdivision is not None and self.holiday_country is None:
            raise ValueError("holiday_subdivision: needs holiday_country as well")
        if self.holiday_country is not None:
            try:
                _holiday_dates(self.holiday_country, self.holiday_subdivision, 2000)
            except NotImplementedError as exc:
                raise ValueError(f"holiday_country: {exc}") from None
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return ZoneInfo(self.time_zone)

    def is_closed_date(self, day: date) -> bool:
        """True on public holidays and explicitly closed dates (whatever the weekday)."""
        if day in self.closed_dates:
            return True
        if self.holiday_country is None:
            return False
        return day in _holiday_dates(self.holiday_country, self.holiday_subdivision, day.year)

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals of local date ``day`` as ``(start, end)`` UTC datetimes, in order."""
        if self.is_closed_date(day):
            return []
        zone = self.zone
        out = []
        for hours in sorted(
            self.working_hours.get(WEEKDAYS[day.weekday()], []), key=lambda h: h.start
        ):
            interval = hours.on(day, zone)
            if interval is not None:
                out.append(interval)
        return out

    def is_open(self, moment: datetime) -> bool:
        """True when ``moment`` lies in an open interval (start included, end excluded)."""
        utc = _utc(moment, "moment")
        day = utc.astimezone(self.zone).date()
        return any(s <= utc < e for s, e in self.open_intervals(day))


def _utc(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError([(field, moment, "datetime has no time zone")])
    # Aware datetimes sharing one ZoneInfo subtract by wall clock; UTC makes it real time.
    return moment.astimezone(UTC)


def _intervals_from(
    calendar: BusinessCalendar, start: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Open UTC intervals ending after ``start``, clipped to begin no earlier than it."""
    day = start.astimezone(calendar.zone).date()
    for offset in range(MAX_SEARCH_DAYS):
        for s, e in calendar.open_intervals(day + timedelta(days=offset)):
            if e > start:
                yield max(s, start), e
    raise InputError(
        [
            (
                "calendar",
                calendar.time_zone,
                f"no open business time within {MAX_SEARCH_DAYS} days of {start.isoformat()}",
            )
        ]
    )


def add_business_time(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The moment ``duration`` of open business time has passed since ``start``.

    Time outside working hours, on holidays and on closed dates does not count. A duration that
    runs out exactly at closing time ends at closing time (Friday 18:00, not Monday 08:00). A zero
    duration gives ``start`` back unchanged; otherwise the result is in the calendar's zone.
    """
    if duration < timedelta(0):
        raise InputError([("duration", duration, "business time to add must not be negative")])
    cursor = _utc(start, "start")
    if duration == timedelta(0):
        return start
    remaining = duration
    for s, e in _intervals_from(calendar, cursor):
        if remaining <= e - s:
            return (s + remaining).astimezone(calendar.zone)
        remaining -= e - s
    raise AssertionError("unreachable: _intervals_from raises when it runs out")


def business_time_between(calendar: BusinessCalendar, a: datetime, b: datetime) -> timedelta:
    """Open business time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
    ua, ub = _utc(a, "a"), _utc(b, "b")
    if ub < ua:
        return -business_time_between(calendar, b, a)
    total = timedelta(0)
    day = ua.astimezone(calendar.zone).date()
    last = ub.astimezone(calendar.zone).date()
    while day <= last:
        for s, e in calendar.open_intervals(day):
            lo, hi = max(s, ua), min(e, ub)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total

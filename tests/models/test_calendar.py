"""Business calendars: open hours, holidays, DST, and the add/measure arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatchopt.errors import InputError
from dispatchopt.models import BusinessCalendar, add_business_time, business_time_between
from dispatchopt.models._errors import validate_or_raise

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = BusinessCalendar(time_zone="Europe/Berlin")  # Mon-Fri 08-18
BAVARIA = BusinessCalendar(
    time_zone="Europe/Berlin", holiday_country="DE", holiday_subdivision="BY"
)
ROUND_THE_CLOCK = BusinessCalendar(
    time_zone="Europe/Berlin",
    working_hours={d: ["00:00-00:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
)


def berlin(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


def test_four_business_hours_from_friday_1630_end_monday_1030() -> None:
    due = add_business_time(OFFICE, berlin(2026, 6, 12, 16, 30), timedelta(hours=4))
    assert due == berlin(2026, 6, 15, 10, 30)
    assert due.tzinfo == BERLIN


def test_duration_that_runs_out_at_closing_ends_at_closing_not_next_morning() -> None:
    due = add_business_time(OFFICE, berlin(2026, 6, 12, 16), timedelta(hours=2))
    assert due == berlin(2026, 6, 12, 18)


def test_start_before_opening_counts_from_opening() -> None:
    due = add_business_time(OFFICE, berlin(2026, 6, 10, 6), timedelta(minutes=30))
    assert due == berlin(2026, 6, 10, 8, 30)


def test_bavarian_whit_monday_is_closed_but_not_without_holidays() -> None:
    friday_evening = berlin(2026, 5, 22, 17)
    assert add_business_time(BAVARIA, friday_evening, timedelta(hours=2)) == berlin(2026, 5, 26, 9)
    assert add_business_time(OFFICE, friday_evening, timedelta(hours=2)) == berlin(2026, 5, 25, 9)
    assert BAVARIA.is_closed_date(date(2026, 5, 25))


def test_explicit_closed_date_is_skipped() -> None:
    closed = BusinessCalendar(time_zone="Europe/Berlin", closed_dates=[date(2026, 6, 15)])
    due = add_business_time(closed, berlin(2026, 6, 12, 16, 30), timedelta(hours=4))
    assert due == berlin(2026, 6, 16, 10, 30)


def test_dst_spring_forward_day_has_23_open_hours_round_the_clock() -> None:
    saturday_noon = berlin(2026, 3, 28, 12)
    due = add_business_time(ROUND_THE_CLOCK, saturday_noon, timedelta(hours=24))
    # 24 real hours later; the clocks jumped 02:00 -> 03:00, so local time reads 13:00.
    assert due == berlin(2026, 3, 29, 13)
    assert due.astimezone(UTC) - saturday_noon.astimezone(UTC) == timedelta(hours=24)
    assert business_time_between(ROUND_THE_CLOCK, berlin(2026, 3, 29), berlin(2026, 3, 30)) == (
        timedelta(hours=23)
    )


def test_dst_fall_back_day_has_25_open_hours_round_the_clock() -> None:
    day = business_time_between(ROUND_THE_CLOCK, berlin(2026, 10, 25), berlin(2026, 10, 26))
    assert day == timedelta(hours=25)


def test_office_hours_across_the_spring_weekend_keep_ten_hour_days() -> None:
    # Friday 16:30 CET + 4 business hours -> Monday 10:30 CEST: DST changes the offset only.
    due = add_business_time(OFFICE, berlin(2026, 3, 27, 16, 30), timedelta(hours=4))
    assert due == berlin(2026, 3, 30, 10, 30)
    assert due.utcoffset() == timedelta(hours=2)


def test_between_is_negative_when_reversed_and_zero_over_a_weekend() -> None:
    fri, mon = berlin(2026, 6, 12, 18), berlin(2026, 6, 15, 8)
    assert business_time_between(OFFICE, fri, mon) == timedelta(0)
    a, b = berlin(2026, 6, 12, 9), berlin(2026, 6, 12, 11)
    assert business_time_between(OFFICE, b, a) == -timedelta(hours=2)


def test_lunch_break_split_hours_from_json_strings() -> None:
    cal = BusinessCalendar.model_validate(
        {"time_zone": "Europe/Paris", "working_hours": {"mon": ["08:00-12:00", "13:00-17:00"]}}
    )
    assert cal.working_hours["mon"][1].start == time(13)
    monday_11 = datetime(2026, 6, 15, 11, tzinfo=ZoneInfo("Europe/Paris"))
    assert add_business_time(cal, monday_11, timedelta(hours=2)) == monday_11 + timedelta(hours=3)
    assert not cal.is_open(monday_11 + timedelta(hours=1, minutes=30))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"working_hours": {}}, "working_hours"),
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_subdivision": "BY"}, "holiday_subdivision"),
        ({"working_hours": {"mon": ["08:00-12:00", "11:00-17:00"]}}, "working_hours.mon"),
        ({"working_hours": {"mon": ["18:00-08:00"]}}, "working_hours"),
    ],
)
def test_bad_calendars_name_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        validate_or_raise(BusinessCalendar, data)
    assert field in str(info.value)


def test_naive_start_and_negative_duration_are_input_errors() -> None:
    with pytest.raises(InputError, match="start"):
        add_business_time(OFFICE, datetime(2026, 6, 12, 9), timedelta(hours=1))
    with pytest.raises(InputError, match="duration"):
        add_business_time(OFFICE, berlin(2026, 6, 12, 9), timedelta(hours=-1))


starts = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(BERLIN)
)
durations = st.integers(min_value=0, max_value=60 * 24 * 20).map(lambda m: timedelta(minutes=m))


@settings(max_examples=60, deadline=None)
@given(start=starts, duration=durations)
def test_business_time_added_then_measured_gives_the_duration_back(
    start: datetime, duration: timedelta
) -> None:
    end = add_business_time(BAVARIA, start, duration)
    assert end >= start
    assert business_time_between(BAVARIA, start, end) == duration


@settings(max_examples=60, deadline=None)
@given(a=starts, b=starts, duration=durations)
def test_business_due_time_is_monotone_in_start(
    a: datetime, b: datetime, duration: timedelta
) -> None:
    early, late = sorted((a, b))
    assert add_business_time(BAVARIA, early, duration) <= add_business_time(BAVARIA, late, duration)

"""SLA policies and clocks: due times with business hours, holidays, pauses and DST."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatchopt.errors import InputError
from dispatchopt.models import (
    BusinessCalendar,
    SlaClock,
    SlaMode,
    SlaPause,
    SlaPolicy,
    SlaStage,
    SlaState,
    compliance_by_tier,
    sla_due,
    sla_slack,
)
from dispatchopt.models._errors import validate_or_raise

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = BusinessCalendar(time_zone="Europe/Berlin")
BAVARIA = BusinessCalendar(
    time_zone="Europe/Berlin", holiday_country="DE", holiday_subdivision="BY"
)
URGENT = SlaPolicy(
    name="urgent",
    stages=[
        SlaStage(name="respond", target_minutes=60),
        SlaStage(name="on_site", target_minutes=4 * 60),
        SlaStage(name="resolve", target_minutes=16 * 60),
        SlaStage(name="callback", target_minutes=24 * 60, clock=SlaClock.WALL_CLOCK),
    ],
)


def berlin(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


def test_on_site_4h_urgent_job_opened_at_1630_on_a_friday_under_business_hours() -> None:
    state = SlaState(started_at=berlin(2026, 6, 12, 16, 30))
    assert sla_due(URGENT, state, OFFICE, "on_site") == berlin(2026, 6, 15, 10, 30)
    assert sla_due(URGENT, state, OFFICE, "respond") == berlin(2026, 6, 12, 17, 30)
    # The wall-clock stage ignores the weekend.
    assert sla_due(URGENT, state, OFFICE, "callback") == berlin(2026, 6, 13, 16, 30)


def test_sla_clock_paused_over_a_weekend_and_a_public_holiday() -> None:
    # Opened Thursday 10:00; the customer is away from Friday 12:00 to Tuesday 12:00, across the
    # weekend and Whit Monday (a Bavarian holiday). 16 business hours to resolve:
    # Thu 10-18 (8 h) + Fri 08-12 (4 h) run, the pause eats Fri 12-18 and Tue 08-12,
    # the last 4 h run Tue 12-16.
    state = SlaState(
        started_at=berlin(2026, 5, 21, 10),
        pauses=[
            SlaPause(
                reason="awaiting_customer",
                start=berlin(2026, 5, 22, 12),
                end=berlin(2026, 5, 26, 12),
            )
        ],
    )
    assert sla_due(URGENT, state, BAVARIA, "resolve") == berlin(2026, 5, 26, 16)
    unpaused = SlaState(started_at=state.started_at)
    assert sla_due(URGENT, unpaused, BAVARIA, "resolve") == berlin(2026, 5, 22, 16)
    # Without the holiday the same pause ends the resolve clock on Tuesday too, but the pause
    # removes Monday's open hours as well: still Tuesday 16:00.
    assert sla_due(URGENT, state, OFFICE, "resolve") == berlin(2026, 5, 26, 16)
    # The 24 h wall-clock stage falls due Friday 10:00, before the pause starts ...
    assert sla_due(URGENT, state, BAVARIA, "callback") == berlin(2026, 5, 22, 10)
    # ... while a pause covering that moment pushes it by the pause's full wall-clock length.
    night = SlaPause(start=berlin(2026, 5, 21, 20), end=berlin(2026, 5, 22, 20))
    paused_night = SlaState(started_at=state.started_at, pauses=[night])
    assert sla_due(URGENT, paused_night, BAVARIA, "callback") == berlin(2026, 5, 23, 10)


def test_pause_that_starts_after_the_due_time_changes_nothing() -> None:
    state = SlaState(
        started_at=berlin(2026, 6, 10, 9),
        pauses=[SlaPause(start=berlin(2026, 6, 10, 15), end=berlin(2026, 6, 11, 9))],
    )
    assert sla_due(URGENT, state, OFFICE, "on_site") == berlin(2026, 6, 10, 13)


def test_overlapping_and_early_pauses_count_once_and_only_after_the_start() -> None:
    state = SlaState(
        started_at=berlin(2026, 6, 10, 9),
        pauses=[
            SlaPause(start=berlin(2026, 6, 10, 7), end=berlin(2026, 6, 10, 10)),
            SlaPause(start=berlin(2026, 6, 10, 11), end=berlin(2026, 6, 10, 12)),
            SlaPause(start=berlin(2026, 6, 10, 11, 30), end=berlin(2026, 6, 10, 12, 30)),
        ],
    )
    # Runs 10:00-11:00 and 12:30-15:30: 4 h on site.
    assert sla_due(URGENT, state, OFFICE, "on_site") == berlin(2026, 6, 10, 15, 30)
    assert state.paused_time() == timedelta(hours=2, minutes=30)


def test_open_pause_before_the_due_time_leaves_no_due_time() -> None:
    waiting = SlaState(
        started_at=berlin(2026, 6, 10, 9),
        pauses=[SlaPause(reason="awaiting_parts", start=berlin(2026, 6, 10, 10))],
    )
    assert sla_due(URGENT, waiting, OFFICE, "on_site") is None
    assert sla_due(URGENT, waiting, OFFICE, "respond") == berlin(2026, 6, 10, 10)


def test_prior_paused_minutes_extend_the_target() -> None:
    state = SlaState(started_at=berlin(2026, 6, 10, 9), prior_paused_minutes=90)
    assert sla_due(URGENT, state, OFFICE, "on_site") == berlin(2026, 6, 10, 14, 30)


def test_dst_change_inside_the_sla_window() -> None:
    # Opened Saturday 28 March 2026 20:00 CET; clocks go forward Sunday 02:00 -> 03:00.
    state = SlaState(started_at=berlin(2026, 3, 28, 20))
    # 24 wall-clock hours are 24 real hours: Sunday 21:00 CEST on the clock face.
    assert sla_due(URGENT, state, OFFICE, "callback") == berlin(2026, 3, 29, 21)
    # Business stages do not care about the night: 4 h from Monday 08:00 CEST.
    assert sla_due(URGENT, state, OFFICE, "on_site") == berlin(2026, 3, 30, 12)


def test_business_stage_without_a_calendar_is_an_input_error() -> None:
    with pytest.raises(InputError, match="calendar"):
        sla_due(URGENT, SlaState(started_at=berlin(2026, 6, 10, 9)), None, "on_site")
    with pytest.raises(InputError, match="stage"):
        sla_due(URGENT, SlaState(started_at=berlin(2026, 6, 10, 9)), OFFICE, "repair")


def test_policy_rejects_duplicate_stages_and_unknown_deadline_stage() -> None:
    with pytest.raises(InputError, match="duplicate"):
        validate_or_raise(
            SlaPolicy,
            {"name": "x", "stages": [{"name": "a", "target_minutes": 1}] * 2},
        )
    with pytest.raises(InputError, match="deadline_stage"):
        validate_or_raise(
            SlaPolicy,
            {"name": "x", "stages": [{"name": "a", "target_minutes": 1}], "deadline_stage": "b"},
        )
    respond_only = SlaPolicy(name="basic", stages=[SlaStage(name="respond", target_minutes=60)])
    assert respond_only.solver_stage() is None
    assert URGENT.solver_stage() == URGENT.stage("on_site")


def test_soft_mode_costs_grow_with_tier_and_lateness() -> None:
    mode = SlaMode()
    due = berlin(2026, 6, 10, 12)
    assert mode.late_cost("urgent", due, due) == 0.0
    assert mode.late_cost("urgent", due, due + timedelta(hours=1)) == 800.0
    assert mode.late_cost("urgent", due, due + timedelta(hours=2)) == 1600.0
    assert mode.late_cost("low", due, due + timedelta(hours=1)) == 100.0
    assert mode.late_cost(None, due, due + timedelta(hours=1)) == 200.0


def test_slack_and_compliance_per_tier() -> None:
    due = berlin(2026, 6, 10, 12)
    assert sla_slack(due, berlin(2026, 6, 10, 11)) == timedelta(hours=1)
    assert sla_slack(due, berlin(2026, 6, 10, 13)) == -timedelta(hours=1)
    figures = compliance_by_tier([("urgent", True), ("urgent", False), ("low", True), (None, True)])
    assert figures == {"(none)": 100.0, "low": 100.0, "urgent": 50.0}


starts = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(BERLIN)
)


@settings(max_examples=50, deadline=None)
@given(a=starts, b=starts, stage=st.sampled_from(["respond", "on_site", "resolve", "callback"]))
def test_due_time_is_monotone_in_the_clock_start(a: datetime, b: datetime, stage: str) -> None:
    pause = SlaPause(start=berlin(2026, 5, 22, 12), end=berlin(2026, 5, 26, 12))
    early, late = sorted((a, b))
    due_early = sla_due(URGENT, SlaState(started_at=early, pauses=[pause]), BAVARIA, stage)
    due_late = sla_due(URGENT, SlaState(started_at=late, pauses=[pause]), BAVARIA, stage)
    assert due_early is not None and due_late is not None
    assert due_early <= due_late

"""Plans speak the problem's time zone, daylight saving included."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dispatchopt.models import Problem
from dispatchopt.solvers.front_door import solve
from dispatchopt.validate import validate

WINTER = timezone(timedelta(hours=1))
SUMMER = timezone(timedelta(hours=2))


def paris_weekend(time_zone: str | None = "Europe/Paris") -> Problem:
    """An engineer with a morning shift on Saturday 28 March (+01:00) and on Sunday 29 March
    (+02:00 from 02:00), 08:00-12:00 local; one job on Sunday 09:00-11:00 local."""
    return Problem.model_validate(
        {
            "jobs": [
                {
                    "id": "sunday",
                    "location": {"lat": 48.85, "lon": 2.35},
                    "duration_minutes": 30,
                    "time_windows": [
                        {
                            "start": datetime(2026, 3, 29, 9, tzinfo=SUMMER),
                            "end": datetime(2026, 3, 29, 11, tzinfo=SUMMER),
                        }
                    ],
                }
            ],
            "engineers": [
                {
                    "id": "lea",
                    "start_location": {"lat": 48.86, "lon": 2.34},
                    "shifts": [
                        {
                            "start": datetime(2026, 3, 28, 8, tzinfo=WINTER),
                            "end": datetime(2026, 3, 28, 12, tzinfo=WINTER),
                        },
                        {
                            "start": datetime(2026, 3, 29, 8, tzinfo=SUMMER),
                            "end": datetime(2026, 3, 29, 12, tzinfo=SUMMER),
                        },
                    ],
                }
            ],
            "time_zone": time_zone,
        }
    )


def test_a_sunday_shift_after_the_clocks_go_forward_is_written_in_summer_time() -> None:
    day = paris_weekend()
    plan = solve(day, time_limit=0.5)
    assert validate(day, plan) == []
    (route,) = plan.routes
    assert route.shift_index == 1
    assert route.departure.utcoffset() == timedelta(hours=2)
    assert route.departure >= datetime(2026, 3, 29, 8, tzinfo=SUMMER)
    assert route.stops[0].start.utcoffset() == timedelta(hours=2)


def test_without_a_zone_the_input_offset_is_kept_and_arithmetic_stays_in_real_seconds() -> None:
    day = paris_weekend(time_zone=None)
    plan = solve(day, time_limit=0.5)
    assert validate(day, plan) == []
    (route,) = plan.routes
    assert route.departure.utcoffset() == timedelta(hours=1)
    assert plan.summary is not None
    assert plan.summary.working_s == (route.arrival - route.departure).total_seconds()

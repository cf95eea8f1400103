"""The one test-day builder: named times on one date, and engineers, jobs and problems on it.

Every test module takes its moments and its small named scenarios from a :class:`Day`, so a
reader sees ``day.at("09:30")`` and knows what it means, whatever the module. Travel is x/y
Euclidean at 60 km/h: 1 km takes exactly one minute, so times can be checked on paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from dispatchopt.models import Problem


@dataclass(frozen=True)
class Day:
    """A test day: ``date`` in ``tz``; jobs last ``job_minutes`` unless told otherwise."""

    date: date
    tz: tzinfo = UTC
    job_minutes: float = 30

    @property
    def midnight(self) -> datetime:
        """The start of the day."""
        return datetime(self.date.year, self.date.month, self.date.day, tzinfo=self.tz)

    def at(self, clock: str, *, days: int = 0) -> datetime:
        """``"09:30"`` or ``"09:30:15"`` on the day (``days`` later)."""
        parts = [int(p) for p in clock.split(":")] + [0]
        return self.midnight + timedelta(
            days=days, hours=parts[0], minutes=parts[1], seconds=parts[2]
        )

    def after(self, *, hours: float = 0, minutes: float = 0) -> datetime:
        """A computed moment: so many hours and minutes after midnight."""
        return self.midnight + timedelta(hours=hours, minutes=minutes)

    def engineer(
        self,
        eid: str,
        x: float = 0,
        y: float = 0,
        *,
        shift: tuple[str, str] = ("08:00", "17:00"),
        breaks: list[tuple[str, str, float]] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """An engineer dict starting and ending at (x, y), with one shift and its breaks
        (``(window start, window end, minutes)``)."""
        return {
            "id": eid,
            "start_location": {"x": x, "y": y},
            "shifts": [
                {
                    "start": self.at(shift[0]),
                    "end": self.at(shift[1]),
                    "breaks": [
                        {"window": {"start": self.at(a), "end": self.at(b)}, "duration_minutes": m}
                        for a, b, m in breaks or []
                    ],
                }
            ],
            **extra,
        }

    def job(
        self,
        jid: str,
        x: float,
        y: float = 0,
        minutes: float | None = None,
        windows: list[tuple[str, str]] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A job dict at (x, y) lasting ``minutes`` (default ``job_minutes``), with start
        windows ``(start, end)``."""
        return {
            "id": jid,
            "location": {"x": x, "y": y},
            "duration_minutes": self.job_minutes if minutes is None else minutes,
            "time_windows": [{"start": self.at(a), "end": self.at(b)} for a, b in windows or []],
            **extra,
        }

    def problem(
        self, jobs: list[dict[str, Any]], engineers: list[dict[str, Any]], **extra: Any
    ) -> Problem:
        """A problem of these jobs and engineers on x/y Euclidean travel at 60 km/h."""
        return Problem.from_data(
            {
                "jobs": jobs,
                "engineers": engineers,
                "travel": {"kind": "euclidean", "speed_kmh": 60},
                **extra,
            }
        )


__all__ = ["Day"]


def ada_and_bob(d: Day, **extra: Any) -> Problem:
    """ada (lunch break) and bob (a morning shift) for three jobs near the depot; FAR is 400 km
    out with a five-minute window, so it is left out with a reason."""
    return d.problem(
        [
            d.job("J1", 10, 0, windows=[("09:00", "12:00")]),
            d.job("J2", 20, 5),
            d.job("J3", -10, 8),
            d.job("FAR", 400, 0, windows=[("08:00", "08:05")]),
        ],
        [
            d.engineer("ada", 0, 0, breaks=[("11:00", "14:00", 30)]),
            d.engineer("bob", 5, 5, shift=("09:00", "12:00")),
        ],
        **extra,
    )

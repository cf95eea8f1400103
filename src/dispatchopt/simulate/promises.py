"""Appointments in simulation: the window a customer is told when her job is first planned, and
whether the day kept it.

Every policy is held to the same rule, so that appointments broken compare across policies: the
moment a job first appears in an engineer's queue, the simulator projects when that engineer
will start it (planned durations, travel, breaks) and promises the customer
``PROMISE_HALF_WIDTH`` either side of that start. An engineer who arrives before the promised
window waits for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatchopt.models import Plan, TimeWindow

PROMISE_HALF_WIDTH = timedelta(hours=1)
"""Half the promised window: a two-hour appointment centred on the first planned start."""

MOVED_MINUTES = 15.0
"""A visit inside its window but this many minutes or more away from the first planned start
counts as moved (the customer was given a time, and it changed)."""


@dataclass(frozen=True)
class Promise:
    """What the customer of ``job_id`` was told at ``made_at``: ``engineer_id`` comes at
    ``planned_start``, within ``window``."""

    job_id: str
    engineer_id: str
    planned_start: datetime
    window: TimeWindow
    made_at: datetime


def promise(job_id: str, engineer_id: str, start: datetime, now: datetime) -> Promise:
    """The promise made at ``now`` for a first planned start at ``start``."""
    return Promise(
        job_id=job_id,
        engineer_id=engineer_id,
        planned_start=start,
        window=TimeWindow(start=start - PROMISE_HALF_WIDTH, end=start + PROMISE_HALF_WIDTH),
        made_at=now,
    )


@dataclass(frozen=True)
class PromiseKeeping:
    """How the promises of a day fared (cancelled jobs aside).

    ``moved``: started inside the window, but ``MOVED_MINUTES`` or more from the planned start.
    ``reassigned``: served by another engineer than promised. ``broken``: started outside the
    window, or not served at all.
    """

    promised: int
    moved: int
    reassigned: int
    broken: int


def keeping(promises: Mapping[str, Promise], plan: Plan, cancelled: set[str]) -> PromiseKeeping:
    """Score ``promises`` against the executed ``plan``."""
    visits = {s.job_id: (r.engineer_id, s.start) for r in plan.routes for s in r.jobs}
    moved = reassigned = broken = promised = 0
    for job_id, p in promises.items():
        if job_id in cancelled:
            continue
        promised += 1
        visit = visits.get(job_id)
        if visit is None:
            broken += 1
            continue
        engineer_id, start = visit
        reassigned += engineer_id != p.engineer_id
        if not p.window.contains(start):
            broken += 1
        elif abs((start - p.planned_start).total_seconds()) >= MOVED_MINUTES * 60:
            moved += 1
    return PromiseKeeping(promised, moved, reassigned, broken)


__all__ = ["MOVED_MINUTES", "PROMISE_HALF_WIDTH", "Promise", "PromiseKeeping", "keeping", "promise"]

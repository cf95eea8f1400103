"""Another draw of a scenario's chance parts, for sweeps over many simulated days.

A seed redraws what the day could not know in advance, from the generator's distributions
(:class:`~dispatchopt.scenarios.generator.DayOptions`): how long each visit really takes,
which visits turn out to need a part on site, when same-day calls come in and which jobs are
cancelled when. The jobs, their windows, SLA clocks and places, the engineers and the parts
deliveries stay as in the file, so every draw is the same day with other luck. Because a job's
window and earliest start follow from its call, a redrawn call is never later than the job's
earliest start in the file (a call that would come later comes at that moment).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import numpy as np

from dispatchopt.models import Job
from dispatchopt.scenarios.generator import PARTS, DayOptions
from dispatchopt.scenarios.scenario import Event, JobArrives, JobCancelled, Scenario

CALLS_FROM, CALLS_MODE, CALLS_TO = 7 * 60, 9 * 60, 15 * 60
"""Same-day calls: triangular over the day, minutes after midnight (as the generator)."""


def redraw(scenario: Scenario, seed: int, options: DayOptions | None = None) -> Scenario:
    """``scenario`` with its chance parts drawn again with ``seed`` (numpy ``Generator``
    seeded by the scenario's own seed and ``seed``: same pair, same day)."""
    opts = options or DayOptions()
    rng = np.random.default_rng([scenario.seed or 0, seed])
    problem = scenario.problem
    jobs = problem.jobs
    n = len(jobs)
    noise = rng.lognormal(-(opts.duration_sigma**2) / 2, opts.duration_sigma, n)
    needs_part = rng.random(n)
    part_choice = rng.integers(0, 3, n)
    calls = rng.triangular(CALLS_FROM, CALLS_MODE, CALLS_TO, n)
    cancel = rng.random(n) < opts.cancel_rate
    cancel_frac = rng.uniform(0.0, 1.0, n)

    midnight = _midnight(scenario)
    actual: dict[str, float] = {}
    on_site: dict[str, str] = {}
    called: dict[str, datetime] = {}
    for i, job in enumerate(jobs):
        actual[job.id] = round(job.duration_minutes * float(noise[i]), 1)
        kind = _kind(job)
        if kind is not None and needs_part[i] < opts.on_site_part_rate.get(kind, 0.0):
            on_site[job.id] = PARTS[kind][int(part_choice[i]) % len(PARTS[kind])]
        called[job.id] = midnight + timedelta(minutes=float(np.floor(calls[i])))
    events: list[Event] = []
    for event in scenario.events:
        if isinstance(event, JobCancelled):
            continue
        if isinstance(event, JobArrives):
            job = problem.job_by_id[event.job_id]
            latest = job.earliest_start or event.at
            event = JobArrives(at=min(called[job.id], latest), job_id=job.id)
        events.append(event)
    known = {e.job_id: e.at for e in events if isinstance(e, JobArrives)}
    for i, job in enumerate(jobs):
        if not cancel[i]:
            continue
        start = known.get(job.id) or job.earliest_start or midnight + timedelta(hours=7)
        end = max((w.end for w in job.time_windows), default=start)
        at = start + (end - start) * float(cancel_frac[i]) if end > start else start
        events.append(JobCancelled(at=at.replace(microsecond=0), job_id=job.id))
    events.sort(key=lambda e: (e.at, e.kind, getattr(e, "job_id", getattr(e, "engineer_id", ""))))
    return scenario.model_copy(
        update={
            "events": events,
            "actual_minutes": actual,
            "on_site_part": on_site,
            "description": (scenario.description + f" (redrawn, seed {seed})").strip(),
        }
    )


def _kind(job: Job) -> str | None:
    """The appliance a job is about: its first skill, when it is one the generator knows."""
    return next((s.skill for s in job.skills if s.skill in PARTS), None)


def _midnight(scenario: Scenario) -> datetime:
    """The start of the scenario's day, in its own zone (from the earliest shift)."""
    starts = [s.start for e in scenario.problem.engineers for s in e.shifts]
    first = min(starts) if starts else scenario.plan_time()
    return datetime.combine(first.date(), time(0, 0), tzinfo=first.tzinfo)


__all__ = ["redraw"]

"""Crews, districts as territories and providers drawn onto a generated day (all off by default).

They are drawn from their own random stream (``seed`` and a fixed tag), after the day itself,
so switching a feature on never changes the jobs, engineers or events of the day it is added
to, and the default day stays what it always was (the benchmarks depend on that).
Distributions are stated in docs/scenarios.md ("Crews, territories and providers").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, time, tzinfo

import numpy as np

from dispatchopt.models import Engineer, Job, Provider, SkillRequirement

FEATURE_STREAM = 20
"""Tag of the feature draws' random stream: ``default_rng([seed, FEATURE_STREAM])``."""
CREW_TYPES = ("aircon", "smart_home")
"""Job types that may need two people on site (a split air-conditioner, a full smart-home)."""
TERRITORY_DISTRICTS = 3
"""An own engineer's territory: the home district and the two nearest to it."""
PROVIDER_SKILLS = {"fridge": 1, "washer": 1}
PROVIDER_JOBS_PER_CREW = 8
"""A provider's daily quota per third-party crew it replaces."""
PROVIDER_TIERS = ["urgent"]
"""Tiers a provider accepts besides untiered (standard) jobs: never emergencies."""
PROVIDER_OPENS = time(9, 0)
"""A provider starts no job before 09:00 (its lead time on a day planned the evening before)."""


def district_of(xy: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The nearest district centre of each (x, y) km offset: district indices."""
    d = np.linalg.norm(xy[:, None, :] - centres[None, :, :], axis=2)
    return np.asarray(d.argmin(axis=1))


def zone_id(district: int) -> str:
    """The zone id of a district (``Job.zone``, zone-list territories)."""
    return f"d{district + 1}"


def add_crews(rng: np.random.Generator, jobs: Sequence[Job], share: float) -> list[Job]:
    """``share`` of the aircon and smart-home jobs become two-person jobs: the lead keeps the
    skills, an aircon helper needs aircon level 1, a smart-home helper is a second pair of
    hands; a crew works together, so the job's by-level durations go."""
    draws = rng.random(len(jobs))
    out: list[Job] = []
    for job, u in zip(jobs, draws, strict=True):
        kind = job.skills[0].skill if job.skills else ""
        if kind in CREW_TYPES and u < share:
            helpers = [SkillRequirement(skill="aircon", level=1)] if kind == "aircon" else []
            job = job.model_copy(
                update={"crew_size": 2, "helper_skills": helpers, "duration_by_level": {}}
            )
        out.append(job)
    return out


def add_zones(jobs: Sequence[Job], districts: np.ndarray) -> list[Job]:
    """Every job's ``zone`` is its district."""
    return [
        job.model_copy(update={"zone": zone_id(int(d))})
        for job, d in zip(jobs, districts, strict=True)
    ]


def add_territories(
    engineers: Sequence[Engineer], homes: np.ndarray, centres: np.ndarray, mode: str
) -> list[Engineer]:
    """Own engineers work their home district and the two nearest (``mode`` hard, soft, or
    mixed: every other engineer hard); third-party engineers (``tp..``) go anywhere."""
    out: list[Engineer] = []
    home_district = district_of(homes, centres)
    gap = np.linalg.norm(centres[:, None, :] - centres[None, :, :], axis=2)
    for i, eng in enumerate(engineers):
        if eng.id.startswith("tp"):
            out.append(eng)
            continue
        near = np.argsort(gap[home_district[i]], kind="stable")[:TERRITORY_DISTRICTS]
        zones = sorted(zone_id(int(d)) for d in near)
        this_mode = mode if mode != "mixed" else ("hard" if i % 2 == 0 else "soft")
        out.append(eng.model_copy(update={"territory": zones, "territory_mode": this_mode}))
    return out


def providers_for(
    rng: np.random.Generator,
    count: int,
    crews_replaced: int,
    centres: np.ndarray,
    day: date,
    tz: tzinfo,
) -> list[Provider]:
    """``count`` providers, each covering a slice of the city's districts by angle, with a
    quota of :data:`PROVIDER_JOBS_PER_CREW` jobs per third-party crew replaced (shared out),
    a fee of 40-70 per job (fridge and washer repairs, no emergencies, from 09:00)."""
    angles = np.arctan2(centres[:, 1], centres[:, 0]) % (2 * math.pi)
    order = np.argsort(angles, kind="stable")
    slices = np.array_split(order, count)
    quota = max(1, math.ceil(PROVIDER_JOBS_PER_CREW * max(crews_replaced, 1) / count))
    fees = 5 * np.round(rng.uniform(40, 70, count) / 5)
    opens = datetime.combine(day, PROVIDER_OPENS, tzinfo=tz)
    return [
        Provider(
            id=f"provider{k + 1}",
            skills=dict(PROVIDER_SKILLS),
            territory=sorted(zone_id(int(d)) for d in part) if count > 1 else None,
            max_jobs=quota,
            fee=float(fees[k]),
            earliest_start=opens,
            sla_tiers=list(PROVIDER_TIERS),
        )
        for k, part in enumerate(slices)
    ]


__all__ = [
    "CREW_TYPES",
    "FEATURE_STREAM",
    "add_crews",
    "add_territories",
    "add_zones",
    "district_of",
    "providers_for",
    "zone_id",
]

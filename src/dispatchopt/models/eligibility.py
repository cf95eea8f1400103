"""Who may do a job: the one place the "may this engineer do this job" rule is written.

Skills at the required levels, ``required_engineers``, ``excluded_engineers``, a lock's
engineer and a hard territory decide it; the solvers, the simulator and the validator all ask
here. A crew job's lead is judged by :func:`why_not`, its other members by :func:`why_not_helper`.
"""

from __future__ import annotations

from enum import StrEnum

from dispatchopt.models.engineer import Engineer
from dispatchopt.models.job import Job
from dispatchopt.models.skills import missing_skills
from dispatchopt.models.territory import covers


class Ineligible(StrEnum):
    """Why one engineer may not do one job, checked in this order."""

    SKILL = "skill"
    RESTRICTION = "restriction"
    LOCK = "lock"
    TERRITORY = "territory"


def holds_skills(job: Job, engineer: Engineer) -> bool:
    """The skill part of the rule: every requirement met at its level."""
    return not missing_skills(job.skills, engineer.skills)


def restriction_of(job: Job, engineer_id: str) -> Ineligible | None:
    """The named-engineer part of the rule: required, excluded and locked engineers."""
    if job.required_engineers and engineer_id not in job.required_engineers:
        return Ineligible.RESTRICTION
    if engineer_id in job.excluded_engineers:
        return Ineligible.RESTRICTION
    if job.lock is not None and job.lock.engineer_id != engineer_id:
        return Ineligible.LOCK
    return None


def in_territory(job: Job, engineer: Engineer) -> bool:
    """True when the job lies in the engineer's territory (or the engineer has none)."""
    return covers(engineer.territory, job.location, job.zone)


def territory_bars(job: Job, engineer: Engineer) -> bool:
    """True when a hard territory keeps the engineer away from the job (a job locked to the
    engineer is theirs wherever it is)."""
    if engineer.territory_mode != "hard" or engineer.territory is None:
        return False
    if job.lock is not None and job.lock.engineer_id == engineer.id:
        return False
    return not in_territory(job, engineer)


def why_not(job: Job, engineer: Engineer) -> Ineligible | None:
    """``None`` when ``engineer`` may do (or lead) ``job``, else the first rule that forbids
    it."""
    if not holds_skills(job, engineer):
        return Ineligible.SKILL
    restricted = restriction_of(job, engineer.id)
    if restricted is not None:
        return restricted
    return Ineligible.TERRITORY if territory_bars(job, engineer) else None


def why_not_helper(job: Job, engineer: Engineer) -> Ineligible | None:
    """``None`` when ``engineer`` may be a non-lead member of ``job``'s crew: holds its
    ``helper_skills``, is not excluded (and is among the required engineers, when the job
    names some), and no hard territory keeps them away. A lock pins the lead only."""
    if missing_skills(job.helper_skills, engineer.skills):
        return Ineligible.SKILL
    if job.required_engineers and engineer.id not in job.required_engineers:
        return Ineligible.RESTRICTION
    if engineer.id in job.excluded_engineers:
        return Ineligible.RESTRICTION
    if job.lock is not None and job.lock.engineer_id == engineer.id:
        return Ineligible.LOCK
    return Ineligible.TERRITORY if territory_bars(job, engineer) else None


def may_do(job: Job, engineer: Engineer) -> bool:
    """True when ``engineer`` holds the job's skills and no restriction or lock forbids it."""
    return why_not(job, engineer) is None


__all__ = [
    "Ineligible",
    "holds_skills",
    "in_territory",
    "may_do",
    "restriction_of",
    "territory_bars",
    "why_not",
    "why_not_helper",
]

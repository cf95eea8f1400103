"""Who may do a job: the one place the "may this engineer do this job" rule is written.

Skills at the required levels, ``required_engineers``, ``excluded_engineers`` and a lock's
engineer decide it; the solvers, the simulator and the validator all ask here.
"""

from __future__ import annotations

from enum import StrEnum

from dispatchopt.models.engineer import Engineer
from dispatchopt.models.job import Job
from dispatchopt.models.skills import missing_skills


class Ineligible(StrEnum):
    """Why one engineer may not do one job, checked in this order."""

    SKILL = "skill"
    RESTRICTION = "restriction"
    LOCK = "lock"


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


def why_not(job: Job, engineer: Engineer) -> Ineligible | None:
    """``None`` when ``engineer`` may do ``job``, else the first rule that forbids it."""
    if not holds_skills(job, engineer):
        return Ineligible.SKILL
    return restriction_of(job, engineer.id)


def may_do(job: Job, engineer: Engineer) -> bool:
    """True when ``engineer`` holds the job's skills and no restriction or lock forbids it."""
    return why_not(job, engineer) is None


__all__ = ["Ineligible", "holds_skills", "may_do", "restriction_of", "why_not"]

"""Third-party service providers: contractors who take jobs up to a daily quota, for a fee.

A job given to a provider is not routed by us: the plan lists it in ``Plan.outsourced`` with
the provider, the fee and the window it must be done in. Whether a provider may take a job
is decided here, once, for the solvers, the greedy baseline and the validator.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatchopt.models._bounds import Amount, Id, Level
from dispatchopt.models._time import AwareDatetime
from dispatchopt.models.job import Job
from dispatchopt.models.skills import missing_skills
from dispatchopt.models.territory import Territory, covers


class Provider(BaseModel):
    """A contractor: ``skills`` it covers (skill -> level), an optional ``territory``, at most
    ``max_jobs`` jobs a day, ``fee`` per job (``fee_by_skill`` overrides it for jobs whose
    skills it names: the highest such fee applies), no job started before ``earliest_start``
    (its lead time), and only jobs of ``sla_tiers`` (``None``: any tier, and jobs without one).
    A provider sends its own crew, so a two-person job counts once against its quota."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id: Id
    skills: dict[str, Level] = Field(default_factory=dict)
    territory: Territory | None = None
    max_jobs: int = Field(ge=0, le=100_000)
    fee: Amount
    fee_by_skill: dict[str, Amount] = Field(default_factory=dict)
    earliest_start: AwareDatetime | None = None
    sla_tiers: list[str] | None = None

    @model_validator(mode="after")
    def _fees_for_held_skills(self) -> Provider:
        unknown = sorted(set(self.fee_by_skill) - set(self.skills))
        if unknown:
            raise ValueError(
                f"fee_by_skill names skills the provider does not hold: {unknown} "
                f"(its skills are {sorted(self.skills)})"
            )
        return self

    def fee_for(self, job: Job) -> float:
        """What this provider charges for ``job``."""
        fees = [self.fee_by_skill[r.skill] for r in job.skills if r.skill in self.fee_by_skill]
        return max(fees) if fees else self.fee


class NotOutsourceable(StrEnum):
    """Why one provider may not take one job, checked in this order."""

    NOT_ALLOWED = "outsourcing_not_allowed"
    PINNED = "pinned_to_engineers"
    SKILL = "skill"
    TERRITORY = "territory"
    SLA_TIER = "sla_tier"
    LEAD_TIME = "lead_time"


def provider_why_not(job: Job, provider: Provider) -> NotOutsourceable | None:
    """``None`` when ``provider`` may take ``job``, else the first rule that forbids it.

    A job that forbids outsourcing, or that is locked to or requires named engineers, stays
    with our own engineers. The lead time forbids a job whose every start window closes
    before the provider's ``earliest_start``.
    """
    if not job.outsourcing_allowed:
        return NotOutsourceable.NOT_ALLOWED
    if job.lock is not None or job.required_engineers:
        return NotOutsourceable.PINNED
    if missing_skills(job.skills, provider.skills):
        return NotOutsourceable.SKILL
    if not covers(provider.territory, job.location, job.zone):
        return NotOutsourceable.TERRITORY
    if provider.sla_tiers is not None and (
        job.sla_tier is not None and job.sla_tier not in provider.sla_tiers
    ):
        return NotOutsourceable.SLA_TIER
    ready = provider.earliest_start
    if ready is not None and job.time_windows and all(w.end < ready for w in job.time_windows):
        return NotOutsourceable.LEAD_TIME
    return None


__all__ = ["NotOutsourceable", "Provider", "provider_why_not"]

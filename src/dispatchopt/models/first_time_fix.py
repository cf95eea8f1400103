"""First-time-fix estimate: how likely a visit fixes the fault without a return trip.

A deliberately simple, documented and monotone model (more skill or more parts on hand never
lowers the estimate) that plans can show and objectives can weigh; not a trained predictor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatchopt.models.parts import PartRequirement, required_quantities
from dispatchopt.models.skills import SkillRequirement


class FirstTimeFixModel(BaseModel):
    """``p = clamp(base x skill_factor x parts_factor, floor, cap)``.

    - ``skill_factor``: the weakest required skill decides. With ``gap`` = engineer level minus
      required level, ``1 + bonus_per_level_above x min(gap, max_levels_above)`` when
      ``gap >= 0``, else ``penalty_per_level_below ** -gap`` (an under-qualified engineer).
      A job with no required skill has factor 1.
    - ``parts_factor``: ``1 - missing_parts_drop x (units missing / units required)``; 1 when the
      job needs no parts.

    Defaults: ``base=0.85`` (a typical appliance-service first-time-fix rate), +3 % per level
    above the requirement up to 3 levels, x0.6 per level below, and a visit with none of its
    parts at hand keeps 15 % of its chance (``missing_parts_drop=0.85``); the result lies in
    ``[0.01, 0.99]``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    base: float = Field(default=0.85, gt=0, le=1)
    bonus_per_level_above: float = Field(default=0.03, ge=0)
    max_levels_above: int = Field(default=3, ge=0)
    penalty_per_level_below: float = Field(default=0.6, gt=0, le=1)
    missing_parts_drop: float = Field(default=0.85, ge=0, le=1)
    floor: float = Field(default=0.01, ge=0, le=1)
    cap: float = Field(default=0.99, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> FirstTimeFixModel:
        if self.floor > self.cap:
            raise ValueError(f"floor {self.floor} is above cap {self.cap}")
        return self

    def skill_factor(self, gap: int | None) -> float:
        """The factor for the weakest skill's level gap (``None``: no skill required)."""
        if gap is None:
            return 1.0
        if gap >= 0:
            return 1.0 + self.bonus_per_level_above * min(gap, self.max_levels_above)
        return float(self.penalty_per_level_below ** (-gap))

    def parts_factor(self, missing_fraction: float) -> float:
        """The factor when ``missing_fraction`` (0..1) of the required units are not at hand."""
        fraction = min(1.0, max(0.0, missing_fraction))
        return 1.0 - self.missing_parts_drop * fraction

    def probability(self, gap: int | None, missing_fraction: float) -> float:
        """The estimate from a skill gap and a missing-parts fraction."""
        p = self.base * self.skill_factor(gap) * self.parts_factor(missing_fraction)
        return min(self.cap, max(self.floor, p))


DEFAULT_FIRST_TIME_FIX = FirstTimeFixModel()
"""The model used when a problem does not configure its own."""


def skill_gap(required: Iterable[SkillRequirement], held: Mapping[str, int]) -> int | None:
    """The smallest ``held level - required level`` over the requirements (a skill not held at
    all counts as level 0); ``None`` when nothing is required."""
    gaps = [held.get(r.skill, 0) - r.level for r in required]
    return min(gaps) if gaps else None


def missing_fraction(required: Iterable[PartRequirement], on_hand: Mapping[str, int]) -> float:
    """Share of required units not covered by ``on_hand`` (SKU -> units), 0 when none needed."""
    need = required_quantities(required)
    total = sum(need.values())
    if total == 0:
        return 0.0
    missing = sum(max(0, qty - max(0, on_hand.get(sku, 0))) for sku, qty in need.items())
    return missing / total


def first_time_fix(
    skills: Iterable[SkillRequirement],
    parts: Iterable[PartRequirement],
    engineer_skills: Mapping[str, int],
    parts_on_hand: Mapping[str, int],
    model: FirstTimeFixModel = DEFAULT_FIRST_TIME_FIX,
) -> float:
    """First-time-fix probability of a job needing ``skills`` and ``parts`` when served by an
    engineer with ``engineer_skills`` carrying ``parts_on_hand`` (van stock plus what the route
    picked up for this job). Call as ``first_time_fix(job.skills, job.parts, eng.skills, on_hand)``.
    """
    return model.probability(
        skill_gap(skills, engineer_skills), missing_fraction(parts, parts_on_hand)
    )

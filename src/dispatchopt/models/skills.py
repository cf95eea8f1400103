"""Skills: what an engineer can do, and at which level a job needs it."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.models._bounds import Level


class SkillRequirement(BaseModel):
    """A job needs ``skill`` at ``level`` or higher (levels are small integers, 1 = basic)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    skill: str = Field(min_length=1)
    level: Level = 1


def missing_skills(
    required: list[SkillRequirement], held: Mapping[str, int]
) -> list[SkillRequirement]:
    """The requirements an engineer holding ``held`` (skill -> level) does not meet."""
    return [r for r in required if held.get(r.skill, -1) < r.level]

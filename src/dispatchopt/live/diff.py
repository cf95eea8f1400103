"""What changed between two plans of the same day, for the dispatcher and for other systems."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.models import Plan


class Reassigned(BaseModel):
    """A job that now goes to another engineer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_id: str
    before: str
    after: str


class Moved(BaseModel):
    """A job whose start moved (same engineer or not): by ``shift_s`` seconds (+ later)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_id: str
    shift_s: int


class PlanDiff(BaseModel):
    """``added``: served now, not before; ``dropped``: served before, not now;
    ``broken_appointments``: newly listed as broken."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    added: list[str] = Field(default_factory=list)
    dropped: list[str] = Field(default_factory=list)
    reassigned: list[Reassigned] = Field(default_factory=list)
    moved: list[Moved] = Field(default_factory=list)
    broken_appointments: list[str] = Field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """True when nothing changed."""
        return not (
            self.added or self.dropped or self.reassigned or self.moved or self.broken_appointments
        )

    def lines(self) -> list[str]:
        """One line a person reads per change."""
        out = [f"+ {j} added" for j in self.added]
        out += [f"- {j} dropped" for j in self.dropped]
        out += [f"~ {r.job_id}: {r.before} -> {r.after}" for r in self.reassigned]
        out += [f"> {m.job_id} moved {_signed(m.shift_s)}" for m in self.moved]
        out += [f"! {j}: appointment broken" for j in self.broken_appointments]
        return out or ["no changes"]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _signed(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    minutes, secs = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
    return f"{sign}{text}" + (f" {secs} s" if secs else "")


def diff_plans(before: Plan, after: Plan) -> PlanDiff:
    """The changes from ``before`` to ``after``, each list in ``after``'s (then ``before``'s)
    route order."""
    old = _stops(before)
    new = _stops(after)
    broken_before = {b.job_id for b in before.broken_appointments}
    return PlanDiff(
        added=[j for j in new if j not in old],
        dropped=[j for j in old if j not in new],
        reassigned=[
            Reassigned(job_id=j, before=old[j][0], after=eng)
            for j, (eng, _) in new.items()
            if j in old and old[j][0] != eng
        ],
        moved=[
            Moved(job_id=j, shift_s=round((start - old[j][1]).total_seconds()))
            for j, (_, start) in new.items()
            if j in old and start != old[j][1]
        ],
        broken_appointments=[
            b.job_id for b in after.broken_appointments if b.job_id not in broken_before
        ],
    )


def _stops(plan: Plan) -> dict[str, tuple[str, datetime]]:
    return {s.job_id: (r.engineer_id, s.start) for r in plan.routes for s in r.jobs}


__all__ = ["Moved", "PlanDiff", "Reassigned", "diff_plans"]

"""What changed between two plans of the same day, for the dispatcher and for other systems:
jobs added, dropped, reassigned and moved, appointments broken, and the objective term by term
before and after."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.breakdown import cost_breakdown


class Reassigned(BaseModel):
    """A job that now goes to another engineer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_id: str
    before: str
    after: str


class Moved(BaseModel):
    """A job whose start moved (same engineer or not): by ``shift_s`` seconds (+ later), from
    ``before`` to ``after``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_id: str
    shift_s: int
    before: datetime | None = None
    after: datetime | None = None


class CostChange(BaseModel):
    """One term of the objective (a :class:`~dispatchopt.models.CostTerm` name, or
    ``"total"``) in each plan, and ``change`` = ``after - before``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    term: str
    before: float
    after: float
    change: float


class PlanDiff(BaseModel):
    """``added``: served now, not before; ``dropped``: served before, not now;
    ``broken_appointments``: newly listed as broken; ``costs``: the objective term by term in
    each plan, the total last (empty when a plan's breakdown is unknown)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    added: list[str] = Field(default_factory=list)
    dropped: list[str] = Field(default_factory=list)
    reassigned: list[Reassigned] = Field(default_factory=list)
    moved: list[Moved] = Field(default_factory=list)
    broken_appointments: list[str] = Field(default_factory=list)
    costs: list[CostChange] = Field(default_factory=list)

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
        out += [f"> {m.job_id} moved {_signed(m.shift_s)}{_span(m)}" for m in self.moved]
        out += [f"! {j}: appointment broken" for j in self.broken_appointments]
        return out or ["no changes"]

    def cost_lines(self) -> list[str]:
        """The cost table: a line per term, before, after and the change (none if unknown)."""
        if not self.costs:
            return []
        width = max(len(c.term) for c in self.costs)
        out = [f"{'term':<{width}}  {'before':>12}  {'after':>12}  {'change':>12}"]
        for c in self.costs:
            out.append(
                f"{c.term:<{width}}  {c.before:>12,.2f}  {c.after:>12,.2f}  {c.change:>+12,.2f}"
            )
        return out

    def __str__(self) -> str:
        table = self.cost_lines()
        return "\n".join(self.lines() + ([""] + table if table else []))


def _signed(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    minutes, secs = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
    return f"{sign}{text}" + (f" {secs} s" if secs else "")


def _span(move: Moved) -> str:
    if move.before is None or move.after is None:
        return ""
    return f" ({move.before:%H:%M} -> {move.after:%H:%M})"


def diff_plans(before: Plan, after: Plan, problem: Problem | None = None) -> PlanDiff:
    """The changes from ``before`` to ``after``, each list in ``after``'s (then ``before``'s)
    route order, with the cost table from each plan's ``summary.cost_breakdown`` (computed
    from ``problem`` for a plan that lacks it)."""
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
            Moved(
                job_id=j,
                shift_s=round((start - old[j][1]).total_seconds()),
                before=old[j][1],
                after=start,
            )
            for j, (_, start) in new.items()
            if j in old and start != old[j][1]
        ],
        broken_appointments=[
            b.job_id for b in after.broken_appointments if b.job_id not in broken_before
        ],
        costs=_costs(before, after, problem),
    )


def _breakdown(plan: Plan, problem: Problem | None) -> dict[str, float] | None:
    if plan.summary is not None and plan.summary.objective is not None:
        return plan.summary.cost_breakdown  # empty when every term is zero
    if problem is None:
        return None
    return cost_breakdown(problem, plan).by_term


def _costs(before: Plan, after: Plan, problem: Problem | None) -> list[CostChange]:
    old, new = _breakdown(before, problem), _breakdown(after, problem)
    if old is None or new is None:
        return []
    out = [
        CostChange(
            term=term,
            before=round(old.get(term, 0.0), 2),
            after=round(new.get(term, 0.0), 2),
            change=round(new.get(term, 0.0) - old.get(term, 0.0), 2),
        )
        for term in sorted(set(old) | set(new))
    ]
    total_old, total_new = sum(old.values()), sum(new.values())
    out.append(
        CostChange(
            term="total",
            before=round(total_old, 2),
            after=round(total_new, 2),
            change=round(total_new - total_old, 2),
        )
    )
    return out


def _stops(plan: Plan) -> dict[str, tuple[str, datetime]]:
    return {s.job_id: (r.engineer_id, s.start) for r in plan.routes for s in r.jobs}


__all__ = ["CostChange", "Moved", "PlanDiff", "Reassigned", "diff_plans"]
